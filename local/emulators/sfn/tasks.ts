/**
 * Task states' integrations, as Step Functions runs them:
 *   arn:aws:states:::lambda:invoke          the stack's function, result wrapped ({ Payload, StatusCode, ... })
 *   arn:aws:lambda:<region>:<account>:function:<name>   the classic form: the function's own result
 *   arn:aws:states:::dynamodb:putItem|getItem|updateItem|deleteItem   the local DynamoDB, for real
 *   anything else (sns:publish, events:putEvents, aws-sdk:*, ...)     a MockConfigFile response only
 * A test case's mocked response replaces any of them. Failures carry AWS's error names
 * (Lambda.*, DynamoDB.ConditionalCheckFailedException, ...) so Retry and Catch match as on AWS.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type FunctionError, toFunctionError } from '../lambda-runtime.ts';
import { TaskFailure, TerminalFailure } from './errors.ts';
import type { History, TaskEvents } from './history.ts';
import type { MockedResponse, TestCase } from './mock-config.ts';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const MAX_PAYLOAD_BYTES = 262_144;
const FUNCTION_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(?::[^:]+)?$/;

export const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** What invoking a function gave: its result, or its error as the runtime reports it. */
export type TaskInvocation =
  | { ok: true; payload: unknown; requestId: string }
  | { ok: false; error: FunctionError; requestId?: string };

/** Which task call an invocation is: the `invocation`-th call (0-based) of `state` in an execution. */
export interface TaskCall {
  executionArn: string;
  state: string;
  invocation: number;
}

/**
 * Invokes a function by name or ARN for a task; throws a TaskFailure when the Lambda service
 * refuses. The service lets a wrapper be put around it (StepFunctionsService.wrapInvoker).
 */
export type FunctionInvoker = (
  functionName: string,
  payload: unknown,
  task: TaskCall,
) => Promise<TaskInvocation>;

/** What the task runner needs from the service. */
export interface Integrations {
  region: string;
  invokeFunction: FunctionInvoker;
  /** The local DynamoDB the dynamodb:* integrations write to; without it they need a mock. */
  dynamodb?: DynamoDBClient;
}

const DYNAMODB_COMMANDS = {
  putItem: PutItemCommand,
  getItem: GetItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
} as const;

/** Makes the DynamoDB client for the dynamodb:* integrations. */
export const dynamodbClient = (endpoint: string, region: string) =>
  new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** The resourceType and resource of TaskScheduled: `arn:aws:states:::dynamodb:putItem` -> dynamodb, putItem. */
const resourceOf = (arn: string) => {
  const path = arn.replace(/^arn:aws:states:[^:]*:[^:]*:/, '');
  const at = path.lastIndexOf(':');
  return { resourceType: path.slice(0, at), resource: path.slice(at + 1) };
};

const sdkMetadata = (requestId: string, headers: Record<string, string> = {}) => ({
  SdkHttpMetadata: {
    AllHttpHeaders: Object.fromEntries(
      Object.entries({ ...headers, 'x-amzn-RequestId': requestId }).map(([k, v]) => [k, [v]]),
    ),
    HttpHeaders: { ...headers, 'x-amzn-RequestId': requestId },
    HttpStatusCode: 200,
  },
  SdkResponseMetadata: { RequestId: requestId },
});

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
    const classicLambda = FUNCTION_ARN.test(arn);
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
      if (byteLength(JSON.stringify(output ?? null)) > MAX_PAYLOAD_BYTES) {
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

    const payload =
      arn === LAMBDA_INVOKE ? (parameters as { Payload?: unknown })?.Payload : parameters;
    if (byteLength(JSON.stringify(payload ?? null)) > MAX_PAYLOAD_BYTES) {
      return fail(
        'States.DataLimitExceeded',
        `The state/task '${stateName}' has a payload exceeding the maximum number of bytes service limit.`,
        true,
      );
    }
    const dynamodbAction =
      /^arn:aws:states:::dynamodb:(putItem|getItem|updateItem|deleteItem)$/.exec(arn)?.[1] as
        | keyof typeof DYNAMODB_COMMANDS
        | undefined;
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
      output = dynamodbAction
        ? await callDynamoDB(integrations, dynamodbAction, parameters)
        : await callLambda(integrations, arn, parameters, {
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

/** Invokes a function: wrapped as lambda:invoke gives it, or its bare result (function ARN). */
const callLambda = async (
  integrations: Integrations,
  arn: string,
  parameters: unknown,
  task: TaskCall,
) => {
  const wrapped = arn === LAMBDA_INVOKE;
  const { FunctionName, Payload } = (parameters ?? {}) as {
    FunctionName?: string;
    Payload?: unknown;
  };
  const invoked = wrapped
    ? await integrations.invokeFunction(String(FunctionName), Payload, task)
    : await integrations.invokeFunction(arn, parameters, task);
  if (!invoked.ok) throw new TaskFailure(invoked.error.errorType, JSON.stringify(invoked.error));
  if (!wrapped) return invoked.payload;
  const headers = { 'X-Amz-Executed-Version': '$LATEST', 'Content-Type': 'application/json' };
  return {
    ExecutedVersion: '$LATEST',
    Payload: invoked.payload,
    ...sdkMetadata(invoked.requestId, headers),
    StatusCode: 200,
  };
};

/** A DynamoDB call with the request as the ASL wrote it; errors named DynamoDB.<Exception>. */
const callDynamoDB = async (
  integrations: Integrations,
  action: keyof typeof DYNAMODB_COMMANDS,
  parameters: unknown,
) => {
  const Command = DYNAMODB_COMMANDS[action] as typeof GetItemCommand;
  try {
    const { $metadata, ...response } = await (integrations.dynamodb as DynamoDBClient).send(
      new Command(parameters as never),
    );
    return { ...response, ...sdkMetadata($metadata.requestId ?? '') };
  } catch (error) {
    const { name, message, $metadata } = error as Error & {
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    if (!$metadata?.httpStatusCode) throw error;
    // AWS reports a request DynamoDB refuses as invalid under its SDK's generic exception.
    const errorName = name === 'ValidationException' ? 'AmazonDynamoDBException' : name;
    throw new TaskFailure(
      `DynamoDB.${errorName}`,
      `${message} (Service: AmazonDynamoDBv2; Status Code: ${$metadata.httpStatusCode}; Error Code: ${name}; Request ID: ${$metadata.requestId ?? ''}; Proxy: null)`,
    );
  }
};
