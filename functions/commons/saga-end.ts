/**
 * A saga's end, seen from outside the state machine, from the table's truth (the outcome the
 * items show is trip-items.ts's `outcomeOf`): what the reconciler does when an execution ends (or
 * the sweep finds it ended, or gone), and the repair an operator runs. Everything here is idempotent: the events that drive it
 * come at least once, late, or not at all.
 *
 *   booked        the saga succeeded and the hotel, the flight and the payment are confirmed
 *   failed        the saga ended without booking and nothing is live
 *   needs_repair  the saga ended without booking and something may still be live: every live
 *                 booking is named by an open leftover, which the alarm and the repair act on
 */
import { describeError } from '#commons/errors.ts';
import { openLeftover, resolveLeftover, UNDO, undoItem } from '#commons/leftovers.ts';
import { logger } from '#commons/logger.ts';
import { countLeftover } from '#commons/metrics.ts';
import type { Outcome as StepOutcome } from '#commons/saga-task.ts';
import { readTrip } from '#commons/table.ts';
import {
  COMPENSATION_NAMES,
  COMPENSATION_OF_TYPE,
  type Compensation,
} from '#commons/table-keys.ts';
import { type Trip, tripOf } from '#commons/trip.ts';
import {
  type BookingItem,
  isBooked,
  isLive,
  isOpenLeftover,
  type Outcome,
  outcomeOf,
  type SagaEnd,
} from '#commons/trip-items.ts';
import { concludeTrip } from '#commons/trip-record.ts';

/**
 * Undoes whatever may be live, in the saga's order. With the trip document each undo step runs
 * as the saga runs it (and writes a tombstone, so a late reserve cannot bring the booking back);
 * without one (a document that no longer parses) every live item is undone by its key. A step
 * that fails is reported, not thrown: what it leaves live is recorded afterwards.
 */
const undoEverything = async (
  tripId: string,
  trip: Trip | undefined,
  bookings: readonly BookingItem[],
): Promise<{ undone: Compensation[]; failures: Map<Compensation, string> }> => {
  const undone: Compensation[] = [];
  const failures = new Map<Compensation, string>();
  for (const compensation of COMPENSATION_NAMES) {
    try {
      let changed = false;
      if (trip) {
        changed = (await UNDO[compensation](trip)).changed;
      } else {
        const live = bookings.filter(
          (booking) => isLive(booking) && COMPENSATION_OF_TYPE[booking.type] === compensation,
        );
        for (const booking of live) if (await undoItem(tripId, booking)) changed = true;
      }
      // Only what this call changed: a repeated event reports (and logs) nothing done.
      if (changed) undone.push(compensation);
    } catch (error) {
      failures.set(compensation, describeError(error));
    }
  }
  return { undone, failures };
};

export interface Reconciled {
  trip_id: string;
  end: SagaEnd;
  outcome: Outcome;
  /** The undo steps that changed something (only after an abort, a timeout, or in a sweep). */
  undone: Compensation[];
  /** Leftovers this call opened: bookings still live after the end. */
  recorded: Compensation[];
  /** Whether this call wrote the trip record's conclusion (false when it was already there). */
  concluded: boolean;
}

/**
 * Reconciles a trip whose execution ended with `end`. After an abort, a timeout or a saga that
 * never ran, and for any trip the sweep finds, the live bookings are undone (`undo`); after a
 * failure the saga has already compensated, so what is still live is recorded. Every booking
 * still live then gets an open leftover and is counted in the alarm's metric. The trip record,
 * if there is one, is concluded with the outcome the table shows.
 */
