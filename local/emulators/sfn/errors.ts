/**
 * The errors of the local Step Functions: those of its API, and the task failures an execution
 * sees (with the Error and Cause Step Functions reports, so Retry and Catch match as on AWS).
 */

/** An error of the Step Functions API: `type` is the error's shape name (ExecutionDoesNotExist). */
export class StepFunctionsError extends Error {
  override readonly name = 'StepFunctionsError';
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

/** A task failure with the Error and Cause Step Functions reports. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** A failure no Retry or Catch may handle (States.Runtime, States.DataLimitExceeded). */
export class TerminalFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;
}
