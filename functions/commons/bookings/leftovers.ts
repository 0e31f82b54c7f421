/**
 * Leftovers. A leftover records a booking that may still be live after the saga: the
 * compensation that should have undone it, and why it did not. It stays `open` until a repair
 * undoes the booking (undo.ts) and resolves it.
 */
import { COMPENSATIONS, type Compensation } from '#bookings/steps.ts';
import type { StepResult } from '#lambda/saga-task.ts';
import { now, putIf, updateIf } from '#table/bookings-table.ts';
import { bookingId, bookingSortKey, keyOf, LEFTOVER_TYPE, leftoverSortKey } from '#table/keys.ts';
import { type Trip, toExecutionInput } from '#trip/document.ts';
import type { LeftoverItem } from '#trip/items.ts';

/** The error a compensation ended with, as Step Functions reports it. */
export interface TaskFailure {
  Error: string;
  Cause: string;
}

const MAX_CAUSE_LENGTH = 2000;

type LeftoverResult = { status: 'recorded'; booking_id: string; compensation: Compensation };

/**
 * Opens a leftover for a booking that may still be live: the compensation that should have
 * undone it, and why it did not. The record stays `open` until a repair undoes the booking.
 * Returns whether this call opened it (false when it was already open). It needs only the
 * booking's key, so it works for a trip whose document no longer parses.
 */
export const openLeftover = async (
  tripId: string,
  booking: { sk: string; id: string },
  compensation: Compensation,
  failure: TaskFailure,
  tripInput?: string,
): Promise<StepResult<LeftoverResult>> => {
  const changed = await putIf({
    Item: {
      ...keyOf(tripId, leftoverSortKey(booking.sk)),
      trip_id: tripId,
      type: LEFTOVER_TYPE,
      compensation,
      booking_sk: booking.sk,
      booking_id: booking.id,
      error: failure.Error,
      cause: failure.Cause.slice(0, MAX_CAUSE_LENGTH),
      // The trip document, when known: what undoing the booking was asked with.
      ...(tripInput === undefined ? {} : { trip: tripInput }),
      repair_status: 'open',
      recorded_at: now(),
    },
    ConditionExpression: 'attribute_not_exists(pk) OR repair_status <> :open',
    ExpressionAttributeValues: { ':open': 'open' },
  });
  return { result: { status: 'recorded', booking_id: booking.id, compensation }, changed };
};

/** Records that a compensation of the saga exhausted its retries (RecordLeftover). */
export const recordLeftover = (
  compensation: Compensation,
  trip: Trip,
  failure: TaskFailure,
): Promise<StepResult<LeftoverResult>> => {
  const kind = COMPENSATIONS[compensation];
  return openLeftover(
    trip.trip_id,
    { sk: bookingSortKey(kind, trip), id: bookingId(kind, trip) },
    compensation,
    failure,
    toExecutionInput(trip),
  );
};

/**
 * Resolves an open leftover once its booking is no longer live. False when a concurrent repair
 * resolved it meanwhile: nothing left to do for this one.
 */
export const resolveLeftover = (tripId: string, leftover: LeftoverItem): Promise<boolean> =>
  updateIf({
    Key: keyOf(tripId, leftover.sk),
    UpdateExpression: 'SET repair_status = :resolved, resolved_at = :now',
    ConditionExpression: 'repair_status = :open',
    ExpressionAttributeValues: { ':resolved': 'resolved', ':open': 'open', ':now': now() },
  });
