/**
 * A saga's end, seen from outside the state machine, from the table's truth (the outcome the
 * items show is trip-items.ts's `outcomeOf`): what the reconciler does when an execution ends (or
 * the sweep finds it ended, or gone), and the repair an operator runs. Everything here is
 * idempotent: the events that drive it come at least once, late, or not at all. And no event is
 * taken on its word: an end is acted on only once Step Functions confirms it.
 *
 *   booked        the saga succeeded and the hotel, the flight and the payment are confirmed
 *   failed        the saga ended without booking and nothing is live
 *   needs_repair  the saga ended without booking and something may still be live: every live
 *                 booking is named by an open leftover, which the alarm and the repair act on
 */

import { openLeftover, resolveLeftover, UNDO, undoItem } from '#bookings/leftovers.ts';
import { describeError, RepairRefused } from '#errors';
import { logger } from '#lambda/logger.ts';
import { countLeftover } from '#lambda/metrics.ts';
import type { Outcome as StepOutcome } from '#lambda/saga-task.ts';
import { noticeFor } from '#notices/notice.ts';
import { readTrip } from '#table/bookings-table.ts';
import {
  bookingSortKey,
  COMPENSATION_NAMES,
  COMPENSATION_OF_TYPE,
  COMPENSATIONS,
  type Compensation,
} from '#table/keys.ts';
import { type Trip, tripOf } from '#trip/document.ts';
import { describeExecution, isRunning, tripExecutionArn } from '#trip/executions.ts';
import {
  type BookingItem,
  EXECUTION_ENDS,
  isBooked,
  isLive,
  isOpenLeftover,
  type Outcome,
  outcomeOf,
  type SagaEnd,
  type TripItems,
} from '#trip/items.ts';
import { concludeTrip } from '#trip/record.ts';

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
 * Reconciles a trip whose execution ended with `end`, as Step Functions itself says (the
 * caller has asked it). After an abort, a timeout or a saga that never ran, and for any trip the
 * sweep finds, the live bookings are undone (`undo`); after a failure the saga has already
 * compensated, so what is still live is recorded. Every booking still live then gets an open
 * leftover and is counted in the alarm's metric. The trip record, if there is one, is concluded
 * with the outcome the table shows and owes its customer the notice that outcome calls for.
 */
export const reconcileTrip = async (
  tripId: string,
  reported: SagaEnd,
  options: {
    executionInput?: string | undefined;
    error?: string | undefined;
    undo?: boolean;
    /** The trip as the caller has just read it. */
    items?: TripItems;
  } = {},
): Promise<Reconciled> => {
  let items = options.items ?? (await readTrip(tripId));
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
  const concluded = record
    ? await concludeTrip(tripId, {
        end,
        outcome,
        notice: noticeFor(outcome, items),
        error: options.error,
      })
    : false;
  if (recorded.length > 0 || undone.length > 0) {
    logger.warn('saga end reconciled', { end, outcome, undone, recorded });
  }
  return { trip_id: tripId, end, outcome, undone, recorded, concluded };
};

/** An end event Step Functions does not confirm: what it claimed, and why it changed nothing. */
export interface Unconfirmed {
  trip_id: string;
  ignored: string;
}

const ENDS: readonly string[] = EXECUTION_ENDS;

/**
 * The reconciler's part: an execution status change event, acted on only if Step Functions
 * confirms it. The execution it names must be the trip's (the one its record names) and
 * DescribeExecution must give it the same end. A stale, foreign or forged event changes nothing,
 * and is logged; a duplicate is confirmed and finds the trip concluded.
 */
