/**
 * A trip's execution: named after the trip id, in the saga's state machine; described, or
 * found gone; and which one a trip's end is about. (Starting it once: start.ts.)
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '#clients/sfn.ts';
import { stateMachineArn } from '#config';
import { hasName } from '#errors';
import type { TripRecord } from '#trip/record-item.ts';

export const STATE_MACHINE_ARN = stateMachineArn();

/** arn:...:stateMachine:<name> -> arn:...:execution:<name>:<trip id> */
export const executionArnOf = (tripId: string): string =>
  `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${tripId}`;

/** An execution, or undefined when there is none (or its history has expired). */
export const describeExecution = async (executionArn: string) => {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (hasName(error, 'ExecutionDoesNotExist')) return undefined;
    throw error;
  }
};

/** The trip's execution, or undefined when there is none (or its history has expired). */
export const describeTripExecution = (tripId: string) => describeExecution(executionArnOf(tripId));

/**
 * The execution a trip's end is about: the one its record names (the API started it), else the
 * one named after the trip (started on the Step Functions API directly).
 */
export const tripExecutionArn = (tripId: string, record: TripRecord | undefined): string =>
  record?.execution_arn || executionArnOf(tripId);

/** Step Functions statuses of an execution that has not ended (a redrive may still run it). */
export const isRunning = (status: string | undefined): boolean =>
  status === 'RUNNING' || status === 'PENDING_REDRIVE';
