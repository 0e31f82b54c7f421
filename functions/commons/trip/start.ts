/**
 * Starting a trip's saga once. The trip record, written with a condition before anything
 * starts, makes one trip id one saga forever: an identical repeat is answered with the same
 * execution, a different trip document under the same id is a conflict, also long after Step
 * Functions has forgotten the execution.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '#clients/sfn.ts';
import { START_WINDOW_SECONDS } from '#config';
import { hasName } from '#errors';
import { type Trip, toExecutionInput, toTripDocument } from '#trip/document.ts';
import { describeTripExecution, executionArnOf, STATE_MACHINE_ARN } from '#trip/executions.ts';
import { createTripRecord, digestOf } from '#trip/record.ts';
import type { TripRecord } from '#trip/record-item.ts';
import { isVisibleTo } from '#trip/rules.ts';

export type TripStart =
  | { kind: 'started' | 'repeated'; executionArn: string; startDate: Date | undefined }
  | { kind: 'conflict'; executionArn: string };

const withinStartWindow = (record: TripRecord) =>
  record.execution_status === undefined &&
  Date.now() - Date.parse(record.started_at) < START_WINDOW_SECONDS * 1000;

/**
 * Starts the trip's saga once; a repeat finds the saga the first request started. `owner` (the
 * signed-in customer) is stored on the record; another customer's request under the same trip id
 * is a conflict like any other, whatever its document: it learns nothing of that trip.
 */
export const startTripExecution = async (trip: Trip, owner?: string): Promise<TripStart> => {
  const input = toExecutionInput(trip);
  const executionArn = executionArnOf(trip.trip_id);
  const { created, record } = await createTripRecord(trip, executionArn, owner);
  // The trip's start is when its record was written: the same for every repeat.
  const started = {
    kind: created ? 'started' : 'repeated',
    executionArn: record.execution_arn,
    startDate: new Date(record.started_at),
  } as const;
  if (!created) {
    if (!isVisibleTo(record, owner)) return { kind: 'conflict', executionArn };
    if (record.input_digest !== digestOf(toTripDocument(trip)))
      return { kind: 'conflict', executionArn };
    if (!withinStartWindow(record) || (await describeTripExecution(trip.trip_id))) return started;
  }
  try {
    // While that execution runs, Step Functions answers an identical StartExecution with it.
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: trip.trip_id, input }),
    );
    return started;
  } catch (error) {
    if (!hasName(error, 'ExecutionAlreadyExists')) throw error;
  }
  // It ended already: started by a concurrent repeat, or outside the API under this name.
  const existing = await describeTripExecution(trip.trip_id);
  return existing?.input === input ? started : { kind: 'conflict', executionArn };
};
