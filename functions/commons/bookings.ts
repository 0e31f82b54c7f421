/**
 * The bookings table: its key schema, the booking ids and the guarded status transitions.
 * Handlers call these functions; nothing else builds a key, hashes an id or writes an item.
 *
 * Items (pk = trip id):
 *   sk HOTEL#<id>, FLIGHT#<id>   (none) -> pending -> confirmed; any of them -> cancelled
 *   sk PAYMENT#<id>              (none) -> confirmed;             any of them -> refunded
 *   sk LEFTOVER#<booking sk>     a booking that may still be live after the saga: open -> resolved
 *   sk TRIP                      the trip record (trip-record.ts)
 *   sk NOTIFICATION#<notice>     what the customer was sent (notification-record.ts)
 *
 * Every write carries a condition. A repeated call finds its own earlier write and changes
 * nothing. `cancelled` and `refunded` are final: a cancel that finds no booking still writes
 * one, as a tombstone, so a reserve arriving late (or delivered twice) cannot bring it back.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamodb } from '#clients/dynamodb.ts';
import { requireEnv } from '#commons/env.ts';
import {
  BookingAlreadyCancelled,
  BookingNotFound,
  PaymentAlreadyRefunded,
} from '#commons/errors.ts';
import { NOTIFICATION_TYPE } from '#commons/notification-record.ts';
import { type Trip, toExecutionInput } from '#commons/trip.ts';
import { TRIP_SK } from '#commons/trip-record.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const now = () => new Date().toISOString();

export type BookingKind = 'hotel' | 'flight' | 'payment';
export type ReservationKind = Exclude<BookingKind, 'payment'>;
export type TransactionStatus = 'pending' | 'confirmed' | 'cancelled' | 'refunded';

/** The reference's price for every trip. */
export const PAYMENT = { amount: '450.00', currency: 'USD' } as const;

const KINDS = {
  hotel: {
    prefix: 'HOTEL',
    type: 'Hotel',
    details: (trip: Trip) => ({
      hotel: trip.hotel,
      check_in: trip.check_in,
      check_out: trip.check_out,
    }),
  },
  flight: {
    prefix: 'FLIGHT',
    type: 'Flight',
    details: (trip: Trip) => ({
      depart: trip.depart,
      depart_at: trip.depart_at,
      arrive: trip.arrive,
      arrive_at: trip.arrive_at,
    }),
  },
  payment: {
    prefix: 'PAYMENT',
    type: 'Payment',
    details: (_trip: Trip): Record<string, string> => ({ ...PAYMENT }),
  },
} as const satisfies Record<BookingKind, unknown>;

const hash = (parts: readonly string[]): string =>
  // JSON encoding keeps the parts unambiguous ("ab"+"c" differs from "a"+"bc").
  createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/**
 * A booking's id, from the trip id and the booked thing (SHA-256, 128 bits in hex). Every step
 * recomputes it from the saga input, so a compensation never depends on a forward step's result.
 */
export const bookingId = (kind: BookingKind, trip: Trip): string => {
  const thing =
    kind === 'payment'
      ? [bookingId('hotel', trip), bookingId('flight', trip)]
      : Object.values(KINDS[kind].details(trip));
  return hash([kind, trip.trip_id, ...thing]);
};

export const bookingSortKey = (kind: BookingKind, trip: Trip): string =>
  `${KINDS[kind].prefix}#${bookingId(kind, trip)}`;

const LEFTOVER_PREFIX = 'LEFTOVER#';
const LEFTOVER_TYPE = 'Leftover';

const keyOf = (tripId: string, sortKey: string): Record<string, AttributeValue> => ({
  pk: { S: tripId },
  sk: { S: sortKey },
});

const toAttributes = (values: Record<string, string>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));

