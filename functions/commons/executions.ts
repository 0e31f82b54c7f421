/**
 * A trip's execution. The execution is named after the trip id, so Step Functions itself
 * guarantees one execution per trip: an identical repeat is answered with the same execution,
 * a different trip document under the same id is a conflict.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '#clients/sfn.ts';
import { requireEnv } from '#commons/env.ts';
import { type Trip, toExecutionInput } from '#commons/trip.ts';

const STATE_MACHINE_ARN = requireEnv('STATE_MACHINE_ARN');

/** arn:...:stateMachine:<name> -> arn:...:execution:<name>:<trip id> */
export const executionArnOf = (tripId: string): string =>
  `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${tripId}`;

export type StartOutcome =
  | { kind: 'started' | 'repeated'; executionArn: string; startDate: Date | undefined }
  | { kind: 'conflict'; executionArn: string };

const hasName = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** Starts the trip's execution, or finds the one an identical earlier request started. */
export const startTripExecution = async (trip: Trip): Promise<StartOutcome> => {
  const input = toExecutionInput(trip);
  try {
    // While that execution runs, Step Functions answers an identical StartExecution with it.
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: trip.trip_id, input }),
    );
    return {
      kind: 'started',
      executionArn: started.executionArn ?? executionArnOf(trip.trip_id),
      startDate: started.startDate,
    };
  } catch (error) {
    if (!hasName(error, 'ExecutionAlreadyExists')) throw error;
  }
  const existing = await describeTripExecution(trip.trip_id);
  const executionArn = executionArnOf(trip.trip_id);
  if (existing?.input !== input) return { kind: 'conflict', executionArn };
  return { kind: 'repeated', executionArn, startDate: existing.startDate };
};

/** The trip's execution, or undefined when there is none (or its history has expired). */
export const describeTripExecution = async (tripId: string) => {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(tripId) }));
  } catch (error) {
    if (hasName(error, 'ExecutionDoesNotExist')) return undefined;
    throw error;
  }
};
