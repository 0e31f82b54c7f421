/**
 * The guarded status transitions of the bookings, the same three for every kind: make it
 * (reserve the hotel or the flight, take the payment), confirm it, undo it (cancel, refund).
 * The saga's steps call these; the only other writer of a booking is the undo by key in undo.ts
 * (for a trip whose document no longer parses). The status each kind is made in, which statuses
 * are live and where its undo leaves it come from BOOKING_KINDS (steps.ts).
 *
 * Every write carries a condition. A repeated call finds its own earlier write and changes
 * nothing. `cancelled` and `refunded` are final: a cancel that finds no booking still writes
 * one, as a tombstone, so a reserve arriving late (or delivered twice) cannot bring it back.
 * The same write says what it undid (`undone_from`: the status it found, or `nothing` for a
 * tombstone), so no reader takes a tombstone for the undo of a booking that existed.
 */
import * as z from 'zod/mini';
import {
  BOOKING_KINDS,
  type BookingKind,
  TRANSACTION_STATUSES,
  type TransactionStatus,
} from '#bookings/steps.ts';
import {
  BookingAlreadyCancelled,
  BookingNotFound,
  MalformedItem,
  PaymentAlreadyRefunded,
} from '#errors';
import type { StepResult } from '#lambda/saga-task.ts';
import { getItem, now, putIf, updateIf } from '#table/bookings-table.ts';
import { bookingId, bookingSortKey, keyOf, NOTHING_UNDONE } from '#table/keys.ts';
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

/**
 * A step's result, the reference's shape: `{ status: 'ok', booking_id }` for a hotel or a flight,
 * `{ status: 'ok', payment_id }` for the payment (the kind's `resultId`).
 */
export type BookingResult<K extends BookingKind> = { status: 'ok' } & {
  [Id in (typeof BOOKING_KINDS)[K]['resultId']]: string;
};

const resultOf = <K extends BookingKind>(
  kind: K,
  trip: Trip,
  changed: boolean,
): StepResult<BookingResult<K>> => ({
  result: {
    status: 'ok',
    [BOOKING_KINDS[kind].resultId]: bookingId(kind, trip),
  } as BookingResult<K>,
  changed,
});

/** Makes the booking in the status its kind is made in: a held room or seat, a taken payment. */
export const make = async <K extends BookingKind>(kind: K, trip: Trip) =>
  resultOf(
    kind,
    trip,
    await createOnce(kind, trip, BOOKING_KINDS[kind].made, BOOKING_KINDS[kind].live),
  );

/** Confirms a `pending` booking. Never creates one. */
export const confirm = async <K extends BookingKind>(kind: K, trip: Trip) =>
  resultOf(kind, trip, await advance(kind, trip, 'pending', 'confirmed'));

/** Undoes the booking (cancels it, refunds it), whatever state it reached, even never made. */
export const undo = async <K extends BookingKind>(kind: K, trip: Trip) =>
  resultOf(kind, trip, await finalise(kind, trip, BOOKING_KINDS[kind].final));