/** Every attribute of a booking item but its status and timestamps. */
const bookingAttributes = (kind: BookingKind, trip: Trip): Record<string, string> => ({
  trip_id: trip.trip_id,
  type: KINDS[kind].type,
  id: bookingId(kind, trip),
  ...KINDS[kind].details(trip),
});

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const currentStatus = async (
  kind: BookingKind,
  trip: Trip,
): Promise<TransactionStatus | undefined> => {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: TABLE_NAME,
      Key: keyOf(trip.trip_id, bookingSortKey(kind, trip)),
      ProjectionExpression: 'transaction_status',
      ConsistentRead: true,
    }),
  );
  return Item?.transaction_status?.S as TransactionStatus | undefined;
};

const describe = (kind: BookingKind, trip: Trip) =>
  `${KINDS[kind].type} booking ${bookingId(kind, trip)} of trip ${trip.trip_id}`;

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
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          ...keyOf(trip.trip_id, bookingSortKey(kind, trip)),
          ...toAttributes({
            ...bookingAttributes(kind, trip),
            transaction_status: status,
            created_at: writtenAt,
            updated_at: writtenAt,
          }),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
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
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(trip.trip_id, bookingSortKey(kind, trip)),
        UpdateExpression: 'SET transaction_status = :to, updated_at = :now',
        ConditionExpression: 'transaction_status = :from',
        ExpressionAttributeValues: toAttributes({ ':from': from, ':to': to, ':now': now() }),
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = await currentStatus(kind, trip);
  if (existing === to) return false;
  if (existing === undefined) throw new BookingNotFound(`${describe(kind, trip)} does not exist`);
  throw new BookingAlreadyCancelled(`${describe(kind, trip)} is ${existing}, not ${from}`);
};

/**
 * Puts a booking in its final status from whatever state it is in, the absent state included:
 * then the full item is written as a tombstone. Repeating it changes nothing.
 */
const finalise = async (kind: BookingKind, trip: Trip, to: TransactionStatus): Promise<boolean> => {
  const values: Record<string, string> = {
    ...bookingAttributes(kind, trip),
    transaction_status: to,
  };
  const names = Object.keys(values);
  const assignments = names.map((_, index) => `#a${index} = :a${index}`);
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(trip.trip_id, bookingSortKey(kind, trip)),
        UpdateExpression: `SET ${assignments.join(', ')}, updated_at = :now, created_at = if_not_exists(created_at, :now)`,
        ConditionExpression: 'attribute_not_exists(pk) OR transaction_status <> :final',
        ExpressionAttributeNames: Object.fromEntries(
          names.map((name, index) => [`#a${index}`, name]),
        ),
        ExpressionAttributeValues: {
          ...toAttributes(
            Object.fromEntries(names.map((name, index) => [`:a${index}`, values[name] ?? ''])),
          ),
          ...toAttributes({ ':now': now(), ':final': to }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
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

/** What a transition did: `changed` is false when the call repeated an earlier one. */
export type Outcome<T> = { result: T; changed: boolean };

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
  bookingOutcome(kind, trip, await createOnce(kind, trip, 'pending', ['pending', 'confirmed']));

/** Confirms a `pending` booking. Never creates one. */
export const confirm = async (kind: ReservationKind, trip: Trip): Promise<Outcome<BookingResult>> =>
  bookingOutcome(kind, trip, await advance(kind, trip, 'pending', 'confirmed'));

/** Cancels the booking, whether it is pending, confirmed or was never written. */
export const cancel = async (kind: ReservationKind, trip: Trip): Promise<Outcome<BookingResult>> =>
  bookingOutcome(kind, trip, await finalise(kind, trip, 'cancelled'));

/** Takes the trip's payment: a `confirmed` payment. */
export const takePayment = async (trip: Trip): Promise<Outcome<PaymentResult>> =>
  paymentOutcome(trip, await createOnce('payment', trip, 'confirmed', ['confirmed']));

/** Refunds the payment, whether it was taken or was never written. */
export const refundPayment = async (trip: Trip): Promise<Outcome<PaymentResult>> =>
  paymentOutcome(trip, await finalise('payment', trip, 'refunded'));

/** The compensations, and the booking each one undoes. */
export const COMPENSATIONS = {
  RefundPayment: 'payment',
  CancelFlight: 'flight',
  CancelHotel: 'hotel',
} as const satisfies Record<string, BookingKind>;
export type Compensation = keyof typeof COMPENSATIONS;

/** The error a compensation ended with, as Step Functions reports it. */
export interface TaskFailure {
  Error: string;
  Cause: string;
}

const MAX_CAUSE_LENGTH = 2000;

/** The compensation that undoes a booking item, by the item's type. */
export const COMPENSATION_OF_TYPE: Record<string, Compensation> = {
  [KINDS.payment.type]: 'RefundPayment',
  [KINDS.flight.type]: 'CancelFlight',
  [KINDS.hotel.type]: 'CancelHotel',
};

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
  const result = { status: 'recorded', booking_id: booking.id, compensation } as const;
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          ...keyOf(tripId, `${LEFTOVER_PREFIX}${booking.sk}`),
          ...toAttributes({
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
          }),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR repair_status <> :open',
        ExpressionAttributeValues: toAttributes({ ':open': 'open' }),
      }),
    );
    return { result, changed: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { result, changed: false };
  }
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
export const undoItem = async (tripId: string, item: TripItem): Promise<boolean> => {
  const final = item.type === KINDS.payment.type ? 'refunded' : 'cancelled';
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(tripId, item.sk ?? ''),
        UpdateExpression: 'SET transaction_status = :final, updated_at = :now',
        ConditionExpression:
          'attribute_exists(pk) AND transaction_status IN (:pending, :confirmed)',
        ExpressionAttributeValues: toAttributes({
          ':final': final,
          ':now': now(),
          ':pending': 'pending',
          ':confirmed': 'confirmed',
        }),
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};

