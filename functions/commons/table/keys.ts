/**
 * The bookings table's key schema: the kinds of item under a trip's partition, their sort keys
 * and types, and the booking ids (each kind of booking is a row of bookings/steps.ts). Nothing
 * else builds a key or hashes an id. Pure: no client, no environment, so the tools and the tests
 * take their rules from here too.
 *
 * Items (pk = trip id):
 *   sk <prefix>#<id>             a booking, one prefix per kind: (none) -> made (`pending`, then
 *                                `confirmed`, or `confirmed` at once); any of them -> its final
 *                                status (`cancelled`, `refunded`). An undo says what it undid in
 *                                `undone_from`: the live status, or `nothing` for a tombstone (it
 *                                found no booking)
 *   sk LEFTOVER#<booking sk>     a booking that may still be live after the saga: open -> resolved
 *   sk TRIP                      the trip record (trip/record.ts)
 *   sk NOTIFICATION#<notice>     what the customer was sent (notices/claims.ts)
 */
import { createHash } from 'node:crypto';
import { BOOKING_KINDS, type BookingKind } from '#bookings/steps.ts';
import type { Trip } from '#trip/document.ts';

/**
 * `undone_from` of a cancel or a refund that found no booking: a tombstone, written so that a
 * late step cannot make the booking. Never an undo of something that existed.
 */
export const NOTHING_UNDONE = 'nothing';

export const TRIP_SK = 'TRIP';
export const TRIP_TYPE = 'Trip';
export const LEFTOVER_TYPE = 'Leftover';
export const NOTIFICATION_TYPE = 'Notification';

/**
 * A trip id names the Step Functions execution, the table's partition key and a URL path
 * segment, so it is restricted to characters that are safe in all three.
 */
export const TRIP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TRIP_ID_RULE = 'must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"';

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
  const spec = BOOKING_KINDS[kind];
  const thing =
    'idFrom' in spec
      ? spec.idFrom.map((other) => bookingId(other, trip))
      : Object.values(spec.details(trip));
  return hash([kind, trip.trip_id, ...thing]);
};

export const bookingSortKey = (kind: BookingKind, trip: Trip): string =>
  `${BOOKING_KINDS[kind].prefix}#${bookingId(kind, trip)}`;

/** A leftover is keyed by the booking it names: one open leftover per booking. */
export const leftoverSortKey = (bookingSortKey: string): string => `LEFTOVER#${bookingSortKey}`;

export const notificationSortKey = (notice: string): string => `NOTIFICATION#${notice}`;

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