export const reconcileReportedEnd = async (
  tripId: string,
  reported: { executionArn: string; status: string },
): Promise<Reconciled | Unconfirmed> => {
  const items = await readTrip(tripId);
  const executionArn = tripExecutionArn(tripId, items.record);
  const ignore = (why: string): Unconfirmed => {
    logger.warn('execution end not confirmed: nothing changed', {
      reported_execution: reported.executionArn,
      reported_status: reported.status,
      why,
    });
    return { trip_id: tripId, ignored: why };
  };
  if (reported.executionArn !== executionArn)
    return ignore(`the trip's execution is ${executionArn}`);
  const execution = await describeExecution(executionArn);
  if (!execution) return ignore('Step Functions has no such execution');
  if (execution.status !== reported.status || !ENDS.includes(execution.status ?? ''))
    return ignore(`Step Functions says the execution is ${execution.status}`);
  return reconcileTrip(tripId, execution.status as SagaEnd, {
    executionInput: execution.input,
    error: execution.error,
    items,
  });
};

export interface Repaired {
  trip_id: string;
  outcome: Outcome;
  /** The live bookings this repair undid (their sort keys). */
  undone: string[];
  /**
   * The tombstones this repair wrote (sort keys): bookings never made, guarded so that a step
   * arriving late cannot make them. Nothing was undone there.
   */
  tombstones: string[];
  /** The leftovers this repair resolved. */
  resolved: { compensation: Compensation; booking_id: string }[];
}

/** What needs a repair: a live booking of a trip that did not book, or an open leftover. */
const needsRepair = (items: TripItems, booked: boolean): boolean =>
  !booked && (items.bookings.some(isLive) || items.leftovers.some(isOpenLeftover));

/**
 * Repairs a trip from the table's truth: every live booking of a trip that did not book is
 * undone, whether a leftover names it or not, the kinds never made get a tombstone, every open
 * leftover is resolved and the record concluded (owing its customer the new notice). Refused
 * while its execution runs, however it was started; a booked trip is left alone. A trip with
 * nothing to repair is not written to at all, so repeating a repair changes nothing.
 */
export const repairTrip = async (tripId: string): Promise<StepOutcome<Repaired>> => {
  const items = await readTrip(tripId);
  const { record } = items;
  const refuse = () =>
    new RepairRefused(
      `Trip ${tripId} is still running: its saga undoes what it did itself; repair it once it has ended`,
    );
  if (record && record.execution_status === undefined) throw refuse();
  const execution = await describeExecution(tripExecutionArn(tripId, record));
  if (isRunning(execution?.status)) throw refuse();
  const described = ENDS.includes(execution?.status ?? '')
    ? (execution?.status as SagaEnd)
    : undefined;
  const end = record?.execution_status ?? described;
  const booked = (end === undefined || end === 'SUCCEEDED') && isBooked(items.bookings);
  const repaired: Repaired = {
    trip_id: tripId,
    outcome: outcomeOf(items, end),
    undone: [],
    tombstones: [],
    resolved: [],
  };
  if (!needsRepair(items, booked)) return { result: repaired, changed: false };

  const trip =
    tripOf(record?.input) ?? tripOf(items.leftovers.find((leftover) => leftover.trip)?.trip);
  const live = items.bookings.filter(isLive);
  if (trip) {
    // The saga's own undo steps: a kind never made gets a tombstone, so nothing that arrives
    // late can make it after the repair.
    const present = new Set(items.bookings.map((booking) => booking.sk));
    for (const compensation of COMPENSATION_NAMES) {
      const { changed } = await UNDO[compensation](trip);
      const sk = bookingSortKey(COMPENSATIONS[compensation], trip);
      if (changed && !present.has(sk)) repaired.tombstones.push(sk);
    }
  } else {
    for (const booking of live) await undoItem(tripId, booking);
  }
  repaired.undone.push(...live.map((booking) => booking.sk));
  for (const leftover of items.leftovers.filter(isOpenLeftover)) {
    if (await resolveLeftover(tripId, leftover))
      repaired.resolved.push({
        compensation: leftover.compensation,
        booking_id: leftover.booking_id,
      });
  }
  const after = await readTrip(tripId);
  repaired.outcome = outcomeOf(after, end);
  // `end` is known here: a record without one was refused above.
  if (record && end)
    await concludeTrip(tripId, {
      end,
      outcome: repaired.outcome,
      notice: noticeFor(repaired.outcome, after),
    });
  return { result: repaired, changed: true };
};
