/**
 * Leftovers and their repair. A leftover records a booking that may still be live after the
 * saga: the compensation that should have undone it, and why it did not. It stays `open` until a
 * repair undoes the booking (by the saga's own undo steps, or by the item's key when the trip
 * document is gone) and resolves it.
 */

import { cancel, refundPayment } from '#bookings/transitions.ts';
import type { Outcome } from '#lambda/saga-task.ts';
import { now, putIf, updateIf } from '#table/bookings-table.ts';
import {
  bookingId,
  bookingSortKey,
  COMPENSATIONS,
  type Compensation,
  keyOf,
  kindOfType,
  LEFTOVER_TYPE,
  leftoverSortKey,
} from '#table/keys.ts';
import { type Trip, toExecutionInput } from '#trip/document.ts';
import type { BookingItem, LeftoverItem } from '#trip/items.ts';

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
): Promise<Outcome<LeftoverResult>> => {
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
): Promise<Outcome<LeftoverResult>> => {
  const kind = COMPENSATIONS[compensation];
  return openLeftover(
    trip.trip_id,
    { sk: bookingSortKey(kind, trip), id: bookingId(kind, trip) },
    compensation,
    failure,
    toExecutionInput(trip),
  );
};

/** The undo steps by name, for a trip whose document is known: they also write tombstones. */
export const UNDO = {
  RefundPayment: refundPayment,
  CancelFlight: (trip: Trip) => cancel('flight', trip),
  CancelHotel: (trip: Trip) => cancel('hotel', trip),
} satisfies Record<Compensation, (trip: Trip) => Promise<unknown>>;

/**
 * Undoes one booking item by its key, from whatever live status it is in: cancelled, or refunded
 * for a payment. Returns whether it changed the item.
 */
export const undoItem = (tripId: string, item: BookingItem): Promise<boolean> => {
  const { live, final } = kindOfType(item.type);
  const liveValues = Object.fromEntries(live.map((status, index) => [`:live${index}`, status]));
  return updateIf({
    Key: keyOf(tripId, item.sk),
    // What it undid: the live status it found (read before this write).
    UpdateExpression:
      'SET transaction_status = :final, undone_from = transaction_status, updated_at = :now',
    ConditionExpression: `attribute_exists(pk) AND transaction_status IN (${Object.keys(liveValues).join(', ')})`,
    ExpressionAttributeValues: { ':final': final, ':now': now(), ...liveValues },
  });
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
