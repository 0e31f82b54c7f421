/**
 * The sweep's rule: which open trips it looks at and what it does with each. A trip is open from
 * its record's write until its saga is concluded and the notice its outcome calls for is sent
 * (the OpenTrips index holds exactly those). A saga not concluded is settled once Step Functions
 * says how its execution ended (or that it is gone); a notice still owed is announced again,
 * and counted: it was not sent within the grace.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#clients/dynamodb.ts';
import { sweepGraceSeconds } from '#config';
import { describeError } from '#errors';
import { logger } from '#lambda/logger.ts';
import { countOverdueNotices } from '#lambda/metrics.ts';
import { type Reconciled, reconcileTrip } from '#saga-end/reconcile.ts';
import { TABLE_NAME } from '#table/bookings-table.ts';
import { TableItemSchema } from '#table/item.ts';
import { OPEN_TRIPS_INDEX, openShards } from '#table/keys.ts';
import { describeExecution, isRunning, tripExecutionArn } from '#trip/executions.ts';
import { readTrip } from '#trip/read.ts';
import { closeTrip } from '#trip/record.ts';
import type { SagaEnd } from '#trip/rules.ts';

/** How old an open record must be before the sweep looks at it (config.ts). */
const GRACE_SECONDS = sweepGraceSeconds();

/** The ids of open trips whose record was written before `cutoff`, every shard, every page. */
const openTripsBefore = async (cutoff: string): Promise<string[]> => {
  const tripIds: string[] = [];
  for (const shard of openShards()) {
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: TABLE_NAME,
          IndexName: OPEN_TRIPS_INDEX,
          KeyConditionExpression: 'open_shard = :shard AND started_at < :cutoff',
          ExpressionAttributeValues: { ':shard': shard, ':cutoff': cutoff },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) tripIds.push(TableItemSchema.parse(item).pk);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
  return tripIds;
};

export interface Swept {
  /** Open trips old enough to look at. */
  checked: number;
  /** Those still running, left alone. */
  running: number;
  concluded: Reconciled[];
  /** Concluded trips whose customer is still owed a notice: each is announced again. */
  owed: string[];
  /** Those it could not settle (their records stay open, for the next sweep), and why. */
  failed: { trip_id: string; error: string }[];
}

/**
 * Settles every open trip old enough; one it cannot settle does not stop the others, so each
 * trip concluded here, or still owed its notice, is reported (and announced by the caller)
 * whatever happens to the rest.
 */
export const sweepTrips = async (olderThanSeconds = GRACE_SECONDS): Promise<Swept> => {
  const cutoff = new Date(Date.now() - olderThanSeconds * 1000).toISOString();
  const tripIds = await openTripsBefore(cutoff);
  const swept: Swept = { checked: tripIds.length, running: 0, concluded: [], owed: [], failed: [] };
  for (const tripId of tripIds) {
    try {
      const items = await readTrip(tripId);
      const { record } = items;
      if (!record) continue;
      if (record.execution_status !== undefined) {
        // Concluded: what is left is the notice, if it is still owed.
        if (record.notice_owed !== undefined) swept.owed.push(tripId);
        else await closeTrip(tripId);
        continue;
      }
      // Step Functions, asked about the execution the record names, is the only word taken.
      const execution = await describeExecution(tripExecutionArn(tripId, record));
      if (isRunning(execution?.status)) {
        swept.running += 1;
        continue;
      }
      const end = (execution?.status ?? 'NOT_STARTED') as SagaEnd;
      swept.concluded.push(
        await reconcileTrip(tripId, end, {
          executionInput: execution?.input,
          error: execution?.error,
          undo: true,
          items,
        }),
      );
    } catch (error) {
      logger.error('trip not swept', { trip_id: tripId, error });
      swept.failed.push({ trip_id: tripId, error: describeError(error) });
    }
  }
  if (swept.owed.length > 0) {
    logger.warn('notices overdue: announced again', { trips: swept.owed });
    countOverdueNotices(swept.owed.length);
  }
  return swept;
};
