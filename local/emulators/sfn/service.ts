/**
 * A Step Functions service for one machine: state machines and their executions, run by the
 * platform's own interpreter (engine/, both query languages), with AWS's rules for names,
 * inputs and errors, the execution history in AWS's shapes, and Step Functions Local's mocked
 * test cases (`<arn>#<TestCase>`).
 *
 * Its parts: definition/ checks what CreateStateMachine takes; execution.ts runs one execution
 * on the interpreter, whose JSONata evaluations run on worker threads (jsonata/evaluator.ts);
 * tasks.ts runs its Task states (a mocked response from mock-config.ts, the data
 * limits of limits.ts, the Lambda integration and its result envelope in lambda-task.ts, the
 * DynamoDB one in dynamodb-task.ts); state-events.ts and history.ts write the history;
 * records.ts and pagination.ts shape the API's answers. This module keeps the API's records
 * (state machines, executions and their retention) and the hooks the platform's checks attach to
 * from outside: `calls` (what it serves) and `wrapInvoker` (around every function invocation).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ApiCalls } from '../api-calls.ts';
import { parseDefinition } from './definition/index.ts';
import { dynamodbClient } from './dynamodb-task.ts';
import { StepFunctionsError } from './errors.ts';
import { runExecution } from './execution.ts';
import { History, type HistoryEvent, withoutData as withoutExecutionData } from './history.ts';
import { type EvaluatorBudget, JsonataEvaluator } from './jsonata/evaluator.ts';
import type { FunctionInvoker } from './lambda-task.ts';
import { parseExecutionInput } from './limits.ts';
import { type MockConfig, type TestCase, testCaseOf } from './mock-config.ts';
import { paginate } from './pagination.ts';
import { type ExecutionRecord, machineOf, type StateMachineRecord, summaryOf } from './records.ts';

export { StepFunctionsError, TaskFailure } from './errors.ts';
export type { FunctionInvoker, TaskCall, TaskInvocation } from './lambda-task.ts';
export { MAX_INPUT_NESTING } from './limits.ts';
export type { ExecutionRecord, ExecutionStatus } from './records.ts';

/** Something put around every function invocation of the tasks (local/checks/faults.ts). */
export type InvokerWrapper = (invoke: FunctionInvoker) => FunctionInvoker;

