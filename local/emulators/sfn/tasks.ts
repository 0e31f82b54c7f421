/**
 * Task states, as Step Functions runs them, in order: a test case's mocked response, else the
 * payload's limit (limits.ts), the integration, and the result's limit; each attempt's events
 * written to the history. The integrations (lambda-task.ts, dynamodb-task.ts):
 *   arn:aws:states:::lambda:invoke          the stack's function, result wrapped ({ Payload, StatusCode, ... })
 *   arn:aws:lambda:<region>:<account>:function:<name>   the classic form: the function's own result
 *   arn:aws:states:::dynamodb:putItem|getItem|updateItem|deleteItem   the local DynamoDB, for real
 *   anything else (sns:publish, events:putEvents, aws-sdk:*, ...)     a MockConfigFile response only
 * Failures carry AWS's error names
 * (Lambda.*, DynamoDB.ConditionalCheckFailedException, ...) so Retry and Catch match as on AWS.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toFunctionError } from '../lambda-runtime.ts';
import { callDynamoDB, dynamodbActionOf } from './dynamodb-task.ts';
import { TaskFailure, TerminalFailure } from './errors.ts';
import type { History, TaskEvents } from './history.ts';
import {
  callLambda,
  type FunctionInvoker,
  isFunctionArn,
  LAMBDA_INVOKE,
  lambdaPayloadOf,
} from './lambda-task.ts';
import { overPayloadLimit } from './limits.ts';
import type { MockedResponse, TestCase } from './mock-config.ts';

/** What the task runner needs from the service. */
export interface Integrations {
  region: string;
  invokeFunction: FunctionInvoker;
  /** The local DynamoDB the dynamodb:* integrations write to; without it they need a mock. */
  dynamodb?: DynamoDBClient;
}

/** The resourceType and resource of TaskScheduled: `arn:aws:states:::dynamodb:putItem` -> dynamodb, putItem. */
const resourceOf = (arn: string) => {
  const path = arn.replace(/^arn:aws:states:[^:]*:[^:]*:/, '');
  const at = path.lastIndexOf(':');
  return { resourceType: path.slice(0, at), resource: path.slice(at + 1) };
};

/** One execution's task runner: `handlerFor(state)` is the engine's local handler for a Task. */
export const taskRunner = (options: {
  integrations: Integrations;
  executionArn: string;
  history: History;
  tasks: Record<string, { Resource: string; TimeoutSeconds?: number }>;
  testCase?: TestCase;
}) => {
  const { integrations, executionArn, history, tasks, testCase } = options;
  const invocations = new Map<string, number>();
  /** The attempt in flight per state: a timed-out attempt must not report its late result. */
  const current = new Map<string, { active: boolean; events: TaskEvents }>();
  /** States of a failed Parallel's branches or Map's iterations: the engine aborts them. */
  const silenced = new Set<string>();

  const handlerFor = (stateName: string) => async (parameters: unknown) => {
    // Let the engine's "state entered" event reach the history before this task's events.
    await new Promise((resolve) => setImmediate(resolve));
    // A branch or iteration aborted meanwhile: the engine ignores its result, AWS never ran it.
    if (silenced.has(stateName)) throw new TerminalFailure('States.Runtime', 'aborted');
    const { Resource: arn, TimeoutSeconds } = tasks[stateName] ?? { Resource: '' };
    const classicLambda = isFunctionArn(arn);
    const events = classicLambda
      ? history.lambdaFunctionEvents(arn)
      : history.taskEvents(resourceOf(arn), integrations.region);
    const invocation = invocations.get(stateName) ?? 0;
    invocations.set(stateName, invocation + 1);
    const attempt = { active: true, events };
    current.set(stateName, attempt);
    events.scheduled(parameters, TimeoutSeconds);
    events.started();
    const fail = (error: string, cause: string, terminal = false): never => {
      if (attempt.active) events.failed(error, cause);
      throw terminal ? new TerminalFailure(error, cause) : new TaskFailure(error, cause);
    };
    const succeed = (output: unknown) => {
      if (overPayloadLimit(output)) {
        fail(
          'States.DataLimitExceeded',
          `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
          true,
        );
      }
      if (attempt.active) events.succeeded(output);
      return output;
    };

    const mocked: MockedResponse | undefined | 'missing' = testCase?.responseFor(
      stateName,
      invocation,
    );
    if (mocked === 'missing') {
      return fail(
        'States.Runtime',
        `No mocked response for invocation ${invocation} of state ${stateName} in test case ${testCase?.name}`,
        true,
      );
    }
    if (mocked && 'Throw' in mocked) return fail(mocked.Throw.Error, mocked.Throw.Cause ?? '');
    if (mocked) return succeed(mocked.Return);

    if (overPayloadLimit(lambdaPayloadOf(arn, parameters))) {
      return fail(
        'States.DataLimitExceeded',
        `The state/task '${stateName}' has a payload exceeding the maximum number of bytes service limit.`,
        true,
      );
    }
    const dynamodbAction = dynamodbActionOf(arn);
    if (arn !== LAMBDA_INVOKE && !classicLambda && !(dynamodbAction && integrations.dynamodb)) {
      return fail(
        'States.Runtime',
        `State ${stateName}: the offline platform runs ${arn} only from a mocked response, and ${
          testCase
            ? `test case ${testCase.name} has none for this state`
            : 'this execution has no test case (start it on <stateMachineArn>#<TestCase> with a MockConfigFile)'
        }`,
        true,
      );
    }
    let output: unknown;
    try {
      output =
        dynamodbAction && integrations.dynamodb
          ? await callDynamoDB(integrations.dynamodb, dynamodbAction, parameters)
          : await callLambda(integrations.invokeFunction, arn, parameters, {
              executionArn,
              state: stateName,
              invocation,
            });
    } catch (error) {
      const failure =
        error instanceof TaskFailure
          ? error
          : new TaskFailure(
              dynamodbAction ? 'DynamoDB.SdkClientException' : 'Lambda.SdkClientException',
              toFunctionError(error).errorMessage,
            );
      return fail(failure.name, failure.message);
    }
    return succeed(output);
  };

  /** The engine reports a Task's timeout as a state failure; the history shows TaskTimedOut. */
  const timedOut = (stateName: string) => {
    const attempt = current.get(stateName);
    if (!attempt?.active) return;
    attempt.active = false;
    attempt.events.timedOut(`The task ${stateName} did not finish within its TimeoutSeconds.`);
  };

  /** Stops reporting the tasks of `states` (a failed Parallel or Map), or reports them again. */
  const silence = (states: string[], silent: boolean) => {
    for (const state of states) {
      if (silent) {
        silenced.add(state);
        const attempt = current.get(state);
        if (attempt) attempt.active = false;
      } else {
        silenced.delete(state);
      }
    }
  };

  return { handlerFor, timedOut, silence };
};
