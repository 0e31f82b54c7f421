/**
 * One execution: the interpreter (engine/) run on the machine with this execution's task
 * runner (tasks.ts), JSONata lane and history; its end written to its record and its history
 * (ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut, ExecutionAborted), and a stop.
 */
import type { Runtime } from './engine/runtime.ts';
import { runExecution as runMachine } from './engine/state-machine.ts';
import type { Json, JsonObject } from './engine/types.ts';
import type { JsonataEvaluator } from './jsonata/evaluator.ts';
import type { TestCase } from './mock-config.ts';
import type { ExecutionRecord, ExecutionStatus, StateMachineRecord } from './records.ts';
import { type Integrations, taskRunner } from './tasks.ts';

export interface ExecutionRun {
  machine: StateMachineRecord;
  record: ExecutionRecord;
  input: unknown;
  testCase?: TestCase | undefined;
  integrations: Integrations;
  evaluator: JsonataEvaluator;
  /** Waits this long before every retry instead of the ASL's schedule. */
  retryDelayMs?: number | undefined;
  /** Replaces the machine's TimeoutSeconds (tests). */
  executionTimeoutMs?: number | undefined;
  /** Told once the record has its end (status, stop date, output or error). */
  onEnd: () => void;
  /** Told once the execution has ended and its history is complete. */
  onClosed: () => void;
}

/** Starts the execution; sets the record's `stop` while it runs and its `done` promise. */
export const runExecution = ({
  machine,
  record,
  input,
  testCase,
  integrations,
  evaluator,
  retryDelayMs,
  executionTimeoutMs,
  onEnd,
  onClosed,
}: ExecutionRun) => {
  const { history } = record;
  const { definition, languages } = machine.compiled;
  const lane = evaluator.lane();
  const runtime: Runtime = {
    history,
    runTask: taskRunner({
      integrations,
      executionArn: record.executionArn,
      history,
      ...(testCase ? { testCase } : {}),
    }),
    lane,
    languageOf: (state) => languages.get(state) ?? 'JSONPath',
    baseContext: {
      Execution: {
        Id: record.executionArn,
        Input: input as Json,
        Name: record.name,
        RoleArn: machine.roleArn,
        StartTime: record.startDate.toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    } as JsonObject,
    retryDelayMs,
  };

  const stopping = new AbortController();
  let stopRequest: { error?: string; cause?: string } = {};
  record.stop = (error, cause) => {
    stopRequest = {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    };
    stopping.abort();
  };

  const end = (status: ExecutionStatus, fields: Partial<ExecutionRecord> = {}) => {
    Object.assign(record, { status, stopDate: new Date(), ...fields });
    delete record.stop;
    onEnd();
  };

  history.executionStarted(input, machine.roleArn);
  const timeoutMs =
    executionTimeoutMs ??
    (definition.TimeoutSeconds === undefined ? undefined : definition.TimeoutSeconds * 1000);
  record.done = (async () => {
    const ended = await runMachine(definition, input as Json, runtime, {
      timeoutMs,
      signal: stopping.signal,
    });
    // Whatever it still evaluates is nobody's now.
    lane.close();
    switch (ended.status) {
      case 'SUCCEEDED':
        end('SUCCEEDED', { output: JSON.stringify(ended.output) });
        history.executionSucceeded(ended.output);
        break;
      case 'FAILED': {
        // A Fail state with no Error (or Cause) leaves it out, as AWS does.
        end('FAILED', {
          ...(ended.error === '' ? {} : { error: ended.error }),
          ...(ended.cause === '' ? {} : { cause: ended.cause }),
        });
        history.executionFailed(ended.error, ended.cause);
        break;
      }
      case 'TIMED_OUT':
        end('TIMED_OUT', { error: 'States.Timeout' });
        history.executionTimedOut();
        break;
      case 'ABORTED':
        end('ABORTED', stopRequest);
        history.executionAborted(stopRequest.error, stopRequest.cause);
        break;
    }
    onClosed();
  })();
};
