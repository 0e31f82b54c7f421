/**
 * The AWS CLI (v1, the image's Python) as a real client of the offline platform: the commands a
 * newcomer copies from the `npm start` banner, pointed at the test stack with --endpoint-url.
 * Step Functions, DynamoDB, Lambda and EventBridge's TestEventPattern each answer the CLI as AWS
 * would, errors included. The CLI
 * is required: when `aws` is missing, every test here fails and says so.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { CASES, requestOf } from '../conformance/event-patterns/cases.ts';
import { EXPECTED_PATH } from '../support/saga-paths.ts';
import { clientsFor, startTestStack, tripItems, waitForExecution } from '../support/stack.ts';

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Only what this suite chooses: no profile, credentials or endpoint of the machine leaks in.
const CLI_ENVIRONMENT = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: join(tmpdir(), 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'no-aws-credentials'),
};

/** Runs `aws <args> --output json` from the project root (so `file://events/...` resolves). */
const aws = (...args: string[]): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--output', 'json'], {
      cwd: PROJECT_ROOT,
      env: CLI_ENVIRONMENT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'The AWS CLI (`aws`) is not on PATH. These tests need it (pip install awscli); they are never skipped.',
            )
          : error,
      ),
    );
    child.on('close', (exitCode) => resolve({ exitCode: exitCode ?? -1, stdout, stderr }));
  });

