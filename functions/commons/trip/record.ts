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
 * While the trip is open the record carries `open_shard`, which puts it in the sparse OpenTrips
 * index the sweep reads: from its write until the saga is concluded and the notice its outcome
 * calls for is sent.
 */
import { createHash } from 'node:crypto';
import type { Notice } from '#notices/notice.ts';
import { getItem, now, putIf, updateIf } from '#table/bookings-table.ts';
import { TableItemSchema } from '#table/item.ts';
import { keyOf, openShardOf, TRIP_SK, TRIP_TYPE } from '#table/keys.ts';
import { type Trip, toExecutionInput, toTripDocument } from '#trip/document.ts';
import { type TripRecord, toTripRecord } from '#trip/record-item.ts';
import type { Outcome, SagaEnd } from '#trip/rules.ts';

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
 * Concludes the saga: how its execution ended, the outcome the table shows, and, in the same
 * conditional write, the notice its customer is now owed (the outbox: the notice is as durable as
 * the outcome that calls for it). The record stays in the OpenTrips index until the notice is
 * sent (`clearNoticeOwed`); an outcome changed later (a repair) puts it back there. Repeating it
 * (an event delivered twice, the sweep after the event) changes nothing and owes nothing more.
 * A trip without a record (an execution started outside the API) has nothing to conclude.
 */
export const concludeTrip = (
  tripId: string,
  conclusion: { end: SagaEnd; outcome: Outcome; notice: Notice; error?: string | undefined },
): Promise<boolean> => {
  const { end, outcome, notice, error } = conclusion;
  return updateIf({
    Key: keyOf(tripId, TRIP_SK),
    UpdateExpression:
      'SET execution_status = if_not_exists(execution_status, :end), execution_error = if_not_exists(execution_error, :error), ended_at = if_not_exists(ended_at, :now), outcome = :outcome, notice_owed = :notice, owed_since = :now, updated_at = :now, open_shard = :shard',
    // Only a change is written: an event delivered twice finds nothing to do.
    ConditionExpression:
      'attribute_exists(pk) AND (attribute_not_exists(outcome) OR outcome <> :outcome)',
    ExpressionAttributeValues: {
      ':end': end,
      ':error': error ?? '',
      ':outcome': outcome,
      ':notice': notice,
      ':now': now(),
      // The index key as it is (no write to the index) or as it was (back in the index).
      ':shard': openShardOf(tripId),
    },
  });
};

/**
 * The notice owed is sent: the record leaves the OpenTrips index. Only while that notice is the
 * one owed: an outcome changed meanwhile owes its own, and stays.
 */
export const clearNoticeOwed = (tripId: string, notice: string): Promise<boolean> =>
  updateIf({
    Key: keyOf(tripId, TRIP_SK),
    UpdateExpression: 'REMOVE notice_owed, owed_since, open_shard',
    ConditionExpression: 'notice_owed = :notice',
    ExpressionAttributeValues: { ':notice': notice },
  });

/**
 * A concluded record that owes nothing yet is still in the OpenTrips index (concluded before
 * notices were owed this way) leaves it.
 */
export const closeTrip = (tripId: string): Promise<boolean> =>
  updateIf({
    Key: keyOf(tripId, TRIP_SK),
    UpdateExpression: 'REMOVE open_shard',
    ConditionExpression:
      'attribute_exists(open_shard) AND attribute_exists(outcome) AND attribute_not_exists(notice_owed)',
  });
