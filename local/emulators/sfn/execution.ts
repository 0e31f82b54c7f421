/**
 * One execution, run on its machine's engine: the Task states' handlers (tasks.ts), the retries'
 * waits when the platform overrides them, the engine's events written to the history in AWS's
 * shapes (state-events.ts, history.ts), the execution's end written to its record, and a stop.
 */

import type { TestCase } from './mock-config.ts';
import type { ExecutionRecord, ExecutionStatus, StateMachineRecord } from './records.ts';
import { stateEventRecorder } from './state-events.ts';
import { type Integrations, taskRunner } from './tasks.ts';

export interface ExecutionRun {
  machine: StateMachineRecord;
  record: ExecutionRecord;
  input: unknown;
  testCase?: TestCase | undefined;
  integrations: Integrations;
  /** Waits this long before every retry instead of the ASL's schedule. */
  retryDelayMs?: number | undefined;
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
  retryDelayMs,
  onEnd,
  onClosed,
}: ExecutionRun) => {
  const { history } = record;
  const tasks = taskRunner({
    integrations,
    executionArn: record.executionArn,
    history,
    tasks: machine.tasks,
    ...(testCase ? { testCase } : {}),
  });
  const recordStateEvent = stateEventRecorder({
    history,
    maps: machine.maps,
    nested: machine.nested,
    queryLanguage: machine.queryLanguage,
    onTaskTimeout: tasks.timedOut,
    onBranches: tasks.silence,
  });

  const execution = machine.engine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: Object.fromEntries(
        Object.keys(machine.tasks).map((stateName) => [stateName, tasks.handlerFor(stateName)]),
      ) as never,
      ...(retryDelayMs === undefined
        ? {}
        : {
            retryIntervalOverrides: Object.fromEntries(
              machine.retrying.map((stateName) => [stateName, retryDelayMs]),
            ),
          }),
    },
    noThrowOnAbort: true,
    context: {
      Execution: {
        Id: record.executionArn,
        Input: input as never,
        Name: record.name,
        RoleArn: machine.roleArn,
        StartTime: record.startDate.toISOString(),
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    },
  });

  let stopRequest: { error?: string; cause?: string } = {};
  record.stop = (error, cause) => {
    stopRequest = {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    };
    execution.abort();
  };

  const end = (status: ExecutionStatus, fields: Partial<ExecutionRecord> = {}) => {
    Object.assign(record, { status, stopDate: new Date(), ...fields });
    delete record.stop;
    onEnd();
  };

  record.done = (async () => {
    for await (const event of execution.eventLogs) {
      switch (event.type) {
        case 'ExecutionStarted':
          history.executionStarted(event.input, machine.roleArn);
          break;
        case 'ExecutionSucceeded':
          end('SUCCEEDED', { output: JSON.stringify(event.output) });
          history.executionSucceeded(event.output);
          break;
        case 'ExecutionFailed': {
          const cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
          end('FAILED', { error: event.Error, cause });
          history.executionFailed(event.Error, cause);
          break;
        }
        case 'ExecutionAborted':
          end('ABORTED', stopRequest);
          history.executionAborted(stopRequest.error, stopRequest.cause);
          break;
        case 'ExecutionTimeout':
          end('TIMED_OUT', { error: 'States.Timeout' });
          history.executionTimedOut();
          break;
        default:
          recordStateEvent(event);
          break;
      }
    }
    await execution.result.catch(() => undefined);
    if (record.status !== 'RUNNING') onClosed();
  })();
};