/** Runs a command that must succeed and returns its JSON output. */
const awsJson = async (...args: string[]): Promise<unknown> => {
  const result = await aws(...args);
  if (result.exitCode !== 0) {
    throw new Error(`aws ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
};

const HistorySchema = z.object({
  events: z.array(
    z.object({
      type: z.string(),
      id: z.number(),
      stateEnteredEventDetails: z.object({ name: z.string() }).optional(),
    }),
  ),
});

const ItemsSchema = z.object({
  Items: z.array(z.record(z.string(), z.object({ S: z.string() }))),
  Count: z.number(),
});

/** DynamoDB JSON items as plain values, sorted by sort key. */
const plainItems = (output: unknown) =>
  ItemsSchema.parse(output)
    .Items.map((item) =>
      Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S])),
    )
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)));

const fixture = z
  .record(z.string(), z.string())
  .parse(JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', 'reserve-hotel.json'), 'utf8')));

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
let clients: ReturnType<typeof clientsFor>;
let outputDir: string;

interface StartedTrip {
  tripId: string;
  runType: string;
  /** What `stepfunctions start-execution` printed. */
  started?: unknown;
}

/** Two trips started through the CLI: one that books, one whose payment fails. */
const trips: Record<'booked' | 'failed', StartedTrip> = {
  booked: { tripId: `cli-booked-${randomUUID()}`, runType: 'success' },
  failed: { tripId: `cli-failed-${randomUUID()}`, runType: 'failPayment' },
};

/** Reads something of both trips at once. */
const forBothTrips = <T>(read: (trip: StartedTrip) => Promise<T>) =>
  Promise.all([read(trips.booked), read(trips.failed)] as const);

const executionArnOf = (tripId: string) =>
  `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${tripId}`;

beforeAll(async () => {
  // No random compensation failures: the failed trip's undo path is then exact.
  [stack, outputDir] = await Promise.all([
    startTestStack({ parameters: { CompensationFailureRate: '0' } }),
    mkdtemp(join(tmpdir(), 'aws-cli-test-')),
  ]);
  clients = clientsFor(stack);
  await forBothTrips(async (trip) => {
    trip.started = await awsJson(
      'stepfunctions',
      'start-execution',
      '--endpoint-url',
      stack.endpoints.sfn,
      '--state-machine-arn',
      stack.stateMachineArn,
      '--name',
      trip.tripId,
      '--input',
      JSON.stringify({ ...fixture, trip_id: trip.tripId, run_type: trip.runType }),
    );
    await waitForExecution(clients.sfn, executionArnOf(trip.tripId));
  });
});

afterAll(async () => {
  await Promise.all([stack?.close(), outputDir && rm(outputDir, { recursive: true, force: true })]);
});

describe('the AWS CLI', () => {
  it('is on PATH and is version 1, whose --payload file:// sends the file as raw JSON', async () => {
    const { exitCode, stdout, stderr } = await aws('--version');

    expect(exitCode).toBe(0);
    // v1 prints its version on stderr (older Pythons) or stdout.
    expect(`${stdout}${stderr}`).toMatch(/^aws-cli\/1\./);
  });
});

describe.concurrent('Step Functions through the AWS CLI', () => {
  it('start-execution answers with the execution ARN named after the trip and a start date', () => {
    for (const trip of [trips.booked, trips.failed]) {
      expect(trip.started).toEqual({
        executionArn: executionArnOf(trip.tripId),
        startDate: expect.any(Number),
      });
    }
  });

  it('describe-execution reports the booked trip SUCCEEDED and the failed one FAILED with BookingFailed', async () => {
    // Act
    const [booked, failed] = await forBothTrips((trip) =>
      awsJson(
        'stepfunctions',
        'describe-execution',
        '--endpoint-url',
        stack.endpoints.sfn,
        '--execution-arn',
        executionArnOf(trip.tripId),
      ),
    );

    // Assess
    expect(booked).toMatchObject({
      executionArn: executionArnOf(trips.booked.tripId),
      stateMachineArn: stack.stateMachineArn,
      name: trips.booked.tripId,
      status: 'SUCCEEDED',
      startDate: expect.any(Number),
      stopDate: expect.any(Number),
    });
    expect(JSON.parse(z.object({ input: z.string() }).parse(booked).input)).toMatchObject({
      trip_id: trips.booked.tripId,
      run_type: 'success',
    });
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'BookingFailed',
      cause: expect.any(String),
    });
  });

  it('get-execution-history shows every state each execution entered, in order', async () => {
    // Act
    const [booked, failed] = await forBothTrips(async (trip) =>
      HistorySchema.parse(
        await awsJson(
          'stepfunctions',
          'get-execution-history',
          '--endpoint-url',
          stack.endpoints.sfn,
          '--execution-arn',
          executionArnOf(trip.tripId),
        ),
      ),
    );

    // Assess
    const statesEntered = (history: z.infer<typeof HistorySchema>) =>
      history.events.flatMap((event) => event.stateEnteredEventDetails?.name ?? []);
    expect(statesEntered(booked)).toEqual(EXPECTED_PATH.success);
    expect(booked.events[0]?.type).toBe('ExecutionStarted');
    expect(booked.events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(booked.events.map((event) => event.id)).toEqual(booked.events.map((_, at) => at + 1));
    expect(statesEntered(failed)).toEqual(EXPECTED_PATH.failPayment);
    expect(failed.events.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('list-executions lists both executions, and --status-filter keeps only the failed one', async () => {
    // Act
    const [all, onlyFailed] = await Promise.all([
      awsJson(
        'stepfunctions',
        'list-executions',
        '--endpoint-url',
        stack.endpoints.sfn,
        '--state-machine-arn',
        stack.stateMachineArn,
      ),
      awsJson(
        'stepfunctions',
        'list-executions',
        '--endpoint-url',
        stack.endpoints.sfn,
        '--state-machine-arn',
        stack.stateMachineArn,
        '--status-filter',
        'FAILED',
      ),
    ]);

    // Assess
    const summary = (trip: { tripId: string }, status: string) => ({
      executionArn: executionArnOf(trip.tripId),
      stateMachineArn: stack.stateMachineArn,
      name: trip.tripId,
      status,
      startDate: expect.any(Number),
      stopDate: expect.any(Number),
    });
    expect(all).toEqual({
      executions: expect.arrayContaining([
        summary(trips.booked, 'SUCCEEDED'),
        summary(trips.failed, 'FAILED'),
      ]),
    });
    expect(onlyFailed).toEqual({ executions: [summary(trips.failed, 'FAILED')] });
  });

  it("list-state-machines lists the template's state machine", async () => {
    // Act
    const output = await awsJson(
      'stepfunctions',
      'list-state-machines',
      '--endpoint-url',
      stack.endpoints.sfn,
    );

    // Assess
    expect(output).toEqual({
      stateMachines: [
        {
          stateMachineArn: stack.stateMachineArn,
          name: 'BookingSaga',
          type: 'STANDARD',
          creationDate: expect.any(Number),
        },
      ],
    });
  });

  it('describe-execution of an unknown ARN exits non-zero and prints ExecutionDoesNotExist', async () => {
    // Act
    const result = await aws(
      'stepfunctions',
      'describe-execution',
      '--endpoint-url',
      stack.endpoints.sfn,
      '--execution-arn',
      executionArnOf(`no-such-trip-${randomUUID()}`),
    );

    // Assess
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /An error occurred \(ExecutionDoesNotExist\) when calling the DescribeExecution operation/,
    );
  });
});

describe.concurrent('DynamoDB through the AWS CLI', () => {
  it('query on the trip key returns the confirmed hotel, flight and payment the booked trip left', async () => {
    // Act
    const output = await awsJson(
      'dynamodb',
      'query',
      '--endpoint-url',
      stack.endpoints.dynamodb,
      '--table-name',
      stack.tableName,
      '--key-condition-expression',
      'pk = :trip',
      '--expression-attribute-values',
      JSON.stringify({ ':trip': { S: trips.booked.tripId } }),
      '--consistent-read',
    );

    // Assess
    expect(plainItems(output)).toEqual([
      expect.objectContaining({
        sk: expect.stringMatching(/^FLIGHT#[0-9a-f]{32}$/),
        type: 'Flight',
        trip_id: trips.booked.tripId,
        depart: fixture.depart,
        arrive: fixture.arrive,
        transaction_status: 'confirmed',
      }),
      expect.objectContaining({
        sk: expect.stringMatching(/^HOTEL#[0-9a-f]{32}$/),
        type: 'Hotel',
        hotel: fixture.hotel,
        transaction_status: 'confirmed',
      }),
      expect.objectContaining({
        sk: expect.stringMatching(/^PAYMENT#[0-9a-f]{32}$/),
        type: 'Payment',
        amount: '450.00',
        currency: 'USD',
        transaction_status: 'confirmed',
      }),
    ]);
  });

  it('scan of the table shows the failed trip undone: hotel and flight cancelled, payment refunded', async () => {
    // Act
    const output = await awsJson(
      'dynamodb',
      'scan',
      '--endpoint-url',
      stack.endpoints.dynamodb,
      '--table-name',
      stack.tableName,
    );

    // Assess
    const items = plainItems(output);
    const failed = items.filter((item) => item.pk === trips.failed.tripId);
    expect(failed.map(({ type, transaction_status }) => [type, transaction_status])).toEqual([
      ['Flight', 'cancelled'],
      ['Hotel', 'cancelled'],
      ['Payment', 'refunded'],
    ]);
    // The scan and the SDK's query agree on every item both trips left, attribute for attribute.
    const [booked, failedByQuery] = await forBothTrips((trip) =>
      tripItems(clients.dynamodb, stack.tableName, trip.tripId),
    );
    expect(items).toEqual(expect.arrayContaining([...booked, ...failedByQuery]));
    expect(ItemsSchema.parse(output).Count).toBe(items.length);
  });
});

describe.concurrent('Lambda through the AWS CLI', () => {
  it('invoke ReserveHotelFunction with events/reserve-hotel.json reserves the hotel the fixture names', async () => {
    // Prepare
    const outfile = join(outputDir, 'reserve-hotel.json');

    // Act
    const output = await awsJson(
      'lambda',
      'invoke',
      '--endpoint-url',
      stack.endpoints.lambda,
      '--function-name',
      'ReserveHotelFunction',
      '--payload',
      'file://events/reserve-hotel.json',
      outfile,
    );

    // Assess
    expect(output).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    const result = JSON.parse(await readFile(outfile, 'utf8'));
    expect(result).toEqual({ status: 'ok', booking_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const items = await tripItems(clients.dynamodb, stack.tableName, fixture.trip_id ?? '');
    expect(items).toContainEqual(
      expect.objectContaining({
        sk: `HOTEL#${result.booking_id}`,
        hotel: fixture.hotel,
        transaction_status: 'pending',
      }),
    );
  });

  it('invoke ConfirmFlightFunction before any flight was reserved reports FunctionError Unhandled and BookingNotFound', async () => {
    // Prepare: no test reserves the fixture trip's flight, so there is nothing to confirm.
    const outfile = join(outputDir, 'confirm-flight.json');

    // Act
    const result = await aws(
      'lambda',
      'invoke',
      '--endpoint-url',
      stack.endpoints.lambda,
      '--function-name',
      'ConfirmFlightFunction',
      '--payload',
      'file://events/confirm-flight.json',
      outfile,
    );

    // Assess: as on AWS, the invoke itself succeeds and the function's failure is in the answer.
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      ExecutedVersion: '$LATEST',
    });
    expect(JSON.parse(await readFile(outfile, 'utf8'))).toEqual({
      errorType: 'BookingNotFound',
      errorMessage: expect.stringContaining(fixture.trip_id ?? ''),
      trace: expect.arrayContaining([expect.stringMatching(/^BookingNotFound: /)]),
    });
  });

  it('invoke of a function the template does not define exits non-zero with ResourceNotFoundException', async () => {
    // Act
    const result = await aws(
      'lambda',
      'invoke',
      '--endpoint-url',
      stack.endpoints.lambda,
      '--function-name',
      'NoSuchFunction',
      '--payload',
      '{}',
      join(outputDir, 'no-such-function.json'),
    );

    // Assess
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(
      /An error occurred \(ResourceNotFoundException\) when calling the Invoke operation/,
    );
  });
});

