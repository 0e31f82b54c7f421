/**
 * The repair an operator runs (RepairTrip, `npm run repair`), from the table's truth: every live
 * booking of a trip that did not book is undone, whether a leftover names it or not, the kinds
 * never made get a tombstone, every open leftover is resolved and the record concluded, owing its
 * customer the new notice. Never on a running execution, however it was started.
 */
import { resolveLeftover } from '#bookings/leftovers.ts';
import type { Compensation } from '#bookings/steps.ts';
import { undoEverything } from '#bookings/undo.ts';
import { RepairRefused } from '#errors';
import type { StepResult } from '#lambda/saga-task.ts';
import { noticeFor } from '#notices/notice.ts';
import { tripOf } from '#trip/document.ts';
import { describeExecution, isRunning, tripExecutionArn } from '#trip/executions.ts';
import type { TripItems } from '#trip/items.ts';
import { readTrip } from '#trip/read.ts';
import { concludeTrip } from '#trip/record.ts';
import {
  bookedAfter,
  isExecutionEnd,
  isLive,
  isOpenLeftover,
  type Outcome,
  outcomeOf,
} from '#trip/rules.ts';

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
 * Repairs a trip. Refused while its execution runs, however it was started; a booked trip is
 * left alone. A trip with nothing to repair is not written to at all, so repeating a repair
 * changes nothing.
 */
export const repairTrip = async (tripId: string): Promise<StepResult<Repaired>> => {
  const items = await readTrip(tripId);
  const { record } = items;
  const refuse = () =>
    new RepairRefused(
      `Trip ${tripId} is still running: its saga undoes what it did itself; repair it once it has ended`,
    );
  if (record && record.execution_status === undefined) throw refuse();
  const execution = await describeExecution(tripExecutionArn(tripId, record));
  if (isRunning(execution?.status)) throw refuse();
  const described = isExecutionEnd(execution?.status) ? execution?.status : undefined;
  const end = record?.execution_status ?? described;
  const booked = bookedAfter(end, items.bookings);
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
  // With the trip document, the saga's own undo steps: a kind never made gets a tombstone, so
  // nothing that arrives late can make it after the repair.
  const present = new Set(items.bookings.map((booking) => booking.sk));
  for (const { changed, sk } of await undoEverything(tripId, trip, items.bookings)) {
    if (changed && sk !== undefined && !present.has(sk)) repaired.tombstones.push(sk);
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
