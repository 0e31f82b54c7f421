/**
 * The offline Step Functions API as the AWS SDK and the AWS CLI see it: its answers, its error
 * names, and the execution history of a real run of the saga, in the shapes AWS gives them.
 * Malformed requests (raw fetch) must each get an AWS error and leave the API answering.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECTED_PATH } from '../support/saga-paths.ts';
import { clientsFor, startTestStack, waitForExecution } from '../support/stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
let sfn: SFNClient;
/** A machine whose executions pass at once, and one whose executions hold until stopped. */
let passing: string;
let holding: string;
/** The saga run to its end on a booked trip, and on a trip whose payment failed. */
let booked: SagaRun;
let paymentFailed: SagaRun;

/** Executions left running by a test, stopped before the stack closes. */
const running: string[] = [];

beforeAll(async () => {
  // No random compensation failures: every history below is the same on every run.
  stack = await startTestStack({ parameters: { CompensationFailureRate: '0' } });
  sfn = clientsFor(stack).sfn;
  [passing, holding, booked, paymentFailed] = await Promise.all([
    createMachine(PASSING),
    createMachine(HOLDING),
    runSaga('success'),
    runSaga('failPayment'),
  ]);
});

afterAll(async () => {
  for (const executionArn of running) {
    await sfn.send(new StopExecutionCommand({ executionArn }));
  }
  await stack.close();
});

const ROLE_ARN = 'arn:aws:iam::123456789012:role/TestMachineRole';

/** Waits an hour: its executions stay RUNNING until they are stopped. */
const HOLDING = JSON.stringify({
  StartAt: 'Hold',
  States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
});

const PASSING = JSON.stringify({
  StartAt: 'Done',
  States: { Done: { Type: 'Pass', End: true } },
});

const uniqueName = (prefix: string) => `${prefix}-${randomUUID()}`;

const createMachine = async (definition: string, name = uniqueName('machine')) => {
  const { stateMachineArn = '' } = await sfn.send(
    new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN }),
  );
  return stateMachineArn;
};

/** Starts an execution that holds until stopped. */
const startHolding = async (stateMachineArn: string, name = uniqueName('held'), input = '{}') => {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
  running.push(started.executionArn ?? '');
  return started;
};

const stop = async (executionArn: string, error?: string, cause?: string) => {
  await sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
  const index = running.indexOf(executionArn);
  if (index >= 0) running.splice(index, 1);
  return waitForExecution(sfn, executionArn);
};

const reference = JSON.parse(
  readFileSync(new URL('../../events/reserve-hotel.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** Runs the saga on a fresh trip to its end. */
const runSaga = async (runType: string) => {
  const tripId = uniqueName(runType);
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachineArn,
      name: tripId,
      input: JSON.stringify({ ...reference, trip_id: tripId, run_type: runType }),
    }),
  );
  return { executionArn, ...(await waitForExecution(sfn, executionArn)) };
};
type SagaRun = Awaited<ReturnType<typeof runSaga>>;