describe.concurrent('EventBridge through the AWS CLI: test-event-pattern', () => {
  /** A few of the documented cases (test/conformance/event-patterns/cases.ts), each kind once. */
  const CLI_CASES = [
    CASES.find(({ section }) => section === 'Numeric (range)'),
    CASES.find(
      ({ section, expected }) => section === 'Or (multiple fields)' && expected === 'no match',
    ),
    CASES.find(({ name }) => name === '300.0 does not match [300]'),
    CASES.find(({ expected }) => expected === 'InvalidEventPatternException'),
  ];

  it.each(CLI_CASES)('$section: $name ($expected)', async (conformance) => {
    // Prepare
    if (!conformance) throw new Error('A case this test names is missing from cases.ts');
    const { EventPattern, Event } = requestOf(conformance);

    // Act
    const result = await aws(
      'events',
      'test-event-pattern',
      '--endpoint-url',
      stack.endpoints.messaging,
      '--event-pattern',
      EventPattern,
      '--event',
      Event,
    );

    // Assess
    if (conformance.expected === 'match' || conformance.expected === 'no match') {
      expect(result.exitCode, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ Result: conformance.expected === 'match' });
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toMatch(
        `An error occurred (${conformance.expected}) when calling the TestEventPattern operation: Event pattern is not valid. Reason: `,
      );
    }
  });
});
