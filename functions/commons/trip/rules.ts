/**
 * The rules that read a trip's items, said once: what is a booking, a tombstone, a booking that
 * was made, one that is live, a leftover still open; when the bookings make a booked trip; who
 * may see a trip; and the outcome an ended saga shows. The reconciler, the sweep, the repair, GET /trips, the
 * notices, and the app's offline tools and checks all take them from here. Pure: items in (parsed,
 * or as a tool or a test read them), answers out.
 */
import { BOOKING_KINDS, BOOKING_TYPES } from '#bookings/steps.ts';
import { LEFTOVER_TYPE, NOTHING_UNDONE } from '#table/keys.ts';
import type { TripItems } from '#trip/items.ts';

/** How an execution can end, as Step Functions reports it. */
export const EXECUTION_ENDS = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
/** Whether a Step Functions status is an execution's end. */
export const isExecutionEnd = (
  status: string | undefined,
): status is (typeof EXECUTION_ENDS)[number] => EXECUTION_ENDS.some((end) => end === status);

/** How a saga ended: its execution's end, or NOT_STARTED when it never ran. */
export const SAGA_ENDS = [...EXECUTION_ENDS, 'NOT_STARTED'] as const;
export type SagaEnd = (typeof SAGA_ENDS)[number];

/**
 * A trip's outcome: what the table says of a saga once it has ended (`outcomeOf`).
 *   booked        it succeeded: every booking there once, and confirmed (`isBooked`)
 *   failed        it ended without booking and nothing is live
 *   needs_repair  it ended without booking and something may still be live: every live booking
 *                 is named by an open leftover, which the alarm and the repair act on
 * Not a step's result (StepResult, lambda/saga-task.ts).
 */
export const OUTCOMES = ['booked', 'failed', 'needs_repair'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** An item as the rules take it: parsed, or as a tool or a test read it. */
type AnyItem = Readonly<Record<string, unknown>>;

export const isBooking = (item: AnyItem): boolean =>
  BOOKING_TYPES.some((type) => type === item.type);

export const isLeftover = (item: AnyItem): boolean => item.type === LEFTOVER_TYPE;

/** A leftover no repair has resolved yet: the booking it names may still be live. */
export const isOpenLeftover = (item: AnyItem): boolean =>
  isLeftover(item) && item.repair_status === 'open';

const LIVE_STATUSES: Record<string, readonly unknown[]> = Object.fromEntries(
  Object.values(BOOKING_KINDS).map(({ type, live }) => [type, live]),
);

/**
 * A tombstone: an undo (a cancel, a refund) that found no booking (`undone_from` is `nothing`).
 * It stops a late step from making the booking; it is not a booking, and nothing of it was undone.
 */
export const isTombstone = (booking: AnyItem): boolean =>
  isBooking(booking) && booking.undone_from === NOTHING_UNDONE;

/** A booking that was made (reserved, taken): any booking item but a tombstone. */
export const isMade = (booking: AnyItem): boolean => isBooking(booking) && !isTombstone(booking);

/** A booking that still holds something: in one of its kind's `live` statuses (steps.ts). */
export const isLive = (booking: AnyItem): boolean =>
  (LIVE_STATUSES[String(booking.type)] ?? []).includes(booking.transaction_status);

/**
 * Why the bookings are not those of a booked trip, each kind there exactly once and confirmed:
 * one line per reason, none when they are.
 */
export const whyNotBooked = (bookings: readonly AnyItem[]): string[] =>
  BOOKING_TYPES.flatMap((type) => {
    const ofType = bookings.filter((booking) => booking.type === type);
    return [
      ...(ofType.length === 1 ? [] : [`${ofType.length} ${type} bookings, expected exactly 1`]),
      ...ofType
        .filter((booking) => booking.transaction_status !== 'confirmed')
        .map((booking) => `${booking.sk} is ${booking.transaction_status}, not confirmed`),
    ];
  });

/** Every kind of booking there once, and confirmed. */
export const isBooked = (bookings: readonly AnyItem[]): boolean =>
  whyNotBooked(bookings).length === 0;

/**
 * Whether a saga that ended with `end` (undefined: not known) booked its trip: it did not fail,
 * and its bookings are those of a booked trip.
 */
export const bookedAfter = (end: SagaEnd | undefined, bookings: readonly AnyItem[]): boolean =>
  (end === undefined || end === 'SUCCEEDED') && isBooked(bookings);

/**
 * Whether `caller` may see the trip whose record (or flat item) this is: anyone on the open demo
 * API (no caller), else only its owner. A trip without a record has no owner, so no caller.
 */
export const isVisibleTo = (
  record: { owner?: string | undefined } | undefined,
  caller: string | undefined,
): boolean => caller === undefined || (record?.owner !== undefined && record.owner === caller);

/**
 * What the table shows of a saga that has ended (`end`, when known, is how it ended): the
 * reconciler's conclusion, the status API's and the repair's, one rule for all.
 */
export const outcomeOf = (items: TripItems, end: SagaEnd | undefined): Outcome => {
  if (items.leftovers.some(isOpenLeftover)) return 'needs_repair';
  if (bookedAfter(end, items.bookings)) return 'booked';
  return items.bookings.some(isLive) ? 'needs_repair' : 'failed';
};