/** A raw request to the API, as no SDK would send it. */
const post = async (body: string, target?: string, method = 'POST') => {
  const response = await fetch(stack.endpoints.sfn, {
    method,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      ...(target ? { 'x-amz-target': target } : {}),
    },
    ...(method === 'GET' ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype'),
    body: (text === '' ? {} : JSON.parse(text)) as { __type?: string; message?: string },
  };
};

describe('CreateStateMachine', () => {
  it('creating the same machine twice is idempotent: same ARN, same creation date', async () => {
    // Prepare
    const name = uniqueName('twice');
    const request = { name, definition: PASSING, roleArn: ROLE_ARN };

    // Act
    const first = await sfn.send(new CreateStateMachineCommand(request));
    const second = await sfn.send(new CreateStateMachineCommand(request));

    // Assess
    expect(first.stateMachineArn).toBe(
      `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`,
    );
    expect(second.stateMachineArn).toBe(first.stateMachineArn);
    expect(second.creationDate).toEqual(first.creationDate);
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }),
    );
    expect(described.creationDate).toEqual(first.creationDate);
  });

  it('a different definition under an existing name is StateMachineAlreadyExists', async () => {
    // Act
    const again = sfn.send(
      new CreateStateMachineCommand({
        name: passing.split(':').at(-1),
        definition: HOLDING,
        roleArn: ROLE_ARN,
      }),
    );

    // Assess
    await expect(again).rejects.toMatchObject({
      name: 'StateMachineAlreadyExists',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it.each([
    ['a definition that is not JSON', '{"StartAt": '],
    [
      'a definition whose StartAt names no state',
      JSON.stringify({ StartAt: 'Nowhere', States: { Done: { Type: 'Pass', End: true } } }),
    ],
    [
      'a state of an unknown type',
      JSON.stringify({ StartAt: 'Odd', States: { Odd: { Type: 'Teleport', End: true } } }),
    ],
    [
      'a Task whose Resource is not an ARN',
      JSON.stringify({
        StartAt: 'Put',
        States: { Put: { Type: 'Task', Resource: 'BookingsTable', End: true } },
      }),
    ],
  ])('%s is refused with InvalidDefinition', async (_case, definition) => {
    // Act
    const created = sfn.send(
      new CreateStateMachineCommand({ name: uniqueName('bad'), definition, roleArn: ROLE_ARN }),
    );

    // Assess
    await expect(created).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });

  it.each([
    ['a space', 'has space'],
    ['a colon', 'has:colon'],
    ['a slash', 'has/slash'],
    ['81 characters', 'm'.repeat(81)],
  ])('a name with %s is refused with InvalidName', async (_case, name) => {
    // Act
    const created = sfn.send(
      new CreateStateMachineCommand({ name, definition: PASSING, roleArn: ROLE_ARN }),
    );

    // Assess
    await expect(created).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('a roleArn that is not an IAM role ARN is refused with InvalidArn', async () => {
    // Act
    const created = sfn.send(
      new CreateStateMachineCommand({
        name: uniqueName('role'),
        definition: PASSING,
        roleArn: 'not-a-role',
      }),
    );

    // Assess
    await expect(created).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('DescribeStateMachine and ListStateMachines', () => {
  it('DescribeStateMachine returns the machine as it was created', async () => {
    // Act
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: passing }));

    // Assess
    expect(described).toMatchObject({
      stateMachineArn: passing,
      name: passing.split(':').at(-1),
      status: 'ACTIVE',
      definition: PASSING,
      roleArn: ROLE_ARN,
      type: 'STANDARD',
    });
    expect(described.creationDate).toBeInstanceOf(Date);
  });

  it('ListStateMachines lists the saga and every machine created since, by name and ARN', async () => {
    // Act
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(stateMachines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stateMachineArn: stack.stateMachineArn,
          name: 'BookingSaga',
          type: 'STANDARD',
        }),
        expect.objectContaining({ stateMachineArn: passing, type: 'STANDARD' }),
        expect.objectContaining({ stateMachineArn: holding, type: 'STANDARD' }),
      ]),
    );
  });

  it('ListStateMachines pages with maxResults and nextToken', async () => {
    // Prepare
    const { stateMachines: all = [] } = await sfn.send(new ListStateMachinesCommand({}));

    // Act
    const first = await sfn.send(new ListStateMachinesCommand({ maxResults: 2 }));
    const rest = await sfn.send(new ListStateMachinesCommand({ nextToken: first.nextToken }));

    // Assess
    expect(all.length).toBeGreaterThan(2);
    expect(first.stateMachines).toHaveLength(2);
    expect(rest.nextToken).toBeUndefined();
    expect(
      [...(first.stateMachines ?? []), ...(rest.stateMachines ?? [])].map(
        (machine) => machine.stateMachineArn,
      ),
    ).toEqual(all.map((machine) => machine.stateMachineArn));
  });

  it('describing a machine that does not exist is StateMachineDoesNotExist', async () => {
    // Act
    const described = sfn.send(
      new DescribeStateMachineCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:NoSuchMachine',
      }),
    );

    // Assess
    await expect(described).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});

describe('StartExecution', () => {
  it('the same name and input while the execution runs returns that same execution', async () => {
    // Prepare
    const first = await startHolding(holding, uniqueName('repeat'), '{"n":1}');
    const name = first.executionArn?.split(':').at(-1);

    // Act
    const second = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: holding, name, input: '{"n":1}' }),
    );

    // Assess
    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
  });

  it('the same name with a different input while it runs is ExecutionAlreadyExists', async () => {
    // Prepare
    const name = uniqueName('other-input');
    await startHolding(holding, name, '{"n":1}');

    // Act
    const second = sfn.send(
      new StartExecutionCommand({ stateMachineArn: holding, name, input: '{"n":2}' }),
    );

    // Assess
    await expect(second).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('the same name and input after the execution ended is ExecutionAlreadyExists', async () => {
    // Prepare
    const name = uniqueName('ended');
    const { executionArn = '' } = await startHolding(holding, name, '{"n":1}');
    await stop(executionArn);

    // Act
    const again = sfn.send(
      new StartExecutionCommand({ stateMachineArn: holding, name, input: '{"n":1}' }),
    );

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('without a name, the execution is named with a fresh UUID', async () => {
    // Act
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: holding }),
    );
    running.push(executionArn);

    // Assess
    const { name } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(executionArn).toBe(`${holding.replace(':stateMachine:', ':execution:')}:${name}`);
  });

  it('a name of exactly 80 characters is accepted', async () => {
    // Act
    const { executionArn = '' } = await startHolding(holding, 'e'.repeat(80));

    // Assess
    expect(executionArn.endsWith(`:${'e'.repeat(80)}`)).toBe(true);
  });

  it.each([
    ['a space', 'has space'],
    ['a colon', 'has:colon'],
    ['a hash', 'has#hash'],
    ['a control character', 'has\u0001control'],
    ['81 characters', 'e'.repeat(81)],
  ])('a name with %s is refused with InvalidName', async (_case, name) => {
    // Act
    const started = sfn.send(new StartExecutionCommand({ stateMachineArn: holding, name }));

    // Assess
    await expect(started).rejects.toMatchObject({ name: 'InvalidName' });
  });

  it('an input that is not JSON is refused with InvalidExecutionInput', async () => {
    // Act
    const started = sfn.send(
      new StartExecutionCommand({ stateMachineArn: holding, input: '{not json' }),
    );

    // Assess
    await expect(started).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
  });

  it('an input over 256 KB is refused with ValidationException', async () => {
    // Act
    const started = sfn.send(
      new StartExecutionCommand({
        stateMachineArn: holding,
        input: JSON.stringify({ padding: 'x'.repeat(256 * 1024) }),
      }),
    );

    // Assess
    await expect(started).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('a machine that does not exist is StateMachineDoesNotExist', async () => {
    // Act
    const started = sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:NoSuchMachine',
      }),
    );

    // Assess
    await expect(started).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('a state machine ARN that is not one is InvalidArn', async () => {
    // Act
    const started = sfn.send(new StartExecutionCommand({ stateMachineArn: 'BookingSaga' }));

    // Assess
    await expect(started).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('DescribeExecution', () => {
  it('a running execution is RUNNING, with its input and neither stop date nor output', async () => {
    // Prepare
    const { executionArn = '', startDate } = await startHolding(
      holding,
      uniqueName('run'),
      '{"a":1}',
    );

    // Act
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({
      executionArn,
      stateMachineArn: holding,
      status: 'RUNNING',
      startDate,
      input: '{"a":1}',
      inputDetails: { included: true },
    });
    expect(described.stopDate).toBeUndefined();
    expect(described.output).toBeUndefined();
  });

  it('a booked trip SUCCEEDED, with its output and a stop date after its start', () => {
    // Assess
    const { description } = booked;
    expect(description.status).toBe('SUCCEEDED');
    expect(description.outputDetails).toEqual({ included: true });
    expect(JSON.parse(description.output ?? '')).toMatchObject({
      run_type: 'success',
      ConfirmFlightResult: { Payload: { status: 'ok' } },
    });
    expect(description.stopDate?.getTime()).toBeGreaterThanOrEqual(
      description.startDate?.getTime() ?? Number.NaN,
    );
    expect(description.error).toBeUndefined();
  });

  it('a trip whose payment failed FAILED, with the Fail state error and cause', () => {
    // Assess
    const { description } = paymentFailed;
    expect(description).toMatchObject({
      status: 'FAILED',
      error: 'BookingFailed',
      cause: 'The booking could not be completed; every step that ran has been undone.',
    });
    expect(description.output).toBeUndefined();
  });

  it('an execution that does not exist is ExecutionDoesNotExist', async () => {
    // Act
    const described = sfn.send(
      new DescribeExecutionCommand({
        executionArn: `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started`,
      }),
    );

    // Assess
    await expect(described).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('an execution ARN that is not one is InvalidArn', async () => {
    // Act
    const described = sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }));

    // Assess
    await expect(described).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('ListExecutions', () => {
  let machine: string;
  let names: string[];

  beforeAll(async () => {
    machine = await createMachine(HOLDING);
    names = [];
    for (const index of [1, 2, 3, 4]) {
      const name = uniqueName(`listed-${index}`);
      await startHolding(machine, name);
      names.push(name);
    }
    const second = `${machine.replace(':stateMachine:', ':execution:')}:${names[1]}`;
    await stop(second);
  });

  const list = async (statusFilter?: ExecutionStatus) =>
    (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter })))
      .executions ?? [];

  it('lists the machine’s executions newest first', async () => {
    // Act
    const executions = await list();

    // Assess
    expect(executions.map((execution) => execution.name)).toEqual([...names].reverse());
    expect(executions.map((execution) => execution.status)).toEqual([
      'RUNNING',
      'RUNNING',
      'ABORTED',
      'RUNNING',
    ]);
  });

  it('statusFilter keeps the executions in that status only', async () => {
    // Act
    const aborted = await list('ABORTED');
    const stillRunning = await list('RUNNING');
    const succeeded = await list('SUCCEEDED');

    // Assess
    expect(aborted.map((execution) => execution.name)).toEqual([names[1]]);
    expect(aborted[0]?.stopDate).toBeInstanceOf(Date);
    expect(stillRunning.map((execution) => execution.name)).toEqual([names[3], names[2], names[0]]);
    expect(succeeded).toEqual([]);
  });

  it('maxResults pages the list, and nextToken reads the next page until there is none', async () => {
    // Act
    const first = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 3 }),
    );
    const second = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machine,
        maxResults: 3,
        nextToken: first.nextToken,
      }),
    );

    // Assess
    expect(first.executions).toHaveLength(3);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(second.executions).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect(
      [...(first.executions ?? []), ...(second.executions ?? [])].map(
        (execution) => execution.name,
      ),
    ).toEqual([...names].reverse());
  });

  it('a nextToken the API never gave is InvalidToken', async () => {
    // Act
    const listed = sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machine, nextToken: 'bm90LWEtdG9rZW4' }),
    );

    // Assess
    await expect(listed).rejects.toMatchObject({ name: 'InvalidToken' });
  });
});

