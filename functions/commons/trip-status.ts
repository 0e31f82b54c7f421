/**
 * The status of a trip as GET /trips/{tripId} reports it: the saga's outcome derived from the
 * execution and the table, the execution itself, the bookings and any leftovers to repair.
 */
import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { isLive, type TripItem, type TripItems } from '#commons/bookings.ts';

/**
 * in_progress  the execution is running
 * booked       the saga succeeded: every booking confirmed, the payment taken
 * failed       the saga failed and nothing is live: everything it did was undone
 * needs_repair something may still be live after the end: a leftover is open or a booking holds
 */
export type SagaStatus = 'in_progress' | 'booked' | 'failed' | 'needs_repair';

type Execution = Pick<
  DescribeExecutionCommandOutput,
  'executionArn' | 'status' | 'startDate' | 'stopDate' | 'error' | 'cause'
>;

export const sagaStatus = (execution: Execution | undefined, items: TripItems): SagaStatus => {
  if (items.leftovers.some((leftover) => leftover.repair_status === 'open')) return 'needs_repair';
  const status = execution?.status;
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return 'in_progress';
  if (status === 'SUCCEEDED') return 'booked';
  return items.bookings.some(isLive) ? 'needs_repair' : 'failed';
};

const withoutKeys = ({ pk: _pk, sk: _sk, ...rest }: TripItem) => rest;

export const tripStatus = (tripId: string, execution: Execution | undefined, items: TripItems) => ({
  trip_id: tripId,
  saga_status: sagaStatus(execution, items),
  // null once Step Functions no longer keeps the execution (90 days after it ended).
  execution: execution
    ? {
        execution_arn: execution.executionArn,
        status: execution.status,
        start_date: execution.startDate?.toISOString(),
        stop_date: execution.stopDate?.toISOString(),
        error: execution.error,
        cause: execution.cause,
      }
    : null,
  bookings: items.bookings.map(withoutKeys),
  leftovers: items.leftovers.map(withoutKeys),
});
