/**
 * What the reliability tests share: a seeded random source (a corpus or a mix of run types must
 * be the same on every run) and a runner that keeps a fixed number of requests in flight (both
 * from local/checks/runs.ts, which the soak uses too), and the counts that prove a request
 * changed nothing (executions started, items in the table).
 */
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { TestPlatform } from './stack.ts';

export { mapConcurrently, type Random, seededRandom } from '../../local/checks/runs.ts';

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
