/**
 * ReconcileTrip: the end of every execution of the saga, as EventBridge delivers it ("Step
 * Functions Execution Status Change"). The event is a hint: Step Functions is asked about the
 * execution the trip's record names, and an end it does not confirm (another execution, a stale
 * status, a forged event) changes nothing. A confirmed end is reconciled: after an abort or a
 * timeout the live bookings are undone; after any end but success every booking still live is
 * recorded (and counted, for the alarm); the trip record is concluded with the outcome the table
 * shows, owing its customer a notice. Events may come twice or late: every write is idempotent.
 * Then the notice owed goes out on the trip events bus (the sweep does it again if this fails).
 */
import * as z from 'zod/mini';
import { task } from '#lambda/saga-task.ts';
import { announceOutcome } from '#notices/announce.ts';
import { type Reconciled, reconcileReportedEnd, type Unconfirmed } from '#saga-end/reconcile.ts';
import { tripId } from '#trip/document.ts';

const ExecutionStatusChange = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string(),
    // The execution is named after its trip.
    name: tripId(),
    status: z.string(),
  }),
});

export const handler = task(
  'ReconcileTrip',
  ExecutionStatusChange,
  (event) => event.detail.name,
  async ({ detail }): Promise<{ result: Reconciled | Unconfirmed; changed: boolean }> => {
    const result = await reconcileReportedEnd(detail.name, detail);
    if ('ignored' in result) return { result, changed: false };
    await announceOutcome(detail.name);
    return {
      result,
      changed: result.concluded || result.undone.length > 0 || result.recorded.length > 0,
    };
  },
);