export interface ServiceOptions {
  region: string;
  accountId: string;
  invokeFunction: FunctionInvoker;
  mockConfig?: MockConfig;
  /** The DynamoDB endpoint the dynamodb:* integrations use; without one they run from mocks only. */
  dynamodbEndpoint?: string;
  /** Waits this long before every retry instead of the ASL's schedule (0 in tests). */
  retryDelayMs?: number;
  /** Replaces every state machine's TimeoutSeconds (tests: an execution timeout without waiting). */
  executionTimeoutMs?: number;
  /**
   * Told of every execution that has ended, once its history is complete: how the platform
   * emits AWS's execution status change events.
   */
  onExecutionEnd?: (record: ExecutionRecord) => void;
  /** Told of each event as it is written to an execution's history (npm start prints them). */
  onHistoryEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
  /**
   * How many closed executions stay in memory (default DEFAULT_RETAINED_EXECUTIONS): beyond it
   * the oldest closed one leaves, and DescribeExecution answers ExecutionDoesNotExist for it, as
   * AWS does once an execution is past its retention.
   */
  retainedExecutions?: number;
  /** Given each closed execution as it leaves memory (npm start --data-dir keeps it on disk). */
  archive?: (execution: ArchivedExecution) => void;
  /** The budget of each JSONata evaluation, and its workers (jsonata/evaluator.ts's defaults). */
  jsonataBudget?: Partial<EvaluatorBudget>;
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

export class StepFunctionsService {
  readonly #options: ServiceOptions;
  readonly #stateMachines = new Map<string, StateMachineRecord>();
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #dynamodb: DynamoDBClient | undefined;
  /** The machine each execution ran, kept after DeleteStateMachine for its executions' sake. */
  readonly #machineOf = new WeakMap<ExecutionRecord, StateMachineRecord>();
  /** The closed executions still in memory, in the order they closed. */
  readonly #closed = new Set<ExecutionRecord>();
  readonly #invokerWrappers: InvokerWrapper[] = [];
  /** Each execution's end, until it is retired: what close() waits for. */
  readonly #ending = new Set<Promise<void>>();
  #shutDown = false;
  /** The executions close() stopped: their end is the platform's, not theirs, and is not told. */
  readonly #stoppedByClose = new WeakSet<ExecutionRecord>();
  /** Where JSONata evaluations run: worker threads, each evaluation within its budget. */
  readonly #evaluator: JsonataEvaluator;
  /**
   * Tells of every call it serves: its API's (told by api.ts, which knows the caller) and each
   * function its tasks invoke, in the state machine's name (local/emulators/api-calls.ts).
   */
  readonly calls = new ApiCalls();

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#evaluator = new JsonataEvaluator(options.jsonataBudget);
    this.#dynamodb = options.dynamodbEndpoint
      ? dynamodbClient(options.dynamodbEndpoint, options.region)
      : undefined;
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
    if (existing?.status === 'DELETING') throw deleting(stateMachineArn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn) {
        return { stateMachineArn, creationDate: existing.creationDate };
      }
      throw new StepFunctionsError(
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${stateMachineArn}'`,
      );
    }
    const compiled = parseDefinition(definition);
    const creationDate = new Date();
    this.#stateMachines.set(stateMachineArn, {
      arn: stateMachineArn,
      name,
      definition,
      roleArn,
      type: 'STANDARD',
      creationDate,
      status: 'ACTIVE',
      compiled,
    });
    return { stateMachineArn, creationDate };
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
      ...machineOf(record),
      status: record.status,
      type: record.type,
      creationDate: record.creationDate,
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
    // AWS: a machine with running executions is DELETING until the last of them ends.
    record.status = 'DELETING';
    this.#deleteIfIdle(record);
    return {};
  }

  #deleteIfIdle(machine: StateMachineRecord) {
    if (machine.status !== 'DELETING') return;
    for (const execution of this.#executions.values()) {
      if (execution.stateMachineArn === machine.arn && execution.status === 'RUNNING') return;
    }
    this.#stateMachines.delete(machine.arn);
  }

  // ---------------------------------------------------------------- executions

  startExecution(request: { stateMachineArn?: unknown; name?: unknown; input?: unknown }) {
    if (this.#shutDown) {
      throw new StepFunctionsError('ServiceUnavailable', 'The local Step Functions is closed');
    }
    const machine = this.#stateMachine(request.stateMachineArn, true);
    if (machine.status === 'DELETING') throw deleting(machine.arn);
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
    const { input, parsed: parsedInput } = parseExecutionInput(request.input);
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
    const { onHistoryEvent } = this.#options;
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input,
      history: new History(onHistoryEvent && ((event) => onHistoryEvent(record, event))),
      done: Promise.resolve(),
      ...(testCase ? { testCase: testCase.name } : {}),
    };
    this.#executions.set(executionArn, record);
    this.#machineOf.set(record, machine);
    this.#run(machine, record, parsedInput, testCase);
    return { executionArn, startDate: record.startDate };
  }

  /**
   * Puts `wrapper` around every function invocation of the tasks of executions started from now
   * on, outside the invocation itself (the call told of). How the reliability tests inject
   * faults (local/checks/faults.ts) without the service taking a parameter for them.
   */
  wrapInvoker(wrapper: InvokerWrapper) {
    this.#invokerWrappers.push(wrapper);
  }

  /** The machine's invoker: tells of the call, then invokes; with the wrappers around it. */
  #invokerFor(machine: StateMachineRecord): FunctionInvoker {
    const invoke: FunctionInvoker = (functionName, payload, task) => {
      this.calls.tell(() => ({
        caller: machine.name,
        action: 'lambda:InvokeFunction',
        resource: functionName,
      }));
      return this.#options.invokeFunction(functionName, payload, task);
    };
    return this.#invokerWrappers.reduce((inner, wrap) => wrap(inner), invoke);
  }

  #run(machine: StateMachineRecord, record: ExecutionRecord, input: unknown, testCase?: TestCase) {
    runExecution({
      machine,
      record,
      input,
      testCase,
      integrations: {
        region: this.#options.region,
        invokeFunction: this.#invokerFor(machine),
        ...(this.#dynamodb ? { dynamodb: this.#dynamodb } : {}),
      },
      evaluator: this.#evaluator,
      retryDelayMs: this.#options.retryDelayMs,
      executionTimeoutMs: this.#options.executionTimeoutMs,
      onEnd: () => this.#deleteIfIdle(machine),
      // An execution close() stopped tells no one: the platform stopped, not the execution (as
      // when its process ends; the application settles what it left after the next start).
      onClosed: () => {
        if (!this.#stoppedByClose.has(record)) this.#options.onExecutionEnd?.(record);
      },
    });
    // Retired once its history is whole: the end event is written just before `done` settles.
    const ending = record.done
      .then(() => this.#retire(record))
      .finally(() => this.#ending.delete(ending));
    this.#ending.add(ending);
  }

  /**
   * Stops every running execution (ABORTED, as StopExecution would, but telling no one), waits
   * for their ends, and lets go of the DynamoDB client: nothing of the service runs afterwards,
   * and StartExecution is refused. The platform calls it before it ends the functions' thread
   * and the archive, which the executions still use until they end.
   */
  async close(): Promise<void> {
    this.#shutDown = true;
    for (const record of this.#executions.values()) {
      if (record.status === 'RUNNING') {
        this.#stoppedByClose.add(record);
        record.stop?.(undefined, 'The offline platform stopped');
      }
    }
    await Promise.allSettled(this.#ending);
    await this.#evaluator.close();
    this.#dynamodb?.destroy();
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

  /** The state machine an execution runs; updateDate is the machine's (it is never updated here). */
  describeStateMachineForExecution(executionArn: unknown) {
    const record = this.#execution(executionArn);
    const machine = this.#machineOf.get(record);
    if (!machine) {
      throw new StepFunctionsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${record.stateMachineArn}'`,
      );
    }
    return { ...machineOf(machine), updateDate: machine.creationDate };
  }

  /**
   * The mock configuration's test case an execution ran (`<machine ARN>#<test case>` at its
   * start), if any. Step Functions Local's API tells no one (its execution ARN names the machine
   * alone): the platform's console asks here.
   */
  testCaseOf(executionArn: string): string | undefined {
    return this.#executions.get(executionArn)?.testCase;
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

const deleting = (stateMachineArn: string) =>
  new StepFunctionsError(
    'StateMachineDeleting',
    `State Machine is being deleted: '${stateMachineArn}'`,
  );
