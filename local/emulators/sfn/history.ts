/**
 * An execution's history in the shapes of GetExecutionHistory: ExecutionStarted,
 * TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded / TaskFailed / TaskTimedOut,
 * TaskStateExited, ChoiceStateEntered, FailStateEntered, ExecutionFailed, and so on, each with
 * its `<type>EventDetails` as AWS names them.
 *
 * The interpreter (engine/) writes the states' events; the Task events come from the task
 * runner (tasks.ts). Both land here in the order they happened.
 *
 * A Task's own events come in two shapes: Task* (TaskScheduled, ... with resourceType and
 * resource) for a service integration, LambdaFunction* for the classic form whose Resource is a
 * function ARN. `TaskEvents` writes either.
 */
import { detailsField } from '../../aws/history-events.ts';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

const json = (value: unknown) => JSON.stringify(value ?? null);

export interface TaskResource {
  /** `lambda`, `dynamodb`, `sns`, `aws-sdk:s3` ... */
  resourceType: string;
  /** `invoke` for arn:aws:states:::lambda:invoke, `putItem`, `publish` ... */
  resource: string;
}

/** The events of one Task call, in the shape its Resource gives them. */
export interface TaskEvents {
  scheduled(parameters: unknown, timeoutSeconds?: number): void;
  started(): void;
  succeeded(output: unknown): void;
  failed(error: string, cause: string): void;
  timedOut(cause: string): void;
}

/** An event as kept: its time in ms and its details; ids and the Date are made when read. */
interface StoredEvent {
  type: string;
  time: number;
  details: Record<string, unknown> | undefined;
}

/** A kept event in GetExecutionHistory's shape, `index` its place in the history. */
const shaped = ({ type, time, details }: StoredEvent, index: number): HistoryEvent => ({
  timestamp: new Date(time),
  type,
  id: index + 1,
  previousEventId: index,
  ...(details ? { [detailsField(type)]: details } : {}),
});

export class History {
  readonly #events: StoredEvent[] = [];
  /** The last JSON texts kept: a state's input is most often the previous state's output. */
  readonly #recentJson: string[] = [];
  readonly #onEvent: ((event: HistoryEvent) => void) | undefined;

  /** `onEvent` is told of each event as it is written, in GetExecutionHistory's shape. */
  constructor(onEvent?: (event: HistoryEvent) => void) {
    this.#onEvent = onEvent;
  }

  /** The events in GetExecutionHistory's shape, oldest first. */
  get events(): HistoryEvent[] {
    return this.#events.map(shaped);
  }

  /** Adds an event; gives its id. */
  add(type: string, details?: Record<string, unknown>): number {
    const event = { type, time: Date.now(), details };
    this.#events.push(event);
    this.#onEvent?.(shaped(event, this.#events.length - 1));
    return this.#events.length;
  }

  /** How many events the history holds. */
  get size(): number {
    return this.#events.length;
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

  /** Gives the event's id: the causes of the state's failures name it. */
  stateEntered(stateType: string, name: string, input: unknown): number {
    return this.add(`${stateType}StateEntered`, {
      name,
      input: this.#json(input),
      inputDetails: { truncated: false },
    });
  }

  /** `assigned`: the variables the state assigned (JSONata machines), each value as JSON text. */
  stateExited(
    stateType: string,
    name: string,
    output: unknown,
    assigned?: Record<string, unknown>,
  ) {
    const variables = Object.entries(assigned ?? {});
    this.add(`${stateType}StateExited`, {
      name,
      output: this.#json(output),
      outputDetails: { truncated: false },
      ...(variables.length === 0
        ? {}
        : {
            assignedVariables: Object.fromEntries(
              variables.map(([variable, value]) => [variable, json(value)]),
            ),
            assignedVariablesDetails: { truncated: false },
          }),
    });
  }

  /** A JSONata evaluation failed in `state` at the field `location` (JSONata states only). */
  evaluationFailed(state: string, error: string, cause: string, location: string) {
    this.add('EvaluationFailed', { state, error, cause, location });
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

  /** TaskScheduled ... TaskSucceeded for a service integration. */
  taskEvents(resource: TaskResource, region: string): TaskEvents {
    return {
      scheduled: (parameters, timeoutSeconds) =>
        this.taskScheduled(resource, region, parameters, timeoutSeconds),
      started: () => this.taskStarted(resource),
      succeeded: (output) => this.taskSucceeded(resource, output),
      failed: (error, cause) => this.taskFailed(resource, error, cause),
      timedOut: (cause) => this.taskTimedOut(resource, cause),
    };
  }

  /** LambdaFunctionScheduled ... for a Task whose Resource is a function ARN. */
  lambdaFunctionEvents(functionArn: string): TaskEvents {
    return {
      scheduled: (input, timeoutSeconds) =>
        this.add('LambdaFunctionScheduled', {
          resource: functionArn,
          input: this.#json(input),
          inputDetails: { truncated: false },
          ...(timeoutSeconds === undefined ? {} : { timeoutInSeconds: timeoutSeconds }),
        }),
      started: () => this.add('LambdaFunctionStarted'),
      succeeded: (output) =>
        this.add('LambdaFunctionSucceeded', {
          output: this.#json(output),
          outputDetails: { truncated: false },
        }),
      failed: (error, cause) => this.add('LambdaFunctionFailed', { error, cause }),
      timedOut: (cause) => this.add('LambdaFunctionTimedOut', { error: 'States.Timeout', cause }),
    };
  }

  /** ParallelStateStarted (no details) or MapStateStarted (the number of items). */
  stateStarted(stateType: 'Parallel' | 'Map', length?: number) {
    this.add(`${stateType}StateStarted`, stateType === 'Map' ? { length: length ?? 0 } : undefined);
  }

  /** ParallelStateSucceeded / MapStateFailed ...: how the branches or iterations ended. */
  stateEnded(stateType: 'Parallel' | 'Map', outcome: 'Succeeded' | 'Failed' | 'Aborted') {
    this.add(`${stateType}State${outcome}`);
  }

  mapIteration(
    outcome: 'Started' | 'Succeeded' | 'Failed' | 'Aborted',
    name: string,
    index: number,
  ) {
    this.add(`MapIteration${outcome}`, { name, index });
  }

  executionSucceeded(output: unknown) {
    this.add('ExecutionSucceeded', {
      output: this.#json(output),
      outputDetails: { truncated: false },
    });
  }

  /** An empty error or cause (a Fail state without one) is left out, as AWS leaves it. */
  executionFailed(error: string, cause: string) {
    this.add('ExecutionFailed', {
      ...(error === '' ? {} : { error }),
      ...(cause === '' ? {} : { cause }),
    });
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
    assignedVariables: _assignedVariables,
    assignedVariablesDetails: _assignedVariablesDetails,
    ...rest
  } = details as Record<string, unknown>;
  return { ...event, [field]: rest };
};
