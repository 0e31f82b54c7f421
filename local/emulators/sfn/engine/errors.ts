/**
 * The errors a state can fail with, named as the States Language names them, and which of them
 * Retry and Catch may take (concepts-error-handling): States.Runtime is never retried or caught;
 * States.DataLimitExceeded is not taken by States.ALL; States.TaskFailed matches what a Task
 * matches any error but States.Timeout (as the page words it, whatever the state's type).
 */
import { TASK_WILDCARD_ERROR, WILDCARD_ERROR } from './defaults.ts';
import { causeIn } from './scope.ts';

export const STATES = {
  ALL: 'States.ALL',
  BranchFailed: 'States.BranchFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  IntrinsicFailure: 'States.IntrinsicFailure',
  NoChoiceMatched: 'States.NoChoiceMatched',
  ParameterPathFailure: 'States.ParameterPathFailure',
  Permissions: 'States.Permissions',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
} as const;

/** A failure as a state reports it: its Error (the name) and Cause. */
export class StatesError extends Error {
  /**
   * The field whose evaluation failed (`Output/result`): a JSONata evaluation error is written
   * to the history as an EvaluationFailed event naming it.
   */
  readonly location: string | undefined;

  constructor(name: string, cause: string, location?: string) {
    super(cause);
    this.name = name;
    this.location = location;
  }
}

/** The execution was stopped (StopExecution, its timeout, the platform closing): no state handles it. */
export class ExecutionAborted extends Error {
  override readonly name = 'ExecutionAborted';
}

/** Any thrown value as a StatesError: a task handler's TaskFailure keeps its name and cause. */
export const asStatesError = (error: unknown): StatesError => {
  if (error instanceof StatesError) return error;
  if (error instanceof Error) return new StatesError(error.name || 'Error', error.message);
  return new StatesError(STATES.Runtime, String(error));
};

/** Whether a Retrier's or Catcher's ErrorEquals takes `error`. */
export const errorMatches = (errorEquals: string[], error: StatesError) => {
  if (error.name === STATES.Runtime) return false;
  return errorEquals.some(
    (name) =>
      name === error.name ||
      (name === WILDCARD_ERROR && error.name !== STATES.DataLimitExceeded) ||
      (name === TASK_WILDCARD_ERROR &&
        error.name !== STATES.Timeout &&
        error.name !== STATES.DataLimitExceeded),
  );
};

/**
 * A field's value that the state cannot use (a Wait's Seconds, a Task's TimeoutSeconds, a Map's
 * Items): States.QueryEvaluationError at that field in a JSONata state, States.Runtime in a
 * JSONPath one (as AWS reports each).
 */
export const fieldError = (
  scope: { name: string; enteredEventId: number; language: string },
  why: string,
  location: string,
) =>
  scope.language === 'JSONata'
    ? new StatesError(STATES.QueryEvaluationError, causeIn(scope, why), location)
    : new StatesError(STATES.Runtime, causeIn(scope, why));
