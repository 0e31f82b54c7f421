/**
 * An execution's history in the shapes of GetExecutionHistory: ExecutionStarted,
 * TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded / TaskFailed / TaskTimedOut,
 * TaskStateExited, ChoiceStateEntered, FailStateEntered, ExecutionFailed, and so on, each with
 * its `<type>EventDetails` as AWS names them.
 *
 * The engine (aws-local-stepfunctions) reports state entered/exited/failed; the Task events
 * come from the task runner. Both land here in the order they happened.
 */

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

/** The engine's state types, as history event prefixes. */
const STATE_TYPES = ['Task', 'Choice', 'Pass', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

const json = (value: unknown) => JSON.stringify(value ?? null);

/** The name of the details field of an event type: TaskStateEntered -> stateEnteredEventDetails. */
export const detailsField = (type: string): string => {
  for (const stateType of STATE_TYPES) {
    if (type === `${stateType}StateEntered`) return 'stateEnteredEventDetails';
    if (type === `${stateType}StateExited`) return 'stateExitedEventDetails';
  }
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
};

export interface TaskResource {
  /** `lambda` */
  resourceType: string;
  /** `invoke` for arn:aws:states:::lambda:invoke */
  resource: string;
}

export class History {
  readonly events: HistoryEvent[] = [];

  add(type: string, details?: Record<string, unknown>): HistoryEvent {
    const id = this.events.length + 1;
    const event: HistoryEvent = {
      timestamp: new Date(),
      type,
      id,
      previousEventId: id - 1,
      ...(details ? { [detailsField(type)]: details } : {}),
    };
    this.events.push(event);
    return event;
  }

  executionStarted(input: unknown, roleArn: string) {
    this.add('ExecutionStarted', {
      input: json(input),
      inputDetails: { truncated: false },
      roleArn,
    });
  }

  stateEntered(stateType: string, name: string, input: unknown) {
    this.add(`${stateType}StateEntered`, {
      name,
      input: json(input),
      inputDetails: { truncated: false },
    });
  }

  stateExited(stateType: string, name: string, output: unknown) {
    this.add(`${stateType}StateExited`, {
      name,
      output: json(output),
      outputDetails: { truncated: false },
    });
  }

  taskScheduled(
    resource: TaskResource,
    region: string,
    parameters: unknown,
    timeoutSeconds?: number,
  ) {
    this.add('TaskScheduled', {
      ...resource,
      region,
      parameters: json(parameters),
      ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
    });
  }

  taskStarted(resource: TaskResource) {
    this.add('TaskStarted', { ...resource });
  }

  taskSucceeded(resource: TaskResource, output: unknown) {
    this.add('TaskSucceeded', {
      ...resource,
      output: json(output),
      outputDetails: { truncated: false },
    });
  }

  taskFailed(resource: TaskResource, error: string, cause: string) {
    this.add('TaskFailed', { ...resource, error, cause });
  }

  taskTimedOut(resource: TaskResource, cause: string) {
    this.add('TaskTimedOut', { ...resource, error: 'States.Timeout', cause });
  }

  executionSucceeded(output: unknown) {
    this.add('ExecutionSucceeded', { output: json(output), outputDetails: { truncated: false } });
  }

  executionFailed(error: string, cause: string) {
    this.add('ExecutionFailed', { error, cause });
  }

  executionAborted(error?: string, cause?: string) {
    this.add('ExecutionAborted', {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  executionTimedOut() {
    this.add('ExecutionTimedOut', {
      error: 'States.Timeout',
      cause: "The execution ran longer than the state machine's TimeoutSeconds.",
    });
  }
}

/** An event without its input and output, for GetExecutionHistory's includeExecutionData=false. */
export const withoutData = (event: HistoryEvent): HistoryEvent => {
  const field = detailsField(event.type);
  const details = event[field];
  if (typeof details !== 'object' || details === null) return event;
  const {
    input: _input,
    inputDetails: _inputDetails,
    output: _output,
    outputDetails: _outputDetails,
    parameters: _parameters,
    ...rest
  } = details as Record<string, unknown>;
  return { ...event, [field]: rest };
};