/** The details field AWS names for each event type (the SDK drops any other name). */
const DETAILS: Record<string, keyof HistoryEvent> = {
  ExecutionStarted: 'executionStartedEventDetails',
  TaskStateEntered: 'stateEnteredEventDetails',
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
  TaskStateExited: 'stateExitedEventDetails',
  ChoiceStateEntered: 'stateEnteredEventDetails',
  ChoiceStateExited: 'stateExitedEventDetails',
  FailStateEntered: 'stateEnteredEventDetails',
  ExecutionFailed: 'executionFailedEventDetails',
  SucceedStateEntered: 'stateEnteredEventDetails',
  SucceedStateExited: 'stateExitedEventDetails',
  ExecutionSucceeded: 'executionSucceededEventDetails',
  ExecutionAborted: 'executionAbortedEventDetails',
};

const ofType = (events: HistoryEvent[], type: string) =>
  events.filter((event) => event.type === type);

describe('GetExecutionHistory of a trip whose payment failed', () => {
  let run: SagaRun;

  beforeAll(() => {
    run = paymentFailed;
  });

  it('numbers the events from 1, in the order they happened', () => {
    // Assess
    expect(run.events.map((event) => event.id)).toEqual(
      run.events.map((_event, index) => index + 1),
    );
    const times = run.events.map((event) => event.timestamp?.getTime() ?? Number.NaN);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('runs ExecutionStarted, the task events, the choice, the Fail state and ExecutionFailed in order', () => {
    // Assess
    const task = [
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ];
    const failedTask = [
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
    ];
    expect(run.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      ...task, // ReserveHotel
      ...task, // ReserveFlight
      ...failedTask, // TakePayment, caught
      ...task, // RefundPayment
      ...task, // CancelFlight
      ...task, // CancelHotel
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(run.statesEntered).toEqual(EXPECTED_PATH.failPayment);
  });

  it('gives every event its details under the field AWS names for its type', () => {
    // Assess
    for (const event of run.events) {
      const field = DETAILS[event.type ?? ''];
      expect(field, `${event.type} has a known details field`).toBeDefined();
      expect(event[field as keyof HistoryEvent], `${event.type}.${String(field)}`).toBeDefined();
    }
  });

  it('ExecutionStarted carries the input and the role', () => {
    // Assess
    const [started] = ofType(run.events, 'ExecutionStarted');
    expect(started?.executionStartedEventDetails).toEqual({
      input: run.description.input,
      inputDetails: { truncated: false },
      roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
    });
  });

  it('TaskScheduled names the lambda:invoke resource, the region and the resolved parameters', () => {
    // Assess
    const [scheduled] = ofType(run.events, 'TaskScheduled');
    const details = scheduled?.taskScheduledEventDetails;
    expect(details).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      timeoutInSeconds: 15,
    });
    expect(JSON.parse(details?.parameters ?? '')).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:ReserveHotelFunction',
      Payload: JSON.parse(run.description.input ?? ''),
    });
    expect(ofType(run.events, 'TaskStarted')[0]?.taskStartedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
    });
  });

  it('TaskSucceeded holds the lambda:invoke result wrapper around the function payload', () => {
    // Assess
    const [succeeded] = ofType(run.events, 'TaskSucceeded');
    expect(succeeded?.taskSucceededEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      outputDetails: { truncated: false },
    });
    const output: unknown = JSON.parse(succeeded?.taskSucceededEventDetails?.output ?? '');
    expect(output).toEqual({
      ExecutedVersion: '$LATEST',
      Payload: { status: 'ok', booking_id: expect.stringMatching(/^[0-9a-f]{32}$/) },
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: expect.any(String) },
      StatusCode: 200,
    });
  });

  it('TaskFailed names the function’s error, with its errorType, errorMessage and trace as the cause', () => {
    // Assess
    const failed = ofType(run.events, 'TaskFailed');
    expect(failed).toHaveLength(1);
    const details = failed[0]?.taskFailedEventDetails;
    expect(details).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'PaymentFailed',
    });
    const cause = JSON.parse(details?.cause ?? '') as {
      errorType: string;
      errorMessage: string;
      trace: string[];
    };
    expect(Object.keys(cause).sort()).toEqual(['errorMessage', 'errorType', 'trace']);
    expect(cause).toMatchObject({
      errorType: 'PaymentFailed',
      errorMessage: 'Failed to take the payment (run_type failPayment)',
    });
    expect(cause.trace[0]).toBe('PaymentFailed: Failed to take the payment (run_type failPayment)');
  });

  it('the Choice and Fail states are entered by name, and the execution fails with the Fail state’s error', () => {
    // Assess
    expect(ofType(run.events, 'ChoiceStateEntered')[0]?.stateEnteredEventDetails?.name).toBe(
      'CheckLeftovers',
    );
    expect(ofType(run.events, 'ChoiceStateExited')[0]?.stateExitedEventDetails?.name).toBe(
      'CheckLeftovers',
    );
    expect(ofType(run.events, 'FailStateEntered')[0]?.stateEnteredEventDetails?.name).toBe(
      'BookingFailed',
    );
    expect(run.events.at(-1)?.executionFailedEventDetails).toEqual({
      error: 'BookingFailed',
      cause: 'The booking could not be completed; every step that ran has been undone.',
    });
  });

  it('reverseOrder gives the same events, last first', async () => {
    // Act
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: run.executionArn, reverseOrder: true }),
    );

    // Assess
    expect(events.map((event) => event.id)).toEqual(run.events.map((event) => event.id).reverse());
    expect(events[0]?.type).toBe('ExecutionFailed');
  });

  it('includeExecutionData=false drops every input, output and parameters, and keeps the rest', async () => {
    // Act
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: run.executionArn,
        includeExecutionData: false,
      }),
    );

    // Assess
    expect(events.map((event) => event.type)).toEqual(run.events.map((event) => event.type));
    const texts = JSON.stringify(events);
    expect(texts).not.toMatch(/"(input|output|parameters)"/);
    expect(ofType(events, 'TaskFailed')[0]?.taskFailedEventDetails?.error).toBe('PaymentFailed');
    expect(ofType(events, 'TaskStateEntered')[0]?.stateEnteredEventDetails?.name).toBe(
      'ReserveHotel',
    );
  });

  it('maxResults pages the history', async () => {
    // Act
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: run.executionArn, maxResults: 5 }),
    );

    // Assess
    expect(page.events?.map((event) => event.id)).toEqual([1, 2, 3, 4, 5]);
    expect(page.nextToken).toEqual(expect.any(String));
  });
});

