/**
 * The shape of GetExecutionHistory's events, as AWS names it: each event's details are in the
 * field `<type>EventDetails`, but a state's entered and exited events share one field
 * (TaskStateEntered -> stateEnteredEventDetails); and which events a task's attempts write.
 * Pure and public: the local Step Functions writes its history with it, and the console, npm
 * start and the tests read any Step Functions' with it.
 */

/** The state types, as history event prefixes. */
const STATE_TYPES = ['Task', 'Choice', 'Pass', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

const detailsFields = new Map<string, string>();

/** The name of the details field of an event type: TaskStateEntered -> stateEnteredEventDetails. */
export const detailsField = (type: string): string => {
  let field = detailsFields.get(type);
  if (field === undefined) {
    const stateType = STATE_TYPES.find((prefix) => type.startsWith(prefix));
    const rest = stateType ? type.slice(stateType.length) : '';
    field =
      rest === 'StateEntered' || rest === 'StateExited'
        ? `s${rest.slice(1)}EventDetails`
        : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    detailsFields.set(type, field);
  }
  return field;
};

/** The events that start an attempt of a task (each retry is one more). */
export const TASK_ATTEMPTED = new Set([
  'TaskScheduled',
  'LambdaFunctionScheduled',
  'ActivityScheduled',
]);

/** The events that end an attempt well. */
export const TASK_SUCCEEDED = new Set([
  'TaskSucceeded',
  'LambdaFunctionSucceeded',
  'ActivitySucceeded',
]);

/** The events that end an attempt in a failure (its details hold the error and the cause). */
export const TASK_FAILED = new Set([
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityTimedOut',
]);
