/**
 * What a trip's end means to the customer and to other services: the notice a concluded trip
 * calls for, the domain event that announces it, and the message the customer reads. Pure: the
 * table's items in, words out.
 *
 *   booked        BookingConfirmed    the saga booked the trip
 *   failed        BookingFailed       it did not book, and nothing is live
 *   needs_repair  BookingNeedsRepair  it did not book, and something is still being undone
 *   repaired      BookingRepaired     it needed repair and the repair has undone everything
 *
 * A running trip calls for none. A trip's notice changes only forward: needs_repair to repaired
 * (a repair), booked to failed or needs_repair (a booking undone after its confirmation).
 */

import { BOOKING_TYPES } from '#commons/table-keys.ts';
import type { Trip } from '#commons/trip.ts';
import { tripOf } from '#commons/trip.ts';
import type { BookingItem, TripItems } from '#commons/trip-items.ts';

export const NOTICES = ['booked', 'failed', 'needs_repair', 'repaired'] as const;
export type Notice = (typeof NOTICES)[number];

/** The domain event's detail-type for each notice (the bus's documented schema, in the README). */
export const EVENT_OF_NOTICE = {
  booked: 'BookingConfirmed',
  failed: 'BookingFailed',
  needs_repair: 'BookingNeedsRepair',
  repaired: 'BookingRepaired',
} as const satisfies Record<Notice, string>;

/** The domain events' source on the bus. */
export const EVENT_SOURCE = 'booking-saga';

/**
 * The notice the trip calls for, from its concluded record: none while the saga runs (or for a
 * trip without a record, which no customer asked for through the API).
 */
export const noticeOf = (items: TripItems): Notice | undefined => {
  const outcome = items.record?.outcome;
  if (outcome === undefined) return undefined;
  if (outcome !== 'failed') return outcome;
  // Leftovers are only ever resolved by a repair: a failed trip with leftovers was repaired.
  return items.leftovers.length > 0 ? 'repaired' : 'failed';
};

/** The trip document of the record, when it still parses. */
export const tripOfRecord = (items: TripItems): Trip | undefined => tripOf(items.record?.input);

/** The domain event's detail: what other services need, never the customer's contact. */
export const eventDetail = (tripId: string, notice: Notice, items: TripItems) => {
  const record = items.record;
  return {
    trip_id: tripId,
    notice,
    outcome: record?.outcome ?? '',
    execution_status: record?.execution_status ?? '',
    ended_at: record?.ended_at ?? '',
    bookings: items.bookings.map((booking: BookingItem) => ({
      type: booking.type,
      id: booking.id,
      transaction_status: booking.transaction_status,
    })),
  };
};

const day = (instant: string) => instant.slice(0, 10);

const describeBooking = (booking: BookingItem, trip: Trip | undefined): string => {
  if (booking.type === 'Payment') return `Payment of ${booking.amount} ${booking.currency}`;
  if (booking.type === 'Hotel')
    return trip ? `Hotel ${trip.hotel}, ${day(trip.check_in)} to ${day(trip.check_out)}` : 'Hotel';
  return trip ? `Flight ${trip.depart} to ${trip.arrive}, departing ${trip.depart_at}` : 'Flight';
};

/** Each booking and where it stands: confirmed, or cancelled and refunded. */
const bookingLines = (items: TripItems, trip: Trip | undefined): string[] =>
  [...items.bookings]
    .sort((a, b) => BOOKING_TYPES.indexOf(a.type) - BOOKING_TYPES.indexOf(b.type))
    .map((booking) => `  ${describeBooking(booking, trip)}: ${booking.transaction_status}.`);

/** Why the saga did not book, in the customer's words. */
const REASONS: Record<string, string> = {
  // A booking undone after the saga succeeded: an abort that came after the confirmation.
  SUCCEEDED: 'it was undone after it had been confirmed',
  TIMED_OUT: 'it took too long',
  ABORTED: 'it was stopped',
  NOT_STARTED: 'it never started',
};

/**
 * The step that failed, from what the saga undid: each undo chain starts at the failed step, so
 * a hotel booking alone means the hotel failed, no payment means the flight did. The payment and
 * the confirmations undo the same three.
 */
const failedStep = (items: TripItems): string => {
  const has = (type: string) => items.bookings.some((booking) => booking.type === type);
  if (!has('Flight')) return 'the hotel could not be reserved';
  if (!has('Payment')) return 'the flight could not be reserved';
  return 'the payment could not be taken, or the booking could not be confirmed';
};

const reasonOf = (items: TripItems): string => {
  const end = items.record?.execution_status ?? '';
  return end === 'FAILED' ? failedStep(items) : (REASONS[end] ?? 'it failed');
};

/** The customer's message for a notice; `correcting` when they were told "booked" before. */
export const messageOf = (
  tripId: string,
  notice: Notice,
  items: TripItems,
  correcting: boolean,
): { subject: string; body: string } => {
  const trip = tripOfRecord(items);
  const reason = reasonOf(items);
  const bookings = bookingLines(items, trip);
  const correction = correcting
    ? ['Correction: our earlier message said this trip was booked. It is not.']
    : [];
  // One line per paragraph: the reader's mail program wraps them.
  const lines: Record<Notice, { subject: string; body: string[] }> = {
    booked: {
      subject: `Your trip ${tripId} is booked`,
      body: ['Your trip is booked:', ...bookings],
    },
    failed: {
      subject: `Your trip ${tripId} could not be booked`,
      body: [
        ...correction,
        `We could not book your trip: ${reason}. Nothing is booked, and every charge was refunded:`,
        ...bookings,
      ],
    },
    needs_repair: {
      subject: `Your trip ${tripId} could not be booked`,
      body: [
        ...correction,
        `We could not book your trip: ${reason}. Part of it is still being undone; we will write again when it is done, and any charge will be refunded. Where it stands now:`,
        ...bookings,
      ],
    },
    repaired: {
      subject: `Your trip ${tripId}: everything is undone`,
      body: [
        ...correction,
        'Everything of your trip that was still held is now undone. Nothing is booked, and every charge was refunded:',
        ...bookings,
      ],
    },
  };
  const { subject, body } = lines[notice];
  return { subject, body: [`Trip ${tripId}`, '', ...body].join('\n') };
};
