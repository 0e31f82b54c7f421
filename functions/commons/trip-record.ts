/**
 * The trip record (sk `TRIP`): written, with a condition, before a trip's execution starts, so one
 * trip id is one saga forever, whatever Step Functions still remembers. It keeps what the status
 * and the end-of-saga checks need: the execution input and its digest, the execution's ARN, how
 * the execution ended and the outcome concluded from the table.
 *
 * A trip started by a signed-in customer (production) carries its `owner`, the token's `sub`:
 * only the owner may read it, and nobody else learns anything of it.
 *
 * While the saga is open the record carries `open_shard`, which puts it in the sparse OpenTrips
 * index the sweep reads; concluding the saga removes it, and the record leaves the index.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamodb } from '#clients/dynamodb.ts';
import { requireEnv } from '#commons/env.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

export const TRIP_SK = 'TRIP';
export const TRIP_TYPE = 'Trip';

/** The sparse index of open sagas, and its key attributes. */
export const OPEN_TRIPS_INDEX = 'OpenTrips';
/** The index spreads open trips over this many partitions, so no single one takes every write. */
export const OPEN_SHARDS = 8;

/** How an execution ended, as Step Functions reports it; NOT_STARTED: it never ran. */
export type SagaEnd = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'NOT_STARTED';

/** What the table says of a saga once it has ended. */
export type Outcome = 'booked' | 'failed' | 'needs_repair';

export interface TripRecord {
  trip_id: string;
  /** The execution input (the trip document, in the schema's order). */
  input: string;
  input_digest: string;
  execution_arn: string;
  started_at: string;
  /** The customer who started it (the token's sub); absent on the open demo API. */
  owner?: string;
  /** Set once the saga has ended. */
  execution_status?: SagaEnd;
  /** The execution's error name, when it failed (BookingFailed, States.Timeout, ...). */
  execution_error?: string;
  ended_at?: string;
  outcome?: Outcome;
}

const now = () => new Date().toISOString();

export const digestOf = (input: string): string => createHash('sha256').update(input).digest('hex');

const shardOf = (tripId: string): string =>
  `OPEN#${createHash('sha256').update(tripId).digest().readUInt32BE(0) % OPEN_SHARDS}`;

export const openShards = (): string[] =>
  Array.from({ length: OPEN_SHARDS }, (_, shard) => `OPEN#${shard}`);

const keyOf = (tripId: string): Record<string, AttributeValue> => ({
  pk: { S: tripId },
  sk: { S: TRIP_SK },
});

const strings = (values: Record<string, string>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A record read from the table, or undefined when the item is not a trip record. */
export const toTripRecord = (
  item: Record<string, string | undefined> | undefined,
): TripRecord | undefined => {
  if (!item || item.sk !== TRIP_SK || !item.trip_id || !item.input || !item.input_digest)
    return undefined;
  return {
    trip_id: item.trip_id,
    input: item.input,
    input_digest: item.input_digest,
    execution_arn: item.execution_arn ?? '',
    started_at: item.started_at ?? '',
    ...(item.owner ? { owner: item.owner } : {}),
    ...(item.execution_status ? { execution_status: item.execution_status as SagaEnd } : {}),
    ...(item.execution_error ? { execution_error: item.execution_error } : {}),
    ...(item.ended_at ? { ended_at: item.ended_at } : {}),
    ...(item.outcome ? { outcome: item.outcome as Outcome } : {}),
  };
};

const plain = (item: Record<string, AttributeValue>) =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S]));

/**
 * Writes the trip's record unless the trip id was ever used. Returns `created` for the request
 * that wrote it, else the record that was there (consistently read).
 */
export const createTripRecord = async (
  tripId: string,
  input: string,
  executionArn: string,
  owner?: string,
): Promise<{ created: true; record: TripRecord } | { created: false; record: TripRecord }> => {
  const record: TripRecord = {
    trip_id: tripId,
    input,
    input_digest: digestOf(input),
    execution_arn: executionArn,
    started_at: now(),
    ...(owner ? { owner } : {}),
  };
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          ...keyOf(tripId),
          ...strings({ ...record, type: TRIP_TYPE, open_shard: shardOf(tripId) }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { created: true, record };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { Item } = await dynamodb.send(
    new GetItemCommand({ TableName: TABLE_NAME, Key: keyOf(tripId), ConsistentRead: true }),
  );
  const existing = toTripRecord(Item ? plain(Item) : undefined);
  if (!existing)
    throw new Error(`Trip ${tripId} has an item under sk ${TRIP_SK} that is no record`);
  return { created: false, record: existing };
};

/**
 * Whether `caller` may see the trip whose record (or flat item) this is: anyone on the open demo
 * API (no caller), else only its owner. A trip without a record has no owner, so no caller.
 */
export const isVisibleTo = (
  record: { owner?: string | undefined } | undefined,
  caller: string | undefined,
): boolean => caller === undefined || (record?.owner !== undefined && record.owner === caller);

/**
 * Concludes the saga: how its execution ended and the outcome the table shows, and the record
 * leaves the OpenTrips index. Repeating it (an event delivered twice, the sweep after the event)
 * changes nothing; the outcome changes later only through a repair. A trip without a record (an
 * execution started outside the API) has nothing to conclude.
 */
export const concludeTrip = async (
  tripId: string,
  end: SagaEnd,
  outcome: Outcome,
  error?: string,
): Promise<boolean> => {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(tripId),
        UpdateExpression:
          'SET execution_status = if_not_exists(execution_status, :end), execution_error = if_not_exists(execution_error, :error), ended_at = if_not_exists(ended_at, :now), outcome = :outcome, updated_at = :now REMOVE open_shard',
        // Only a change is written: an event delivered twice finds nothing to do.
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_exists(open_shard) OR outcome <> :outcome)',
        ExpressionAttributeValues: strings({
          ':end': end,
          ':error': error ?? '',
          ':outcome': outcome,
          ':now': now(),
        }),
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};