export const reconcileTrip = async (
  tripId: string,
  reported: SagaEnd,
  options: { executionInput?: string | undefined; error?: string | undefined; undo?: boolean } = {},
): Promise<Reconciled> => {
  let items = await readTrip(tripId);
  const { record } = items;
  // An execution that is gone (forgotten, or lost with a local platform that crashed) after its
  // last step confirmed everything had nothing left but its Succeed state: it booked the trip.
  const end: SagaEnd =
    reported === 'NOT_STARTED' && isBooked(items.bookings) ? 'SUCCEEDED' : reported;
  const input = record?.input ?? options.executionInput;
  const shouldUndo = end !== 'SUCCEEDED' && (options.undo === true || end !== 'FAILED');

  let undone: Compensation[] = [];
  let failures = new Map<Compensation, string>();
  if (shouldUndo) {
    ({ undone, failures } = await undoEverything(tripId, tripOf(input), items.bookings));
    items = await readTrip(tripId);
  }

  const recorded: Compensation[] = [];
  const alreadyOpen = new Set(
    items.leftovers.filter(isOpenLeftover).map((leftover) => leftover.booking_sk),
  );
  const booked = end === 'SUCCEEDED' && isBooked(items.bookings);
  if (!booked) {
    for (const booking of items.bookings.filter(isLive)) {
      if (alreadyOpen.has(booking.sk)) continue;
      const compensation = COMPENSATION_OF_TYPE[booking.type];
      countLeftover(compensation);
      const failure = failures.get(compensation);
      await openLeftover(
        tripId,
        { sk: booking.sk, id: booking.id },
        compensation,
        {
          Error: `Saga.${end}`,
          Cause: `${booking.type} booking ${booking.id} was still ${booking.transaction_status} after the execution ended (${end})${failure ? `; undoing it failed: ${failure}` : ''}`,
        },
        input,
      );
      recorded.push(compensation);
    }
    if (recorded.length > 0) items = await readTrip(tripId);
  }

  const outcome = outcomeOf(items, end);
  const concluded = record ? await concludeTrip(tripId, end, outcome, options.error) : false;
  if (recorded.length > 0 || undone.length > 0) {
    logger.warn('saga end reconciled', { end, outcome, undone, recorded });
  }
  return { trip_id: tripId, end, outcome, undone, recorded, concluded };
};

/** A repair refused: the trip's saga is still running. */
export class RepairRefused extends Error {
  override readonly name = 'RepairRefused';
}

export interface Repaired {
  trip_id: string;
  outcome: Outcome;
  /** The items this repair undid. */
  undone: string[];
  /** Every leftover of the trip, now resolved. */
  resolved: { compensation: Compensation; booking_id: string }[];
}

/**
 * Repairs a trip from the table's truth: every live booking of a trip that did not book is
 * undone, whether a leftover names it or not, then every open leftover is resolved and the
 * record concluded. Refused while the saga runs; a booked trip is left alone. Repeating it
 * changes nothing.
 */
export const repairTrip = async (tripId: string): Promise<StepOutcome<Repaired>> => {
  const items = await readTrip(tripId);
  const { record } = items;
  if (record && record.execution_status === undefined) {
    throw new RepairRefused(
      `Trip ${tripId} is still running: its saga undoes what it did itself; repair it once it has ended`,
    );
  }
  const end = record?.execution_status;
  const booked = (end === undefined || end === 'SUCCEEDED') && isBooked(items.bookings);
  const undone: string[] = [];
  let changed = false;
  if (!booked) {
    const trip =
      tripOf(record?.input) ?? tripOf(items.leftovers.find((leftover) => leftover.trip)?.trip);
    const live = items.bookings.filter(isLive);
    if (trip) {
      // Tombstones too: nothing that arrives late can bring a booking back after the repair.
      for (const compensation of COMPENSATION_NAMES) {
        if ((await UNDO[compensation](trip)).changed) changed = true;
      }
    } else {
      for (const booking of live) if (await undoItem(tripId, booking)) changed = true;
    }
    undone.push(...live.map((booking) => booking.sk));
    for (const leftover of items.leftovers.filter(isOpenLeftover)) {
      if (await resolveLeftover(tripId, leftover)) changed = true;
    }
  }
  const after = await readTrip(tripId);
  const outcome = outcomeOf(after, end);
  // `end` is known here: a record without one was refused above.
  if (record && end && (await concludeTrip(tripId, end, outcome))) changed = true;
  const resolved = after.leftovers
    .map(({ compensation, booking_id }) => ({ compensation, booking_id }))
    .sort((a, b) => a.compensation.localeCompare(b.compensation));
  return { result: { trip_id: tripId, outcome, undone, resolved }, changed };
};
