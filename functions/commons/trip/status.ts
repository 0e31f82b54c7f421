/**
 * The status of a trip as GET /trips/{tripId} reports it: the saga's status from the trip record
 * and the table, the execution as the record knows it, the bookings that were made (each undone
 * one says what it undid: `undone_from`), the tombstones apart (undos that found nothing: they
 * stop a late step, nothing of them happened), any leftovers to repair, and what the customer
 * was told.
 */
import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { TableItem } from '#table/item.ts';
import type { TripItems } from '#trip/items.ts';
import { isExecutionEnd, isMade, isTombstone, type Outcome, outcomeOf } from '#trip/rules.ts';

/** `running` while the saga has not ended (its record is not concluded), then its outcome. */
export type SagaStatus = 'running' | Outcome;

/** Only for a trip started outside the API, which has no record. */
type Execution = Pick<
  DescribeExecutionCommandOutput,
  'executionArn' | 'status' | 'startDate' | 'stopDate' | 'error' | 'cause'
>;

/**
 * While the record is open the saga is running, whatever the items say at that instant (they
 * change under it): a status is never read torn. Once concluded, the items decide.
 */
const sagaStatus = (items: TripItems, execution?: Execution): SagaStatus => {
  const { record } = items;
  if (record)
    return record.execution_status ? outcomeOf(items, record.execution_status) : 'running';
  const status = execution?.status;
  if (status !== undefined && !isExecutionEnd(status)) return 'running';
  return outcomeOf(items, status);
};

const withoutKeys = <Item extends TableItem>({ pk: _pk, sk: _sk, ...rest }: Item) => rest;

export const tripStatus = (tripId: string, items: TripItems, execution?: Execution) => {
  const { record } = items;
  return {
    trip_id: tripId,
    saga_status: sagaStatus(items, execution),
    execution: record
      ? {
          execution_arn: record.execution_arn,
          status: record.execution_status ?? 'RUNNING',
          start_date: record.started_at,
          ...(record.ended_at ? { stop_date: record.ended_at } : {}),
          ...(record.execution_error ? { error: record.execution_error } : {}),
        }
      : execution
        ? {
            execution_arn: execution.executionArn,
            status: execution.status,
            start_date: execution.startDate?.toISOString(),
            stop_date: execution.stopDate?.toISOString(),
            error: execution.error,
            cause: execution.cause,
          }
        : null,
    bookings: items.bookings.filter(isMade).map(withoutKeys),
    tombstones: items.bookings
      .filter(isTombstone)
      .map(({ type, id, transaction_status }) => ({ type, id, transaction_status })),
    leftovers: items.leftovers.map(withoutKeys),
    notifications: items.notifications.map(withoutKeys),
  };
};
