/**
 * The guarded status transitions of the bookings: reserve, confirm, cancel, take the payment,
 * refund it. Handlers call these functions; the only other writer of a booking is the undo by
 * key in leftovers.ts (for a trip whose document no longer parses). Which statuses are live and
 * where a compensation leaves each kind come from BOOKING_KINDS (table-keys.ts).
 *
 * Every write carries a condition. A repeated call finds its own earlier write and changes
 * nothing. `cancelled` and `refunded` are final: a cancel that finds no booking still writes
 * one, as a tombstone, so a reserve arriving late (or delivered twice) cannot bring it back.
 * The same write says what it undid (`undone_from`: the status it found, or `nothing` for a
 * tombstone), so no reader takes a tombstone for the undo of a booking that existed.
 */
import * as z from 'zod/mini';
import {
  BookingAlreadyCancelled,
  BookingNotFound,
  MalformedItem,
  PaymentAlreadyRefunded,
} from '#errors';
import type { Outcome } from '#lambda/saga-task.ts';
import { getItem, now, putIf, updateIf } from '#table/bookings-table.ts';
import {
  BOOKING_KINDS,
  type BookingKind,
  bookingId,
  bookingSortKey,
  keyOf,
  NOTHING_UNDONE,
  type ReservationKind,
  TRANSACTION_STATUSES,
  type TransactionStatus,
} from '#table/keys.ts';
import type { Trip } from '#trip/document.ts';

const bookingKey = (kind: BookingKind, trip: Trip) =>
  keyOf(trip.trip_id, bookingSortKey(kind, trip));

/** Every attribute of a booking item but its status and timestamps. */
const bookingAttributes = (kind: BookingKind, trip: Trip): Record<string, string> => ({
  trip_id: trip.trip_id,
  type: BOOKING_KINDS[kind].type,
  id: bookingId(kind, trip),
  ...BOOKING_KINDS[kind].details(trip),
});

const describe = (kind: BookingKind, trip: Trip) =>
  `${BOOKING_KINDS[kind].type} booking ${bookingId(kind, trip)} of trip ${trip.trip_id}`;

const StatusSchema = z.optional(z.object({ transaction_status: z.enum(TRANSACTION_STATUSES) }));

const currentStatus = async (
  kind: BookingKind,
  trip: Trip,
): Promise<TransactionStatus | undefined> => {
  const item = await getItem({
    Key: bookingKey(kind, trip),
    ProjectionExpression: 'transaction_status',
  });
  const parsed = StatusSchema.safeParse(item);
  if (!parsed.success)
    throw new MalformedItem(`${describe(kind, trip)} has no transaction status it could be in`);
  return parsed.data?.transaction_status;
};

/**
 * Writes the booking with `status` unless it exists. Returns whether this call wrote it; an
 * existing booking in `accepted` is the same request seen again, anything else is an error.
 */
const createOnce = async (
  kind: BookingKind,
  trip: Trip,
  status: TransactionStatus,
  accepted: readonly TransactionStatus[],
): Promise<boolean> => {
  const writtenAt = now();
  const written = await putIf({
    Item: {
      ...bookingKey(kind, trip),
      ...bookingAttributes(kind, trip),
      transaction_status: status,
      created_at: writtenAt,
      updated_at: writtenAt,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  if (written) return true;
  const existing = await currentStatus(kind, trip);
  if (existing !== undefined && accepted.includes(existing)) return false;
  if (existing === 'refunded')
    throw new PaymentAlreadyRefunded(`${describe(kind, trip)} was refunded`);
  throw new BookingAlreadyCancelled(`${describe(kind, trip)} was cancelled`);
};

/** Moves a booking from `from` to `to`; repeating it once it is `to` changes nothing. */
const advance = async (
  kind: BookingKind,
  trip: Trip,
  from: TransactionStatus,
  to: TransactionStatus,
): Promise<boolean> => {
  const written = await updateIf({
    Key: bookingKey(kind, trip),
    UpdateExpression: 'SET transaction_status = :to, updated_at = :now',
    ConditionExpression: 'transaction_status = :from',
    ExpressionAttributeValues: { ':from': from, ':to': to, ':now': now() },
  });
  if (written) return true;
  const existing = await currentStatus(kind, trip);
  if (existing === to) return false;
  if (existing === undefined) throw new BookingNotFound(`${describe(kind, trip)} does not exist`);
  throw new BookingAlreadyCancelled(`${describe(kind, trip)} is ${existing}, not ${from}`);
};

/**
 * Puts a booking in its final status from whatever state it is in, the absent state included:
 * then the full item is written as a tombstone. `undone_from` keeps the status it found (the
 * expression reads the item as it was before this write), `nothing` when there was none.
 * Repeating it changes nothing.
 */
const finalise = (kind: BookingKind, trip: Trip, to: TransactionStatus): Promise<boolean> => {
  const values: Record<string, string> = {
    ...bookingAttributes(kind, trip),
    transaction_status: to,
  };
  const names = Object.keys(values);
  const assignments = names.map((_, index) => `#a${index} = :a${index}`);
  return updateIf({
    Key: bookingKey(kind, trip),
    UpdateExpression: `SET ${assignments.join(', ')}, undone_from = if_not_exists(transaction_status, :nothing), updated_at = :now, created_at = if_not_exists(created_at, :now)`,
    ConditionExpression: 'attribute_not_exists(pk) OR transaction_status <> :final',
    ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#a${index}`, name])),
    ExpressionAttributeValues: {
      ...Object.fromEntries(names.map((name, index) => [`:a${index}`, values[name]])),
      ':now': now(),
      ':final': to,
      ':nothing': NOTHING_UNDONE,
    },
  });
};

/** A hotel or flight step's result, the reference's shape. */
export interface BookingResult {
  status: 'ok';
  booking_id: string;
}

/** A payment step's result, the reference's shape. */
export interface PaymentResult {
  status: 'ok';
  payment_id: string;
}

const bookingOutcome = (kind: ReservationKind, trip: Trip, changed: boolean) => ({
  result: { status: 'ok', booking_id: bookingId(kind, trip) } as const,
  changed,
});

const paymentOutcome = (trip: Trip, changed: boolean) => ({
  result: { status: 'ok', payment_id: bookingId('payment', trip) } as const,
  changed,
});

/** Holds the hotel room or the flight seats: a `pending` booking. */
export const reserve = async (kind: ReservationKind, trip: Trip): Promise<Outcome<BookingResult>> =>
  bookingOutcome(kind, trip, await createOnce(kind, trip, 'pending', BOOKING_KINDS[kind].live));

/** Confirms a `pending` booking. Never creates one. */
export const confirm = async (kind: ReservationKind, trip: Trip): Promise<Outcome<BookingResult>> =>
  bookingOutcome(kind, trip, await advance(kind, trip, 'pending', 'confirmed'));

/** Cancels the booking, whether it is pending, confirmed or was never written. */
export const cancel = async (kind: ReservationKind, trip: Trip): Promise<Outcome<BookingResult>> =>
  bookingOutcome(kind, trip, await finalise(kind, trip, BOOKING_KINDS[kind].final));

/** Takes the trip's payment: a `confirmed` payment. */
export const takePayment = async (trip: Trip): Promise<Outcome<PaymentResult>> =>
  paymentOutcome(trip, await createOnce('payment', trip, 'confirmed', BOOKING_KINDS.payment.live));

/** Refunds the payment, whether it was taken or was never written. */
export const refundPayment = async (trip: Trip): Promise<Outcome<PaymentResult>> =>
  paymentOutcome(trip, await finalise('payment', trip, BOOKING_KINDS.payment.final));