describe('GetExecutionHistory of a booked trip', () => {
  it('ends with the Succeed state entered and exited, then ExecutionSucceeded with the output', () => {
    // Assess
    const run = booked;
    expect(run.events.slice(-3).map((event) => event.type)).toEqual([
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(run.events.at(-1)?.executionSucceededEventDetails).toEqual({
      output: run.description.output,
      outputDetails: { truncated: false },
    });
    expect(ofType(run.events, 'TaskFailed')).toEqual([]);
  });
});

describe('StopExecution', () => {
  it('aborts a running execution: ABORTED, with the error and cause in ExecutionAborted', async () => {
    // Prepare
    const { executionArn = '' } = await startHolding(holding);

    // Act
    const stopped = await stop(executionArn, 'Cancelled', 'The traveller changed their mind');

    // Assess
    expect(stopped.description).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
      cause: 'The traveller changed their mind',
    });
    expect(stopped.description.stopDate).toBeInstanceOf(Date);
    expect(stopped.events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'ExecutionAborted',
    ]);
    expect(stopped.events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: 'Cancelled',
      cause: 'The traveller changed their mind',
    });
  });

  it('stopping an execution that does not exist is ExecutionDoesNotExist', async () => {
    // Act
    const stopped = sfn.send(
      new StopExecutionCommand({
        executionArn: `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:never-started`,
      }),
    );

    // Assess
    await expect(stopped).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});

