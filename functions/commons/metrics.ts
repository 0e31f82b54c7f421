/** The function's metrics (EMF). Namespace and service come from the Powertools environment. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Compensation } from '#commons/table-keys.ts';

export const metrics = new Metrics();

/**
 * Counts a leftover in the metric the repair alarm watches. Called before the leftover is
 * written: when the write fails (DynamoDB trouble is the likeliest reason anything is left),
 * the alarm still fires.
 */
export const countLeftover = (compensation: Compensation): void => {
  // Metadata, not a dimension: the alarm watches the metric under its service dimension only.
  metrics.addMetadata('compensation', compensation);
  metrics.addMetric('CompensationLeftovers', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};
