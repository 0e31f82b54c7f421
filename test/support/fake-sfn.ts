/**
 * A stand-in for the Step Functions API behind the SDK client the API handlers use, with AWS's
 * execution-name rules: StartExecution with the name and input of a running execution returns
 * that execution; any other reuse of a name is ExecutionAlreadyExists. Records every call.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { vi } from 'vitest';
import { sfn } from '../../functions/commons/clients/sfn.ts';

interface FakeExecution {
  executionArn: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  error?: string;
  cause?: string;
}

export const fakeStepFunctions = () => {
  const executions = new Map<string, FakeExecution>();
  const starts: StartExecutionCommandInput[] = [];
  const $metadata = {};

  vi.spyOn(sfn, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof StartExecutionCommand) {
      const { stateMachineArn = '', name = '', input = '{}' } = command.input;
      starts.push(command.input);
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      const existing = executions.get(executionArn);
      if (existing) {
        if (existing.status === 'RUNNING' && existing.input === input) {
          return { executionArn, startDate: existing.startDate, $metadata };
        }
        throw new ExecutionAlreadyExists({
          message: `Execution Already Exists: '${executionArn}'`,
          $metadata,
        });
      }
      const execution = { executionArn, input, status: 'RUNNING' as const, startDate: new Date() };
      executions.set(executionArn, execution);
      return { executionArn, startDate: execution.startDate, $metadata };
    }
    if (command instanceof DescribeExecutionCommand) {
      const execution = executions.get(command.input.executionArn ?? '');
      if (!execution) {
        throw new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata });
      }
      return { ...execution, $metadata } satisfies Partial<DescribeExecutionCommandOutput>;
    }
    throw new Error(`The fake Step Functions has no ${String(command)}`);
  }) as never);

  return {
    executions,
    starts,
    /** Ends an execution as Step Functions would. */
    end: (executionArn: string, status: ExecutionStatus, error?: string, cause?: string) => {
      const execution = executions.get(executionArn);
      if (!execution) throw new Error(`No execution ${executionArn}`);
      Object.assign(execution, { status, stopDate: new Date(), error, cause });
    },
  };
};