describe('malformed requests', () => {
  it('a body that is not JSON is SerializationException', async () => {
    // Act
    const answer = await post('{"stateMachineArn": ', 'AWSStepFunctions.DescribeStateMachine');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('SerializationException');
    expect(answer.body.__type).toMatch(/#SerializationException$/);
  });

  it('a JSON body that is not an object is SerializationException', async () => {
    // Act
    const answer = await post('["stateMachineArn"]', 'AWSStepFunctions.ListStateMachines');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('SerializationException');
  });

  it.each([
    ['an operation the API does not have', 'AWSStepFunctions.LaunchRocket'],
    ['another service’s target', 'DynamoDB_20120810.ListTables'],
    ['no X-Amz-Target at all', undefined],
  ])('%s is UnknownOperationException', async (_case, target) => {
    // Act
    const answer = await post('{}', target);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('UnknownOperationException');
    expect(answer.body.__type).toMatch(/#UnknownOperationException$/);
  });

  it('a request without its required members is ValidationException naming each', async () => {
    // Act
    const answer = await post('{}', 'AWSStepFunctions.CreateStateMachine');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('ValidationException');
    expect(answer.body.message).toMatch(/^3 validation errors detected/);
    for (const member of ['name', 'definition', 'roleArn']) {
      expect(answer.body.message).toContain(`'${member}'`);
    }
  });

  it('a 3 MB body is refused without reading it into an operation', async () => {
    // Act
    const answer = await post(
      JSON.stringify({ stateMachineArn: 'x'.repeat(3 * 1024 * 1024) }),
      'AWSStepFunctions.DescribeStateMachine',
    );

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.errorType).toBe('ValidationException');
  });

  it('a GET is refused as an unknown operation', async () => {
    // Act
    const answer = await post('', 'AWSStepFunctions.ListStateMachines', 'GET');

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('UnknownOperationException');
  });

  it('after every malformed request, the API still answers a valid one', async () => {
    // Prepare
    await Promise.all([
      post('{', 'AWSStepFunctions.StartExecution'),
      post('{}', 'AWSStepFunctions.Nope'),
      post('{}', 'AWSStepFunctions.StartExecution'),
      post('x'.repeat(3 * 1024 * 1024), 'AWSStepFunctions.StartExecution'),
      post('', undefined, 'GET'),
    ]);

    // Act
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(stateMachines.map((machine) => machine.stateMachineArn)).toContain(
      stack.stateMachineArn,
    );
  });
});
