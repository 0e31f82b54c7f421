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
import { type TaskRunner, yieldToEventLoop } from './engine/runtime.ts';
import type { Json } from './engine/types.ts';
import { TaskFailure, TerminalFailure } from './errors.ts';
import type { History } from './history.ts';
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

/**
 * One execution's task runner: runs a Task's call (the interpreter's `runTask`), writing its
 * events while the branch or iteration it runs in goes on; past its TimeoutSeconds it writes
 * TaskTimedOut and fails with States.Timeout (a late result is dropped).
 */
export const taskRunner = (options: {
  integrations: Integrations;
  executionArn: string;
  history: History;
  testCase?: TestCase;
}): TaskRunner => {
  const { integrations, executionArn, history, testCase } = options;
  const invocations = new Map<string, number>();

  return async ({ stateName, resource: arn, parameters, timeoutSeconds, signal }) => {
    // The other branches' quick states first: a call is scheduled after what is already due.
    await yieldToEventLoop();
    if (signal.aborted) throw signal.reason;
    const classicLambda = isFunctionArn(arn);
    const events = classicLambda
      ? history.lambdaFunctionEvents(arn)
      : history.taskEvents(resourceOf(arn), integrations.region);
    const invocation = invocations.get(stateName) ?? 0;
    invocations.set(stateName, invocation + 1);
    /** Whether this attempt still reports: not once it timed out or its branch stopped. */
    let reporting = true;
    const active = () => reporting && !signal.aborted;
    events.scheduled(parameters, timeoutSeconds);
    events.started();
    const fail = (error: string, cause: string, terminal = false): never => {
      if (active()) events.failed(error, cause);
      reporting = false;
      throw terminal ? new TerminalFailure(error, cause) : new TaskFailure(error, cause);
    };
    const succeed = (output: Json): Json => {
      if (overPayloadLimit(output)) {
        fail(
          'States.DataLimitExceeded',
          `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
          true,
        );
      }
      if (active()) events.succeeded(output);
      reporting = false;
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
    if (mocked) return succeed(mocked.Return as Json);

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
    const call =
      dynamodbAction && integrations.dynamodb
        ? callDynamoDB(integrations.dynamodb, dynamodbAction, parameters)
        : callLambda(integrations.invokeFunction, arn, parameters, {
            executionArn,
            state: stateName,
            invocation,
          });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (timeoutSeconds === undefined) return;
      timer = setTimeout(() => reject(new TimedOut()), timeoutSeconds * 1000);
    });
    let output: unknown;
    try {
      output = await Promise.race([call, timedOut]);
    } catch (error) {
      if (error instanceof TimedOut) {
        if (active())
          events.timedOut(`The task ${stateName} did not finish within its TimeoutSeconds.`);
        reporting = false;
        // The call goes on; what it gives later is nobody's.
        call.catch(() => undefined);
        throw new TaskFailure(
          'States.Timeout',
          `The task ${stateName} did not finish within its TimeoutSeconds.`,
        );
      }
      const failure =
        error instanceof TaskFailure
          ? error
          : new TaskFailure(
              dynamodbAction ? 'DynamoDB.SdkClientException' : 'Lambda.SdkClientException',
              toFunctionError(error).errorMessage,
            );
      return fail(failure.name, failure.message);
    } finally {
      clearTimeout(timer);
    }
    return succeed(output as Json);
  };
};

class TimedOut extends Error {}
