/**
 * What the reliability tests share: a seeded random source (a corpus or a mix of run types must
 * be the same on every run), a runner that keeps a fixed number of requests in flight, and the
 * counts that prove a request changed nothing (executions started, items in the table).
 */
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { TestPlatform } from './stack.ts';

/** A seeded random source (mulberry32): the same seed gives the same sequence. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const integer = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[integer(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  /** `count` distinct items, in random order. */
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0)
      chosen.push(...pool.splice(integer(pool.length), 1));
    return chosen;
  };
  return { next, integer, pick, sample };
};

export type Random = ReturnType<typeof seededRandom>;

/** Runs `work` on every item with at most `limit` at a time; the results keep the items' order. */
export const mapConcurrently = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Every execution of the stack's state machine (all pages). */
export const listExecutions = async ({ stack, clients }: TestPlatform) => {
  const executions = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: stack.stateMachineArn,
        maxResults: 1000,
        nextToken,
      }),
    );
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return executions;
};

/** How many items the stack's table holds (a Scan that counts, all pages). */
export const countItems = async ({ stack, clients }: TestPlatform): Promise<number> => {
  let count = 0;
  let exclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients.dynamodb.send(
      new ScanCommand({
        TableName: stack.tableName,
        Select: 'COUNT',
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return count;
};

/** What a request changed: the executions started and the items written, counted before and after. */
export const sideEffects = async (platform: TestPlatform) => {
  const [executions, items] = await Promise.all([listExecutions(platform), countItems(platform)]);
  return { executions: executions.length, items };
};
