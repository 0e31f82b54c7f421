/**
 * What a trip's end means to the customer and to other services: the notice an outcome calls
 * for, the domain event that announces it, and the message the customer reads. Pure: the table's
 * items in, words out.
 *
 *   booked        BookingConfirmed    the saga booked the trip
 *   failed        BookingFailed       it did not book, and nothing is live
 *   needs_repair  BookingNeedsRepair  it did not book, and something is still being undone
 *   repaired      BookingRepaired     it needed repair and the repair has undone everything
 *
 * A running trip calls for none. A trip's notice changes only forward: needs_repair to repaired
 * (a repair). The message tells what happened and only that: the bookings that were made and
 * where each stands; a tombstone (an undo that found nothing) is never told as an undo.
 */

import {
  BOOKING_KINDS,
  BOOKING_TYPES,
  type BookingType,
  doneWord,
  SAGA_STEPS,
} from '#bookings/steps.ts';
import type { Trip } from '#trip/document.ts';
import { tripOf } from '#trip/document.ts';
import type { BookingItem, TripItems } from '#trip/items.ts';
import { isLive, isMade, type Outcome } from '#trip/rules.ts';

export const NOTICES = ['booked', 'failed', 'needs_repair', 'repaired'] as const;
export type Notice = (typeof NOTICES)[number];

export const isNotice = (value: unknown): value is Notice =>
  NOTICES.some((notice) => notice === value);

/** The domain event's detail-type for each notice (the bus's documented schema, in docs/saga.md). */
export const EVENT_OF_NOTICE = {
  booked: 'BookingConfirmed',
  failed: 'BookingFailed',
  needs_repair: 'BookingNeedsRepair',
  repaired: 'BookingRepaired',
} as const satisfies Record<Notice, string>;

/** The domain events' source on the bus. */
export const EVENT_SOURCE = 'booking-saga';

/**
 * The notice an outcome calls for. Leftovers are only ever resolved by a repair: a failed trip
 * with leftovers was repaired.
 */
export const noticeFor = (outcome: Outcome, items: Pick<TripItems, 'leftovers'>): Notice =>
  outcome === 'failed' && items.leftovers.length > 0 ? 'repaired' : outcome;

/** The trip document of the record, when it still parses. */
export const tripOfRecord = (items: TripItems): Trip | undefined => tripOf(items.record?.input);

/** The bookings that were made, in the saga's order: tombstones left out. */
const madeBookings = (items: TripItems): BookingItem[] =>
  items.bookings
    .filter(isMade)
    .sort((a, b) => BOOKING_TYPES.indexOf(a.type) - BOOKING_TYPES.indexOf(b.type));

/**
 * The domain event's detail: what other services need, never the customer's contact. The
 * bookings are those that were made (a tombstone is no booking).
 */
export const eventDetail = (tripId: string, notice: Notice, items: TripItems) => {
  const record = items.record;
  return {
    trip_id: tripId,
    notice,
    outcome: record?.outcome ?? '',
    execution_status: record?.execution_status ?? '',
    ended_at: record?.ended_at ?? '',
    bookings: madeBookings(items).map((booking) => ({
      type: booking.type,
      id: booking.id,
      transaction_status: booking.transaction_status,
    })),
  };
};

const day = (instant: string) => instant.slice(0, 10);

/** How the customer's message names each kind of booking. */
const DESCRIBE: Record<BookingType, (booking: BookingItem, trip: Trip | undefined) => string> = {
  Hotel: (_booking, trip) =>
    trip ? `Hotel ${trip.hotel}, ${day(trip.check_in)} to ${day(trip.check_out)}` : 'Hotel',
  Flight: (_booking, trip) =>
    trip ? `Flight ${trip.depart} to ${trip.arrive}, departing ${trip.depart_at}` : 'Flight',
  Payment: (booking) => `Payment of ${booking.amount} ${booking.currency}`,
};

