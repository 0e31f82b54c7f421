/**
 * RecordLeftover: a compensation exhausted its retries, or failed in a way no retry mends. Counts
 * it in the CompensationLeftovers metric, which the template alarms on, then writes what is left
 * to undo to the table (shown by GET /trips/{tripId}, cleared by a repair). The metric comes
 * first: if the write fails too, the alarm still fires, and the reconciler records the booking
 * from the table once the execution has ended. The saga then goes on with the next compensation.
 */
import * as z from 'zod/mini';
import { recordLeftover } from '#bookings/leftovers.ts';
import { COMPENSATION_NAMES } from '#bookings/steps.ts';
import { countLeftover } from '#lambda/metrics.ts';
import { task } from '#lambda/saga-task.ts';
import { TripSchema } from '#trip/document.ts';

const LeftoverInput = z.object({
  compensation: z.enum(COMPENSATION_NAMES),
  trip: TripSchema,
  // Step Functions may report an error without a cause.
  failure: z.object({ Error: z.string(), Cause: z._default(z.string(), '') }),
});

export const handler = task(
  'RecordLeftover',
  LeftoverInput,
  (input) => input.trip.trip_id,
  async ({ compensation, trip, failure }) => {
    countLeftover(compensation);
    return recordLeftover(compensation, trip, failure);
  },
);