/** Resolves an open leftover once its booking is no longer live. */
export const resolveLeftover = async (tripId: string, leftover: TripItem): Promise<boolean> => {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(tripId, leftover.sk ?? ''),
        UpdateExpression: 'SET repair_status = :resolved, resolved_at = :now',
        ConditionExpression: 'repair_status = :open',
        ExpressionAttributeValues: toAttributes({
          ':resolved': 'resolved',
          ':open': 'open',
          ':now': now(),
        }),
      }),
    );
    return true;
  } catch (error) {
    // Resolved meanwhile by a concurrent repair: nothing left to do for this one.
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};

/** An item of a trip, as the status API and the tests read it. */
export type TripItem = Record<string, string>;

export interface TripItems {
  /** The trip record; undefined for a trip whose execution was started outside the API. */
  record: TripItem | undefined;
  bookings: TripItem[];
  leftovers: TripItem[];
  /** What its customer was sent, one item per notice (notification-record.ts). */
  notifications: TripItem[];
}

/**
 * Every item of a trip, in one query: its record, its bookings, its recorded leftovers and its
 * notifications.
 */
export const readTrip = async (tripId: string): Promise<TripItems> => {
  const items: TripItem[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :trip',
        ExpressionAttributeValues: toAttributes({ ':trip': tripId }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      items.push(
        Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S ?? ''])),
      );
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return {
    record: items.find((item) => item.sk === TRIP_SK),
    bookings: items.filter((item) => Object.hasOwn(COMPENSATION_OF_TYPE, item.type ?? '')),
    leftovers: items.filter((item) => item.type === LEFTOVER_TYPE),
    notifications: items.filter((item) => item.type === NOTIFICATION_TYPE),
  };
};

/** A booking that still holds something: a held or confirmed room or seat, a taken payment. */
export const isLive = (booking: TripItem): boolean =>
  booking.type === KINDS.payment.type
    ? booking.transaction_status === 'confirmed'
    : booking.transaction_status === 'pending' || booking.transaction_status === 'confirmed';
