/**
 * A Step Functions service for one machine: state machines and their executions, run by
 * aws-local-stepfunctions, with AWS's rules for names, inputs and errors, the execution history
 * in AWS's shapes, and Step Functions Local's mocked test cases (`<arn>#<TestCase>`).
 *
 * Task states invoke the stack's functions through `arn:aws:states:::lambda:invoke`, with the
 * result wrapped as the optimised integration wraps it ({ Payload, StatusCode, ... }) and a failed
 * function reported as AWS reports it: Error = the function's errorType, Cause = its error JSON.
 */
import { randomUUID } from 'node:crypto';
import aslValidator from 'asl-validator';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type FunctionError, toFunctionError } from '../lambda-runtime.ts';
import {
  History,
  type HistoryEvent,
  type TaskResource,
  withoutData as withoutExecutionData,
} from './history.ts';
import { type MockConfig, type TestCase, testCaseOf } from './mock-config.ts';

/** An error of the Step Functions API: `type` is the error's shape name (ExecutionDoesNotExist). */
export class StepFunctionsError extends Error {
  override readonly name = 'StepFunctionsError';
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const MAX_PAYLOAD_BYTES = 262_144;

/** What invoking a function gave: its result, or its error as the runtime reports it. */
export type TaskInvocation =
  | { ok: true; payload: unknown; requestId: string }
  | { ok: false; error: FunctionError; requestId?: string };

/** Invokes a function by name or ARN; throws a TaskFailure when the Lambda service refuses. */
export type FunctionInvoker = (functionName: string, payload: unknown) => Promise<TaskInvocation>;

/** A task failure with the Error and Cause Step Functions reports. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** A failure no Retry or Catch may handle (States.Runtime, States.DataLimitExceeded). */
class TerminalFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: Date;
  engine: StateMachine;
  tasks: Record<string, { TimeoutSeconds?: number }>;
  retrying: string[];
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  testCase?: string;
  history: History;
  /** Settles when the execution has ended and its history is complete. */
  done: Promise<void>;
  stop?: (error?: string, cause?: string) => void;
}

/**
 * A fault the platform injects into one task call, to prove the saga survives it (reliability
 * tests; nothing like it runs on AWS):
 *   fail        the call fails before the function runs
 *   fail-after  the function runs, its writes land, then the call fails (a crash after the write)
 *   duplicate   the function runs twice with the same input, and the second result counts
 */
export type Fault =
  | { kind: 'fail' | 'fail-after'; error: string; cause: string }
  | { kind: 'duplicate' };

/** Chooses the fault, if any, for the `invocation`-th call (0-based) of `state` in an execution. */
export type FaultPlan = (call: {
  executionArn: string;
  state: string;
  invocation: number;
  payload: unknown;
}) => Fault | undefined;

export interface ServiceOptions {
  region: string;
  accountId: string;
  invokeFunction: FunctionInvoker;
  mockConfig?: MockConfig;
  /** Waits this long before every retry instead of the ASL's schedule (0 in tests). */
  retryDelayMs?: number;
  faults?: FaultPlan;
  /**
   * How many closed executions stay in memory (default DEFAULT_RETAINED_EXECUTIONS): beyond it
   * the oldest closed one leaves, and DescribeExecution answers ExecutionDoesNotExist for it, as
   * AWS does once an execution is past its retention.
   */
  retainedExecutions?: number;
  /** Given each closed execution as it leaves memory (npm start --data-dir keeps it on disk). */
  archive?: (execution: ArchivedExecution) => void;
}

/** A closed execution as it leaves memory: its description and its whole history. */
export interface ArchivedExecution {
  description: ReturnType<StepFunctionsService['describeExecution']>;
  events: HistoryEvent[];
}

export const DEFAULT_RETAINED_EXECUTIONS = 1000;

// Names of state machines and executions: 1-80 characters, none of AWS's forbidden ones.
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

const STATE_MACHINE_ARN =
  /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:#]+)(?:#([^:]+))?$/;
const EXECUTION_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * How deep an execution's input may nest. The engine clones and stringifies data recursively, and
 * input nesting a few thousand levels overflows the call stack (4,500 nested arrays fit in 9 KB,
 * well under the 256 KB limit): refused up front, far below that and far above any real input.
 */
export const MAX_INPUT_NESTING = 256;

/** Whether `value` nests objects and arrays deeper than `limit`, walked without recursion. */
const nestsDeeperThan = (value: unknown, limit: number): boolean => {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const member of Object.values(next.value)) pending.push({ value: member, depth });
  }
  return false;
};

