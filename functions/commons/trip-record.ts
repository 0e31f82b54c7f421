/**
 * The trip record (sk `TRIP`): written, with a condition, before a trip's execution starts, so one
 * trip id is one saga forever, whatever Step Functions still remembers. It keeps what the status
 * and the end-of-saga checks need: the execution input, the digest of the trip document, the
 * execution's ARN, how the execution ended and the outcome concluded from the table. And the
 * customer's contact, which is nowhere else: not in the execution input, so not in anything
 * Step Functions or EventBridge carries on.
 *
 * A trip started by a signed-in customer (production) carries its `owner`, the token's `sub`:
 * only the owner may read it, and nobody else learns anything of it.
 *
 * While the saga is open the record carries `open_shard`, which puts it in the sparse OpenTrips
 * index the sweep reads; concluding the saga removes it, and the record leaves the index.
 */
import { createHash } from 'node:crypto';
import { getItem, now, putIf, updateIf } from '#commons/table.ts';
import { keyOf, openShardOf, TRIP_SK, TRIP_TYPE } from '#commons/table-keys.ts';
import { type Trip, toExecutionInput, toTripDocument } from '#commons/trip.ts';
import {
  type Outcome,
  type SagaEnd,
  TableItemSchema,
  type TripRecord,
  toTripRecord,
} from '#commons/trip-items.ts';

export const digestOf = (input: string): string => createHash('sha256').update(input).digest('hex');

/**
 * Writes the trip's record unless the trip id was ever used. Returns `created` for the request
 * that wrote it, else the record that was there (consistently read).
 */
export const createTripRecord = async (
  trip: Trip,
  executionArn: string,
  owner?: string,
): Promise<{ created: true; record: TripRecord } | { created: false; record: TripRecord }> => {
  const tripId = trip.trip_id;
  const record: TripRecord = {
    trip_id: tripId,
    input: toExecutionInput(trip),
    input_digest: digestOf(toTripDocument(trip)),
    execution_arn: executionArn,
    started_at: now(),
    ...(owner ? { owner } : {}),
    ...(trip.contact ? { contact: trip.contact } : {}),
  };
  const created = await putIf({
    Item: {
      ...keyOf(tripId, TRIP_SK),
      ...record,
      type: TRIP_TYPE,
      open_shard: openShardOf(tripId),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  if (created) return { created: true, record };
  const existing = TableItemSchema.safeParse(await getItem({ Key: keyOf(tripId, TRIP_SK) }));
  // Removed meanwhile: only by hand, for the trip id was taken.
  if (!existing.success) throw new Error(`Trip ${tripId} has no record, yet its id is taken`);
  return { created: false, record: toTripRecord(existing.data) };
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
export const concludeTrip = (
  tripId: string,
  end: SagaEnd,
  outcome: Outcome,
  error?: string,
): Promise<boolean> => {
  return updateIf({
    Key: keyOf(tripId, TRIP_SK),
    UpdateExpression:
      'SET execution_status = if_not_exists(execution_status, :end), execution_error = if_not_exists(execution_error, :error), ended_at = if_not_exists(ended_at, :now), outcome = :outcome, updated_at = :now REMOVE open_shard',
    // Only a change is written: an event delivered twice finds nothing to do.
    ConditionExpression:
      'attribute_exists(pk) AND (attribute_exists(open_shard) OR outcome <> :outcome)',
    ExpressionAttributeValues: {
      ':end': end,
      ':error': error ?? '',
      ':outcome': outcome,
      ':now': now(),
    },
  });
};
