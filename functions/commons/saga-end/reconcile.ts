/**
 * The reconciler: a saga's end, seen from outside the state machine, from the table's truth (the
 * outcome the items show: trip/rules.ts). What it does when an execution ends, or when the sweep
 * finds it ended, or gone. Everything here is idempotent: the events that drive it come at least
 * once, late, or not at all. And no event is taken on its word: an end is acted on only once
 * Step Functions confirms it.
 */
import { openLeftover } from '#bookings/leftovers.ts';
import { type Compensation, kindOfType } from '#bookings/steps.ts';
import { undoEverything } from '#bookings/undo.ts';
import { logger } from '#lambda/logger.ts';
import { countLeftover } from '#lambda/metrics.ts';
import { noticeFor } from '#notices/notice.ts';
import { tripOf } from '#trip/document.ts';
import { describeExecution, tripExecutionArn } from '#trip/executions.ts';
import type { TripItems } from '#trip/items.ts';
import { readTrip } from '#trip/read.ts';
import { concludeTrip } from '#trip/record.ts';
import {
  bookedAfter,
  isBooked,
  isExecutionEnd,
  isLive,
  isOpenLeftover,
  type Outcome,
  outcomeOf,
  type SagaEnd,
} from '#trip/rules.ts';

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

  // A compensation that fails is reported, not thrown: what it leaves live is recorded below.
  const undos = shouldUndo
    ? await undoEverything(tripId, tripOf(input), items.bookings, { goOn: true })
    : [];
  if (shouldUndo) items = await readTrip(tripId);
  // Only what this call changed: a repeated event reports (and logs) nothing done.
  const undone = undos.filter(({ changed }) => changed).map(({ compensation }) => compensation);
  const failures = new Map(undos.map(({ compensation, failure }) => [compensation, failure]));

  const recorded: Compensation[] = [];
  const alreadyOpen = new Set(
    items.leftovers.filter(isOpenLeftover).map((leftover) => leftover.booking_sk),
  );
  if (!bookedAfter(end, items.bookings)) {
    for (const booking of items.bookings.filter(isLive)) {
      if (alreadyOpen.has(booking.sk)) continue;
      const compensation = kindOfType(booking.type).undo;
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
  if (execution.status !== reported.status || !isExecutionEnd(execution.status))
    return ignore(`Step Functions says the execution is ${execution.status}`);
  return reconcileTrip(tripId, execution.status, {
    executionInput: execution.input,
    error: execution.error,
    items,
  });
};