export class StepFunctionsService {
  readonly #options: ServiceOptions;
  readonly #stateMachines = new Map<string, StateMachineRecord>();
  readonly #executions = new Map<string, ExecutionRecord>();
  /** The closed executions still in memory, in the order they closed. */
  readonly #closed = new Set<ExecutionRecord>();

  constructor(options: ServiceOptions) {
    this.#options = options;
  }

  // ---------------------------------------------------------------- state machines

  createStateMachine(request: {
    name?: string;
    definition?: string;
    roleArn?: string;
    type?: string;
  }): { stateMachineArn: string; creationDate: Date } {
    const { name, definition, roleArn } = request;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${name ?? ''}'`);
    }
    if (typeof definition !== 'string') {
      throw new StepFunctionsError(
        'ValidationException',
        "Value null at 'definition' failed to satisfy constraint: Member must not be null",
      );
    }
    if (typeof roleArn !== 'string' || !/^arn:aws:iam::\d{12}:role\/.+$/.test(roleArn)) {
      throw new StepFunctionsError(
        'InvalidArn',
        `Invalid Arn: 'Resource type not valid in this context: ${roleArn ?? ''}'`,
      );
    }
    if (request.type !== undefined && request.type !== 'STANDARD') {
      throw new StepFunctionsError(
        'ValidationException',
        'The offline platform runs STANDARD state machines only',
      );
    }
    const stateMachineArn = `arn:aws:states:${this.#options.region}:${this.#options.accountId}:stateMachine:${name}`;
    const existing = this.#stateMachines.get(stateMachineArn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) {
        return { stateMachineArn, creationDate: existing.creationDate };
      }
      throw new StepFunctionsError(
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${stateMachineArn}'`,
      );
    }
    const parsed = this.#parseDefinition(definition);
    const states = Object.entries(parsed.States);
    const creationDate = new Date();
    this.#stateMachines.set(stateMachineArn, {
      arn: stateMachineArn,
      name,
      definition,
      roleArn,
      type: 'STANDARD',
      creationDate,
      // Validated above with asl-validator; the engine need not do it again.
      engine: new StateMachine(parsed, { validationOptions: { noValidate: true } }),
      tasks: Object.fromEntries(
        states
          .filter(([, state]) => state.Type === 'Task')
          .map(([stateName, state]) => [stateName, state as { TimeoutSeconds?: number }]),
      ),
      retrying: states.filter(([, state]) => 'Retry' in state).map(([stateName]) => stateName),
    });
    return { stateMachineArn, creationDate };
  }

  #parseDefinition(definition: string): StateMachineDefinition {
    let parsed: StateMachineDefinition;
    try {
      parsed = JSON.parse(definition) as StateMachineDefinition;
    } catch (error) {
      throw new StepFunctionsError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${(error as Error).message}'`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new StepFunctionsError(
        'InvalidDefinition',
        "Invalid State Machine Definition: 'the definition must be a JSON object'",
      );
    }
    const validation = aslValidator(structuredClone(parsed));
    if (!validation.isValid) {
      throw new StepFunctionsError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${validation.errorsText('; ')}'`,
      );
    }
    for (const [name, state] of Object.entries(parsed.States ?? {})) {
      if (state.Type === 'Task' && state.Resource !== LAMBDA_INVOKE) {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `Invalid State Machine Definition: '${name}: the offline platform runs Task states with Resource ${LAMBDA_INVOKE} only, not ${state.Resource}'`,
        );
      }
      if (state.Type === 'Parallel' || state.Type === 'Map') {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `Invalid State Machine Definition: '${name}: ${state.Type} states are not supported by the offline platform'`,
        );
      }
    }
    return parsed;
  }

  /** `<arn>#<TestCase>` names a state machine for StartExecution only (Step Functions Local). */
  #stateMachine(arn: unknown, withTestCase = false): StateMachineRecord {
    if (
      typeof arn !== 'string' ||
      !STATE_MACHINE_ARN.test(arn) ||
      (!withTestCase && arn.includes('#'))
    ) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
    }
    const record = this.#stateMachines.get(arn.split('#')[0] ?? '');
    if (!record)
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${arn}'`,
      );
    return record;
  }

  describeStateMachine(stateMachineArn: unknown) {
    const record = this.#stateMachine(stateMachineArn);
    return {
      stateMachineArn: record.arn,
      name: record.name,
      status: 'ACTIVE',
      definition: record.definition,
      roleArn: record.roleArn,
      type: record.type,
      creationDate: record.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  listStateMachines(request: { maxResults?: unknown; nextToken?: unknown } = {}) {
    const stateMachines = [...this.#stateMachines.values()].map(
      ({ arn, name, type, creationDate }) => ({ stateMachineArn: arn, name, type, creationDate }),
    );
    const { page, nextToken } = paginate(stateMachines, request.maxResults, request.nextToken);
    return { stateMachines: page, ...(nextToken ? { nextToken } : {}) };
  }

  deleteStateMachine(stateMachineArn: unknown) {
    const record = this.#stateMachine(stateMachineArn);
    this.#stateMachines.delete(record.arn);
    return {};
  }

  // ---------------------------------------------------------------- executions

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }) {
    const machine = this.#stateMachine(request.stateMachineArn, true);
    const testCaseName = String(request.stateMachineArn).split('#')[1];
    let testCase: TestCase | undefined;
    if (testCaseName !== undefined) {
      // Only a test case the file names: `#constructor` must not find an Object member.
      const named = Object.hasOwn(
        this.#options.mockConfig?.StateMachines[machine.name]?.TestCases ?? {},
        testCaseName,
      );
      testCase =
        named && this.#options.mockConfig
          ? testCaseOf(this.#options.mockConfig, machine.name, testCaseName)
          : undefined;
      if (!testCase) {
        throw new StepFunctionsError(
          'ValidationException',
          `No test case ${testCaseName} for state machine ${machine.name} in the mock configuration`,
        );
      }
    }
    const name = request.name === undefined ? randomUUID() : request.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new StepFunctionsError('InvalidName', `Invalid Name: '${String(name)}'`);
    }
    const input = request.input === undefined ? '{}' : request.input;
    if (typeof input !== 'string') {
      throw new StepFunctionsError(
        'ValidationException',
        "Value at 'input' failed to satisfy constraint: Member must be a string",
      );
    }
    if (byteLength(input) > MAX_PAYLOAD_BYTES) {
      throw new StepFunctionsError(
        'ValidationException',
        "Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
      );
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch (error) {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }
    if (nestsDeeperThan(parsedInput, MAX_INPUT_NESTING)) {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: 'the input nests deeper than ${MAX_INPUT_NESTING} levels, the most the offline platform runs'`,
      );
    }
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing) {
      // AWS: the same name and input while it runs is the same execution; anything else is not.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new StepFunctionsError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input,
      history: new History(),
      done: Promise.resolve(),
      ...(testCase ? { testCase: testCase.name } : {}),
    };
    this.#executions.set(executionArn, record);
    this.#run(machine, record, parsedInput, testCase);
    return { executionArn, startDate: record.startDate };
  }

  #run(machine: StateMachineRecord, record: ExecutionRecord, input: unknown, testCase?: TestCase) {
    const { history } = record;
    const invocations = new Map<string, number>();
    const current = new Map<string, { active: boolean }>();
    const resource: TaskResource = { resourceType: 'lambda', resource: 'invoke' };

    const runTask = (stateName: string) => async (parameters: unknown) => {
      // Let the engine's "state entered" event reach the history before this task's events.
      await new Promise((resolve) => setImmediate(resolve));
      const invocation = invocations.get(stateName) ?? 0;
      invocations.set(stateName, invocation + 1);
      const attempt = { active: true };
      current.set(stateName, attempt);
      const { FunctionName, Payload } = (parameters ?? {}) as {
        FunctionName?: string;
        Payload?: unknown;
      };
      history.taskScheduled(
        resource,
        this.#options.region,
        parameters,
        machine.tasks[stateName]?.TimeoutSeconds,
      );
      history.taskStarted(resource);
      const fail = (error: string, cause: string, terminal = false): never => {
        if (attempt.active) history.taskFailed(resource, error, cause);
        throw terminal ? new TerminalFailure(error, cause) : new TaskFailure(error, cause);
      };
      const succeed = (output: unknown) => {
        if (byteLength(JSON.stringify(output)) > MAX_PAYLOAD_BYTES) {
          fail(
            'States.DataLimitExceeded',
            `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
            true,
          );
        }
        if (attempt.active) history.taskSucceeded(resource, output);
        return output;
      };

      const mocked = testCase?.responseFor(stateName, invocation);
      if (mocked === 'missing') {
        return fail(
          'States.Runtime',
          `No mocked response for invocation ${invocation} of state ${stateName} in test case ${testCase?.name}`,
          true,
        );
      }
      if (mocked && 'Throw' in mocked) return fail(mocked.Throw.Error, mocked.Throw.Cause ?? '');
      if (mocked) return succeed(mocked.Return);

      if (byteLength(JSON.stringify(Payload ?? null)) > MAX_PAYLOAD_BYTES) {
        return fail(
          'States.DataLimitExceeded',
          `The state/task '${stateName}' has a payload exceeding the maximum number of bytes service limit.`,
          true,
        );
      }
      const fault = this.#options.faults?.({
        executionArn: record.executionArn,
        state: stateName,
        invocation,
        payload: Payload,
      });
      if (fault?.kind === 'fail') return fail(fault.error, fault.cause);
      const invoke = () => this.#options.invokeFunction(String(FunctionName), Payload);
      let invocationResult: TaskInvocation;
      try {
        invocationResult = await invoke();
        if (fault?.kind === 'duplicate') invocationResult = await invoke();
      } catch (error) {
        const failure =
          error instanceof TaskFailure
            ? error
            : new TaskFailure('Lambda.SdkClientException', toFunctionError(error).errorMessage);
        return fail(failure.name, failure.message);
      }
      if (fault?.kind === 'fail-after') return fail(fault.error, fault.cause);
      if (!invocationResult.ok)
        return fail(invocationResult.error.errorType, JSON.stringify(invocationResult.error));
      return succeed({
        ExecutedVersion: '$LATEST',
        Payload: invocationResult.payload,
        SdkHttpMetadata: {
          AllHttpHeaders: {
            'X-Amz-Executed-Version': ['$LATEST'],
            'x-amzn-RequestId': [invocationResult.requestId],
            'Content-Type': ['application/json'],
          },
          HttpHeaders: {
            'X-Amz-Executed-Version': '$LATEST',
            'x-amzn-RequestId': invocationResult.requestId,
            'Content-Type': 'application/json',
          },
          HttpStatusCode: 200,
        },
        SdkResponseMetadata: { RequestId: invocationResult.requestId },
        StatusCode: 200,
      });
    };

    const retryDelayMs = this.#options.retryDelayMs;
    const execution = machine.engine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          Object.keys(machine.tasks).map((stateName) => [stateName, runTask(stateName)]),
        ) as never,
        ...(retryDelayMs === undefined
          ? {}
          : {
              retryIntervalOverrides: Object.fromEntries(
                machine.retrying.map((stateName) => [stateName, retryDelayMs]),
              ),
            }),
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: machine.roleArn },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });

    let stopRequest: { error?: string; cause?: string } = {};
    record.stop = (error, cause) => {
      stopRequest = {
        ...(error === undefined ? {} : { error }),
        ...(cause === undefined ? {} : { cause }),
      };
      execution.abort();
    };

    const end = (status: ExecutionStatus, fields: Partial<ExecutionRecord> = {}) => {
      Object.assign(record, { status, stopDate: new Date(), ...fields });
      delete record.stop;
      // Retired once its history is whole: the end event is written just after this.
      void record.done.then(() => this.#retire(record));
    };

    record.done = (async () => {
      for await (const event of execution.eventLogs) {
        switch (event.type) {
          case 'ExecutionStarted':
            history.executionStarted(event.input, machine.roleArn);
            break;
          case 'StateEntered':
            history.stateEntered(event.state.type, event.state.name, event.state.input);
            break;
          case 'StateExited':
            history.stateExited(event.state.type, event.state.name, event.state.output);
            break;
          case 'StateFailed': {
            const attempt = current.get(event.state.name);
            if (
              event.state.type === 'Task' &&
              event.Error === 'States.Timeout' &&
              attempt?.active
            ) {
              attempt.active = false;
              history.taskTimedOut(
                resource,
                `The task ${event.state.name} did not finish within its TimeoutSeconds.`,
              );
            }
            break;
          }
          case 'ExecutionSucceeded':
            end('SUCCEEDED', { output: JSON.stringify(event.output) });
            history.executionSucceeded(event.output);
            break;
          case 'ExecutionFailed': {
            const cause =
              typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
            end('FAILED', { error: event.Error, cause });
            history.executionFailed(event.Error, cause);
            break;
          }
          case 'ExecutionAborted':
            end('ABORTED', stopRequest);
            history.executionAborted(stopRequest.error, stopRequest.cause);
            break;
          case 'ExecutionTimeout':
            end('TIMED_OUT', { error: 'States.Timeout' });
            history.executionTimedOut();
            break;
          default:
            break;
        }
      }
      await execution.result.catch(() => undefined);
    })();
  }

  /** Keeps at most `retainedExecutions` closed executions in memory, the oldest leaving first. */
  #retire(record: ExecutionRecord) {
    if (this.#executions.get(record.executionArn) !== record) return;
    this.#closed.add(record);
    const retained = this.#options.retainedExecutions ?? DEFAULT_RETAINED_EXECUTIONS;
    for (const oldest of this.#closed) {
      if (this.#closed.size <= retained) break;
      this.#closed.delete(oldest);
      this.#options.archive?.({
        description: this.describeExecution(oldest.executionArn),
        events: oldest.history.events,
      });
      this.#executions.delete(oldest.executionArn);
    }
  }

  #execution(executionArn: unknown): ExecutionRecord {
    if (typeof executionArn !== 'string' || !EXECUTION_ARN.test(executionArn)) {
      throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${String(executionArn)}'`);
    }
    const record = this.#executions.get(executionArn);
    if (!record)
      throw new StepFunctionsError(
        'ExecutionDoesNotExist',
        `Execution Does Not Exist: '${executionArn}'`,
      );
    return record;
  }

  /** The execution's record: its status, history and `done` promise (for the platform's own use). */
  execution(executionArn: string): ExecutionRecord {
    return this.#execution(executionArn);
  }

  describeExecution(executionArn: unknown) {
    const record = this.#execution(executionArn);
    return {
      ...summaryOf(record),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output === undefined
        ? {}
        : { output: record.output, outputDetails: { included: true } }),
      ...(record.error === undefined ? {} : { error: record.error }),
      ...(record.cause === undefined ? {} : { cause: record.cause }),
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  listExecutions(request: {
    stateMachineArn?: unknown;
    statusFilter?: unknown;
    maxResults?: unknown;
    nextToken?: unknown;
  }) {
    const machine = this.#stateMachine(request.stateMachineArn);
    const statuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
    if (request.statusFilter !== undefined && !statuses.includes(String(request.statusFilter))) {
      throw new StepFunctionsError(
        'ValidationException',
        `Value '${String(request.statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${statuses.join(', ')}]`,
      );
    }
    const executions = [...this.#executions.values()]
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter(
        (record) => request.statusFilter === undefined || record.status === request.statusFilter,
      )
      .reverse()
      .map(summaryOf);
    const { page, nextToken } = paginate(executions, request.maxResults, request.nextToken);
    return { executions: page, ...(nextToken ? { nextToken } : {}) };
  }

  getExecutionHistory(request: {
    executionArn?: unknown;
    maxResults?: unknown;
    reverseOrder?: unknown;
    nextToken?: unknown;
    includeExecutionData?: unknown;
  }) {
    const record = this.#execution(request.executionArn);
    let events: HistoryEvent[] = [...record.history.events];
    if (request.reverseOrder === true) events.reverse();
    if (request.includeExecutionData === false) events = events.map(withoutExecutionData);
    const { page, nextToken } = paginate(events, request.maxResults, request.nextToken);
    return { events: page, ...(nextToken ? { nextToken } : {}) };
  }

  stopExecution(request: { executionArn?: unknown; error?: unknown; cause?: unknown }) {
    const record = this.#execution(request.executionArn);
    if (record.status === 'RUNNING') {
      record.stop?.(
        typeof request.error === 'string' ? request.error : undefined,
        typeof request.cause === 'string' ? request.cause : undefined,
      );
    }
    return { stopDate: record.stopDate ?? new Date() };
  }
}

/** An execution as ListExecutions lists it (and DescribeExecution begins). */
const summaryOf = (record: ExecutionRecord) => ({
  executionArn: record.executionArn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: record.startDate,
  ...(record.stopDate ? { stopDate: record.stopDate } : {}),
});

/** maxResults (1-1000) and an opaque nextToken, as the list APIs page. */
const paginate = <T>(items: T[], maxResults: unknown, nextToken: unknown) => {
  if (
    maxResults !== undefined &&
    (typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 0 ||
      maxResults > 1000)
  ) {
    throw new StepFunctionsError(
      'ValidationException',
      `Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  let start = 0;
  if (nextToken !== undefined) {
    const decoded = Buffer.from(String(nextToken), 'base64url').toString('utf8');
    // Only a token this service gave out: a position in digits (not '', which Number reads as 0).
    start = /^\d+$/.test(decoded) ? Number(decoded) : Number.NaN;
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new StepFunctionsError('InvalidToken', `Invalid Token: '${String(nextToken)}'`);
    }
  }
  const size = maxResults === undefined || maxResults === 0 ? 100 : (maxResults as number);
  const page = items.slice(start, start + size);
  const next =
    start + size < items.length
      ? Buffer.from(String(start + size)).toString('base64url')
      : undefined;
  return { page, nextToken: next };
};
