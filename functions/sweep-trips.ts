/**
 * SweepTrips: on a schedule, the trips an event could not settle, and the notices not yet sent.
 * EventBridge delivers execution status changes on a best-effort basis, and a saga whose
 * StartExecution never happened emits nothing. So every open trip record older than the grace
 * period is checked: an execution that ended (as Step Functions says) is reconciled as its
 * event would have done; an execution that does not exist (never started, or forgotten) has its
 * live bookings undone. Running executions are left to end. Each trip it concludes, and each
 * concluded trip whose customer is still owed a notice (counted in OverdueNotices), has its
 * notice announced on the trip events bus.
 *
 * Input: the schedule's event, or `{ "older_than_seconds": N }` to look at younger records (the
 * local platform sends 0 after a restart, when none of its executions survived).
 */
import * as z from 'zod/mini';
import { TripsNotSwept } from '#errors';
import { task } from '#lambda/saga-task.ts';
import { announceOutcomes } from '#notices/announce.ts';
import { sweepTrips } from '#saga-end/sweep.ts';

const SweepInput = z.object({
  older_than_seconds: z.optional(z.int().check(z.minimum(0))),
});

export const handler = task(
  'SweepTrips',
  SweepInput,
  () => 'sweep',
  async ({ older_than_seconds }) => {
    const result = await sweepTrips(older_than_seconds);
    // What it concluded, or found still owed, is announced even when other trips failed.
    await announceOutcomes([...result.concluded.map(({ trip_id }) => trip_id), ...result.owed]);
    if (result.failed.length > 0) {
      throw new TripsNotSwept(
        `${result.failed.length} trip(s) not swept, left open for the next sweep: ${result.failed
          .map(({ trip_id, error }) => `${trip_id} (${error})`)
          .join(', ')}`,
      );
    }
    return { result, changed: result.concluded.length > 0 };
  },
);
