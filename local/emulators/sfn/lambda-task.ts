/**
 * A Task that invokes a function, in its two forms:
 *   arn:aws:states:::lambda:invoke                       the result in Lambda's envelope
 *                                                        ({ ExecutedVersion, Payload, SdkHttpMetadata, StatusCode })
 *   arn:aws:lambda:<region>:<account>:function:<name>   the classic form: the function's own result
 * The function's error becomes a TaskFailure named by its errorType, with the runtime's error
 * object as the cause, as Step Functions reports it.
 */
import type { FunctionError } from '../lambda-runtime.ts';
import { TaskFailure } from './errors.ts';
import { sdkMetadata } from './sdk-metadata.ts';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const FUNCTION_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[^:]+(?::[^:]+)?$/;

/** Whether a Task's Resource is a function's ARN (the classic form). */
export const isFunctionArn = (arn: string) => FUNCTION_ARN.test(arn);

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

/** What a Lambda Task gives its function: the Payload of lambda:invoke, else its parameters. */
export const lambdaPayloadOf = (arn: string, parameters: unknown) =>
  arn === LAMBDA_INVOKE ? (parameters as { Payload?: unknown })?.Payload : parameters;

/** Invokes a function: wrapped as lambda:invoke gives it, or its bare result (function ARN). */
export const callLambda = async (
  invokeFunction: FunctionInvoker,
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
    ? await invokeFunction(String(FunctionName), Payload, task)
    : await invokeFunction(arn, parameters, task);
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
