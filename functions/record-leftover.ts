/**
 * RecordLeftover: a compensation exhausted its retries. Writes what is left to undo to the table
 * (shown by GET /trips/{tripId}, cleared by a repair) and counts it in the CompensationLeftovers
 * metric, which the template alarms on. The saga then goes on with the next compensation.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { COMPENSATIONS, type Compensation, recordLeftover } from '#commons/bookings.ts';
import { metrics } from '#commons/metrics.ts';
import { task } from '#commons/saga-task.ts';
import { TripSchema } from '#commons/trip.ts';

const LeftoverInput = z.object({
  compensation: z.enum(Object.keys(COMPENSATIONS) as [Compensation, ...Compensation[]]),
  trip: TripSchema,
  // Step Functions may report an error without a cause.
  failure: z.object({ Error: z.string(), Cause: z._default(z.string(), '') }),
});

export const handler = task(
  'RecordLeftover',
  LeftoverInput,
  (input) => input.trip.trip_id,
  async ({ compensation, trip, failure }) => {
    const outcome = await recordLeftover(compensation, trip, failure);
    if (outcome.changed) {
      // Metadata, not a dimension: the alarm watches the metric under its service dimension only.
      metrics.addMetadata('compensation', compensation);
      metrics.addMetric('CompensationLeftovers', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    }
    return outcome;
  },
);
