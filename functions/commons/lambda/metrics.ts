/** The function's metrics (EMF). Namespace and service come from the Powertools environment. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Compensation } from '#bookings/steps.ts';

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

/**
 * Counts the notices the sweep found still owed past its grace (each announced again), in the
 * metric the overdue notices alarm watches.
 */
export const countOverdueNotices = (count: number): void => {
  metrics.addMetric('OverdueNotices', MetricUnit.Count, count);
  metrics.publishStoredMetrics();
};

/** Counts a notice sent again after its sender died: the customer may get it twice. */
export const countNoticeResend = (notice: string): void => {
  metrics.addMetadata('notice', notice);
  metrics.addMetric('NoticeResends', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
};
