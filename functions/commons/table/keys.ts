/**
 * The bookings table's key schema: the kinds of item under a trip's partition, their sort keys
 * and types, and the booking ids. Nothing else builds a key or hashes an id. Pure: no client, no
 * environment, so the tools and the tests take their rules from here too.
 *
 * Items (pk = trip id):
 *   sk HOTEL#<id>, FLIGHT#<id>   (none) -> pending -> confirmed; any of them -> cancelled
 *   sk PAYMENT#<id>              (none) -> confirmed;             any of them -> refunded
 *                                an undo says what it undid in `undone_from`: the live status,
 *                                or `nothing` for a tombstone (it found no booking)
 *   sk LEFTOVER#<booking sk>     a booking that may still be live after the saga: open -> resolved
 *   sk TRIP                      the trip record (trip-record.ts)
 *   sk NOTIFICATION#<notice>     what the customer was sent (notification-record.ts)
 */
import { createHash } from 'node:crypto';
import type { Trip } from '#trip/document.ts';

export type BookingKind = 'hotel' | 'flight' | 'payment';
export type ReservationKind = Exclude<BookingKind, 'payment'>;
export const TRANSACTION_STATUSES = ['pending', 'confirmed', 'cancelled', 'refunded'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** The reference's price for every trip. */
export const PAYMENT = { amount: '450.00', currency: 'USD' } as const;

/**
 * Each kind of booking: its sort key prefix and item type, the statuses in which it still holds
 * something (`live`), the status its compensation leaves it in (`final`), and its details.
 */
export const BOOKING_KINDS = {
  hotel: {
    prefix: 'HOTEL',
    type: 'Hotel',
    live: ['pending', 'confirmed'],
    final: 'cancelled',
    details: (trip: Trip) => ({
      hotel: trip.hotel,
      check_in: trip.check_in,
      check_out: trip.check_out,
    }),
  },
  flight: {
    prefix: 'FLIGHT',
    type: 'Flight',
    live: ['pending', 'confirmed'],
    final: 'cancelled',
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
    live: ['confirmed'],
    final: 'refunded',
    details: (_trip: Trip): Record<string, string> => ({ ...PAYMENT }),
  },
} as const satisfies Record<
  BookingKind,
  { live: readonly TransactionStatus[]; final: TransactionStatus; [other: string]: unknown }
>;

/** A booking item's kind, by the item's `type`. */
export const kindOfType = (type: BookingType): (typeof BOOKING_KINDS)[BookingKind] => {
  const kind = Object.values(BOOKING_KINDS).find((candidate) => candidate.type === type);
  if (!kind) throw new Error(`No booking kind has the type ${type}`);
  return kind;
};

/** The booking items' `type`, in the saga's forward order. */
export const BOOKING_TYPES = ['Hotel', 'Flight', 'Payment'] as const;
export type BookingType = (typeof BOOKING_TYPES)[number];

/**
 * `undone_from` of a cancel or a refund that found no booking: a tombstone, written so that a
 * late step cannot make the booking. Never an undo of something that existed.
 */
export const NOTHING_UNDONE = 'nothing';

export const TRIP_SK = 'TRIP';
export const TRIP_TYPE = 'Trip';
export const LEFTOVER_TYPE = 'Leftover';
export const NOTIFICATION_TYPE = 'Notification';

/** An item's key. */
export const keyOf = (tripId: string, sortKey: string) => ({ pk: tripId, sk: sortKey });

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
      : Object.values(BOOKING_KINDS[kind].details(trip));
  return hash([kind, trip.trip_id, ...thing]);
};

export const bookingSortKey = (kind: BookingKind, trip: Trip): string =>
  `${BOOKING_KINDS[kind].prefix}#${bookingId(kind, trip)}`;

/** A leftover is keyed by the booking it names: one open leftover per booking. */
export const leftoverSortKey = (bookingSortKey: string): string => `LEFTOVER#${bookingSortKey}`;

export const notificationSortKey = (notice: string): string => `NOTIFICATION#${notice}`;

/**
 * The compensations, in the order the saga runs them (the ASL's chain, checked by a test), and
 * the booking each one undoes. The reconciler and the repair undo in this order too.
 */
export const COMPENSATIONS = {
  RefundPayment: 'payment',
  CancelFlight: 'flight',
  CancelHotel: 'hotel',
} as const satisfies Record<string, BookingKind>;
export type Compensation = keyof typeof COMPENSATIONS;
export const COMPENSATION_NAMES = Object.keys(COMPENSATIONS) as [Compensation, ...Compensation[]];

/** The compensation that undoes a booking item, by the item's type. */
export const COMPENSATION_OF_TYPE = Object.fromEntries(
  COMPENSATION_NAMES.map((compensation) => [
    BOOKING_KINDS[COMPENSATIONS[compensation]].type,
    compensation,
  ]),
) as Record<BookingType, Compensation>;

/**
 * The sparse index of open trips: a trip record is in it from its write until its end is
 * settled and told (concluded, and no notice owed to its customer); a repair that changes the
 * outcome puts it back until the new notice is told. The sweep reads it.
 */
export const OPEN_TRIPS_INDEX = 'OpenTrips';
/** The index spreads open trips over this many partitions, so no single one takes every write. */
const OPEN_SHARDS = 8;
const openShardKey = (shard: number): string => `OPEN#${shard}`;

/** The index partition a trip's open record goes to: from a hash of its id, stable. */
export const openShardOf = (tripId: string): string =>
  openShardKey(createHash('sha256').update(tripId).digest().readUInt32BE(0) % OPEN_SHARDS);

/** Every partition of the index, for a reader that wants all open trips. */
export const openShards = (): string[] =>
  Array.from({ length: OPEN_SHARDS }, (_, shard) => openShardKey(shard));
