/**
 * What the local Step Functions keeps of its state machines and executions, and how its API
 * describes them (DescribeStateMachine, ListExecutions, DescribeExecution's summary).
 */
import type { CompiledMachine } from './engine/compile.ts';
import type { History } from './history.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: Date;
  /** ACTIVE, or DELETING from DeleteStateMachine until its running executions end (AWS). */
  status: 'ACTIVE' | 'DELETING';
  /** The definition as the interpreter (engine/) runs it. */
  compiled: CompiledMachine;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  testCase?: string;
  history: History;
  /** Settles when the execution has ended and its history is complete. */
  done: Promise<void>;
  stop?: (error?: string, cause?: string) => void;
}

/** What DescribeStateMachine and DescribeStateMachineForExecution both tell of a machine. */
export const machineOf = (machine: StateMachineRecord) => ({
  stateMachineArn: machine.arn,
  name: machine.name,
  definition: machine.definition,
  roleArn: machine.roleArn,
  loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: { enabled: false },
});

/** An execution as ListExecutions lists it (and DescribeExecution begins). */
export const summaryOf = (record: ExecutionRecord) => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: record.startDate,
  ...(record.stopDate ? { stopDate: record.stopDate } : {}),
});
