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

export interface TaskResource {
  /** `lambda` */
  resourceType: string;
  /** `invoke` for arn:aws:states:::lambda:invoke */
  resource: string;
}

/** An event as kept: its time in ms and its details; ids and the Date are made when read. */
interface StoredEvent {
  type: string;
  time: number;
  details: Record<string, unknown> | undefined;
}

export class History {
  readonly #events: StoredEvent[] = [];
  /** The last JSON texts kept: a state's input is most often the previous state's output. */
  readonly #recentJson: string[] = [];

  /** The events in GetExecutionHistory's shape, oldest first. */
  get events(): HistoryEvent[] {
    return this.#events.map(({ type, time, details }, index) => ({
      timestamp: new Date(time),
      type,
      id: index + 1,
      previousEventId: index,
      ...(details ? { [detailsField(type)]: details } : {}),
    }));
  }

  add(type: string, details?: Record<string, unknown>) {
    this.#events.push({ type, time: Date.now(), details });
  }

  /**
   * JSON text for an input or output, sharing the text already kept when it is the same: a
   * long-running `npm start` holds every execution's history, and most of it repeats.
   */
  #json(value: unknown): string {
    const text = json(value);
    const same = this.#recentJson.find((recent) => recent === text);
    if (same !== undefined) return same;
    this.#recentJson.unshift(text);
    this.#recentJson.length = Math.min(this.#recentJson.length, 3);
    return text;
  }

  executionStarted(input: unknown, roleArn: string) {
    this.add('ExecutionStarted', {
      input: this.#json(input),
      inputDetails: { truncated: false },
      roleArn,
    });
  }

  stateEntered(stateType: string, name: string, input: unknown) {
    this.add(`${stateType}StateEntered`, {
      name,
      input: this.#json(input),
      inputDetails: { truncated: false },
    });
  }

  stateExited(stateType: string, name: string, output: unknown) {
    this.add(`${stateType}StateExited`, {
      name,
      output: this.#json(output),
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
      parameters: this.#json(parameters),
      ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
    });
  }

  taskStarted(resource: TaskResource) {
    this.add('TaskStarted', { ...resource });
  }

  taskSucceeded(resource: TaskResource, output: unknown) {
    this.add('TaskSucceeded', {
      ...resource,
      output: this.#json(output),
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
    this.add('ExecutionSucceeded', {
      output: this.#json(output),
      outputDetails: { truncated: false },
    });
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