/** One line per booking that was made, and where it stands: confirmed, cancelled, refunded. */
export const bookingLines = (items: TripItems): string[] => {
  const trip = tripOfRecord(items);
  return madeBookings(items).map(
    (booking) => `  ${DESCRIBE[booking.type](booking, trip)}: ${booking.transaction_status}.`,
  );
};

/** Why the saga did not book, in the customer's words. */
const REASONS: Record<string, string> = {
  // A booking undone after the saga succeeded: an abort that came after the confirmation.
  SUCCEEDED: 'it was undone after it had been confirmed',
  TIMED_OUT: 'it took too long',
  ABORTED: 'it was stopped',
  NOT_STARTED: 'it never started',
};

/**
 * The step that failed, as far as the bookings that were made tell it: a kind's first step makes
 * its booking, so the first kind never made names the step; when all were made, the first
 * confirmation whose booking was still pending when it was undone (`undone_from`) names it.
 */
const failedStep = (items: TripItems): string => {
  const made = madeBookings(items);
  const seen = new Set<string>();
  for (const step of SAGA_STEPS) {
    const booking = made.find(({ type }) => type === BOOKING_KINDS[step.kind].type);
    const confirming = seen.has(step.kind);
    seen.add(step.kind);
    const failed = confirming
      ? (booking?.undone_from ?? booking?.transaction_status) === 'pending'
      : booking === undefined;
    if (failed) return `the ${step.kind} could not be ${doneWord(step)}`;
  }
  return 'the booking could not be confirmed';
};

const reasonOf = (items: TripItems): string => {
  const end = items.record?.execution_status ?? '';
  return end === 'FAILED' ? failedStep(items) : (REASONS[end] ?? 'it failed');
};

/** What happened to the customer's money, from the payment that was made, if any. */
const chargeOf = (items: TripItems): string => {
  const payment = madeBookings(items).find((booking) => booking.type === 'Payment');
  if (!payment) return 'Nothing was charged.';
  return isLive(payment) ? 'The charge will be refunded.' : 'The charge was refunded.';
};

/** An earlier message the customer was sent about the trip: a later one says it follows it. */
export interface Earlier {
  subject: string;
  sent_at: string;
}

/**
 * The customer's message for a notice, from the table as it is now. A message that follows an
 * earlier one (a repair's, after "needs repair") says so in its subject and first line.
 */
export const messageOf = (
  tripId: string,
  notice: Notice,
  items: TripItems,
  earlier?: Earlier,
): { subject: string; body: string } => {
  const reason = reasonOf(items);
  const bookings = bookingLines(items);
  const nothingMade = bookings.length === 0 ? ['Nothing of it was reserved.'] : [];
  // One line per paragraph: the reader's mail program wraps them.
  const lines: Record<Notice, { subject: string; body: string[] }> = {
    booked: {
      subject: `Your trip ${tripId} is booked`,
      body: ['Your trip is booked:', ...bookings],
    },
    failed: {
      subject: `Your trip ${tripId} could not be booked`,
      body: [
        `We could not book your trip: ${reason}. Nothing is booked. ${chargeOf(items)}`,
        ...nothingMade,
        ...bookings,
      ],
    },
    needs_repair: {
      subject: `Your trip ${tripId} could not be booked`,
      body: [
        `We could not book your trip: ${reason}. Part of it is still being undone; we will write again when it is done. Where it stands now:`,
        ...bookings,
      ],
    },
    repaired: {
      subject: `Your trip ${tripId}: everything is undone`,
      body: [
        `Everything of your trip that was still held is now undone. Nothing is booked. ${chargeOf(items)}`,
        ...bookings,
      ],
    },
  };
  const { subject, body } = lines[notice];
  const followUp = earlier
    ? [`This follows our message of ${day(earlier.sent_at)}, "${earlier.subject}".`, '']
    : [];
  return {
    subject: earlier ? `Follow-up: ${subject}` : subject,
    body: [`Trip ${tripId}`, '', ...followUp, ...body].join('\n'),
  };
};
