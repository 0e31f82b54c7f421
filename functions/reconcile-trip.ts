/**
 * ReconcileTrip: the end of every execution of the saga, as EventBridge delivers it ("Step
 * Functions Execution Status Change"). The state machine cannot see its own abort or timeout, so
 * this does what it could not: after an abort or a timeout it undoes the live bookings; after any
 * end but success it records (and counts, for the alarm) every booking still live; and it
 * concludes the trip record with the outcome the table shows. Events may come twice or late:
 * every write it makes is idempotent. Then the trip's outcome goes out on the trip events bus.
 */
import * as z from 'zod/mini';
import { reconcileTrip } from '#commons/saga-end.ts';
import { task } from '#commons/saga-task.ts';
import { tripId } from '#commons/trip.ts';
import { announceOutcome } from '#commons/trip-events.ts';
import { EXECUTION_ENDS } from '#commons/trip-items.ts';

const ExecutionStatusChange = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string(),
    // The execution is named after its trip.
    name: tripId(),
    status: z.enum(EXECUTION_ENDS),
    // Left out (null) by EventBridge when the input is too large to include.
    input: z.optional(z.nullable(z.string())),
    error: z.optional(z.nullable(z.string())),
  }),
});

export const handler = task(
  'ReconcileTrip',
  ExecutionStatusChange,
  (event) => event.detail.name,
  async ({ detail }) => {
    const result = await reconcileTrip(detail.name, detail.status, {
      executionInput: detail.input ?? undefined,
      error: detail.error ?? undefined,
    });
    await announceOutcome(detail.name);
    return {
      result,
      changed: result.concluded || result.undone.length > 0 || result.recorded.length > 0,
    };
  },
);
