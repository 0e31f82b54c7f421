/**
 * `npm start` end to end, as a newcomer meets it: the real command in its own process, on free
 * ports, then nothing but HTTP. The reference's six URLs each end as the README says, the status
 * URL follows them there, and Ctrl-C (SIGINT to the process group, as a terminal sends it)
 * stops everything cleanly, DynamoDB Local's JVM included. A SIGKILL leaves no JVM behind
 * either, and with no Java on the machine npm start runs dynalite and says how to get Java.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isLive } from '../../functions/commons/trip/rules.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import {
  BANNER_END,
  type Exit,
  startNpmStart,
  stopNpmStarts,
  within,
} from '../support/npm-start.ts';
import { HANG_MS } from '../support/patience.ts';

// Waits that only a hang reaches: npm start builds, starts a JVM and five servers, on a machine
// that may be busy with other suites (it once missed a 20 s bound at a load of 8).
const SAGA_TIMEOUT_MS = HANG_MS;
const STOP_TIMEOUT_MS = HANG_MS;
const POLL_EVERY_MS = 50;

// A newcomer's shell: none of this test run's variables (table names, endpoints, SFN_ENDPOINT).
const NEWCOMER_ENVIRONMENT = {
  ...Object.fromEntries(
    ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'].flatMap((name) => {
      const value = process.env[name];
      return value === undefined ? [] : [[name, value]];
    }),
  ),
  // npm must not look for its own updates on the network.
  npm_config_update_notifier: 'false',
};

let output = '';
/** DynamoDB Local's JVMs the banners named: none may outlive the tests. */
const jvms: number[] = [];

afterAll(() => {
  // Whatever happened, nothing of npm start outlives the test: npm, its shell and node (which
  // can outlive npm) are all in the process group npm leads; the JVM has a group of its own.
  stopNpmStarts(jvms.filter(isJava));
});

/** Whether `pid` is a live java process (not ended, not a zombie waiting to be reaped). */
function isJava(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.includes('(java)') && !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** The JVM's pid, as the banner's DynamoDB line gives it. */
const jvmPidIn = (banner: string): number => {
  const pid = Number(/AWS DynamoDB Local [\d.]+ \(Java, pid (\d+)\)/.exec(banner)?.[1]);
  if (!Number.isInteger(pid)) throw new Error(`No JVM in the banner:\n${banner}`);
  jvms.push(pid);
  return pid;
};

/** Resolves once `predicate` holds, polling every 50 ms; fails after `ms`. */
const eventually = async (predicate: () => boolean, ms: number, what: string) => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what} after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
};

/**
 * `npm start` as a newcomer's shell runs it (support/npm-start.ts): its output collected in
 * `output`, the ports read from its banner.
 */
const npmStart = async (
  environment: Record<string, string> = NEWCOMER_ENVIRONMENT,
  ...extraArgs: string[]
) => {
  output = '';
  const running = await startNpmStart(
    [
      ...['--retry-delay-ms', '0'],
      ...(extraArgs.length > 0 ? extraArgs : ['--parameter-overrides', 'LogLevel=ERROR']),
    ],
    {
      env: environment,
      onOutput: (chunk) => {
        output += chunk;
      },
    },
  );
  const ports = {
    apiPort: running.port('HTTP API'),
    consolePort: running.port('Console'),
    dynamodbPort: running.port('DynamoDB'),
    sfnPort: running.port('Step Functions'),
  };
  return { child: running.child, ended: running.ended, ports };
};

const StartedSchema = z.object({
  trip_id: z.string(),
  execution_arn: z.string(),
  started_at: z.string(),
  status_url: z.string(),
});

const BookingSchema = z.looseObject({
  type: z.enum(['Hotel', 'Flight', 'Payment']),
  id: z.string(),
  transaction_status: z.enum(['pending', 'confirmed', 'cancelled', 'refunded']),
});

const TripStatusSchema = z.object({
  trip_id: z.string(),
  saga_status: z.enum(['running', 'booked', 'failed', 'needs_repair']),
  execution: z
    .looseObject({
      execution_arn: z.string(),
      status: z.string(),
      error: z.string().optional(),
    })
    .nullable(),
  bookings: z.array(BookingSchema),
  tombstones: z.array(BookingSchema),
  leftovers: z.array(z.looseObject({ booking_sk: z.string(), repair_status: z.string() })),
});
type TripStatus = z.infer<typeof TripStatusSchema>;

/** Follows the status URL until the saga has ended, polling every 50 ms up to a deadline. */
const followToEnd = async (statusUrl: string): Promise<TripStatus> => {
  const deadline = Date.now() + SAGA_TIMEOUT_MS;
  for (;;) {
    const response = await fetch(statusUrl);
    expect(response.status).toBe(200);
    const status = TripStatusSchema.parse(await response.json());
    // A leftover can show needs_repair while the undo chain still runs: wait for the end too.
    if (status.saga_status !== 'running' && status.execution?.status !== 'RUNNING') {
      return status;
    }
    if (Date.now() > deadline) {
      throw new Error(`${statusUrl} still in progress after ${SAGA_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
};

const UNDO_ALL = [
  ['Flight', 'cancelled'],
  ['Hotel', 'cancelled'],
  ['Payment', 'refunded'],
];

/**
 * Each failure URL's run type, the items it leaves once everything is undone, and of those the
 * tombstones (the failed step's own undo, which found nothing: the step failed before its write).
 */
const FAILURES = {
  failHotelReservation: { undone: [['Hotel', 'cancelled']], tombstones: ['Hotel'] },
  failHotelConfirmation: { undone: UNDO_ALL, tombstones: [] },
  failFlightsReservation: {
    undone: [
      ['Flight', 'cancelled'],
      ['Hotel', 'cancelled'],
    ],
    tombstones: ['Flight'],
  },
  failFlightsConfirmation: { undone: UNDO_ALL, tombstones: [] },
  failPayment: { undone: UNDO_ALL, tombstones: ['Payment'] },
};

/** [type, status] of each booking and tombstone, in a stable order. */
const statuses = (status: TripStatus) =>
  [...status.bookings, ...status.tombstones]
    .map(({ type, transaction_status }) => [type, transaction_status])
    .sort();

const TRIP_DOCUMENT = {
  depart: 'London',
  depart_at: '2021-07-10T06:00:00.000Z',
  arrive: 'Dublin',
  arrive_at: '2021-07-12T08:00:00.000Z',
  hotel: 'holiday inn',
  check_in: '2021-07-10T12:00:00.000Z',
  check_out: '2021-07-12T14:00:00.000Z',
  run_type: 'success',
};

describe('npm start', () => {
  it("serves the reference's six URLs to their end over HTTP, then stops cleanly on Ctrl-C", async () => {
    // Prepare: the real command, in its own process group so Ctrl-C can reach all of it.
    const {
      child,
      ended,
      ports: { apiPort, consolePort, dynamodbPort },
    } = await npmStart();
    const api = `http://127.0.0.1:${apiPort}`;
    expect(output).toMatch(
      new RegExp(
        `DynamoDB +http://127\\.0\\.0\\.1:${dynamodbPort} +AWS DynamoDB Local 1\\.25\\.1 \\(Java, pid \\d+\\), table BookingsTable, in memory`,
      ),
    );
    const jvm = jvmPidIn(output);
    expect(isJava(jvm)).toBe(true);
    expect(output).toMatch(new RegExp(`HTTP API +${api}\\s`));
    const consolePage = `http://127.0.0.1:${consolePort}/`;
    expect(output).toMatch(new RegExp(`Console +${consolePage}\\s`));
    expect(await (await fetch(consolePage)).text()).toContain('<title>Local console</title>');
    // The booking app's plugin, named by package.json for template.yaml, titles it.
    expect(await (await fetch(`${consolePage}api/graph`)).json()).toMatchObject({
      title: 'Booking saga',
    });

    // Act: the six URLs, all at once, each followed to its end.
    const book = async (query: string) => {
      const response = await fetch(`${api}/${query}`);
      const started = StartedSchema.parse(await response.json());
      return {
        query,
        status: response.status,
        started,
        end: await followToEnd(started.status_url),
      };
    };
    const [success, failures] = await Promise.all([
      book(''),
      Promise.all(
        Object.entries(FAILURES).map(async ([runType, { undone, tombstones }]) => ({
          ...(await book(`?runType=${runType}`)),
          undone,
          tombstones,
        })),
      ),
    ]);

    // Assess: the success books everything.
    expect(success.status).toBe(200);
    expect(success.started.status_url).toBe(`${api}/trips/${success.started.trip_id}`);
    expect(success.end).toMatchObject({
      trip_id: success.started.trip_id,
      saga_status: 'booked',
      execution: { execution_arn: success.started.execution_arn, status: 'SUCCEEDED' },
      leftovers: [],
    });
    expect(statuses(success.end)).toEqual([
      ['Flight', 'confirmed'],
      ['Hotel', 'confirmed'],
      ['Payment', 'confirmed'],
    ]);

    // Assess: each failure leaves nothing live, or lists as a leftover what may still be.
    for (const { query, status, started, end, undone, tombstones } of failures) {
      expect(status, query).toBe(200);
      expect(end.trip_id, query).toBe(started.trip_id);
      expect(end.execution, query).toMatchObject({
        execution_arn: started.execution_arn,
        status: 'FAILED',
      });
      expect(end.bookings.length + end.tombstones.length, query).toBeGreaterThan(0);
      const repaired = new Set(end.leftovers.map((leftover) => leftover.booking_sk));
      const liveAndUnlisted = end.bookings.filter(
        (booking) =>
          isLive(booking) && !repaired.has(`${booking.type.toUpperCase()}#${booking.id}`),
      );
      expect(liveAndUnlisted, query).toEqual([]);
      if (end.saga_status === 'needs_repair') {
        // 0.4^16 per compensation: practically never, but then only with what is left listed.
        expect(end.leftovers.length, query).toBeGreaterThan(0);
        expect(end.execution?.error, query).toBe('BookingNeedsRepair');
      } else {
        expect(end.saga_status, query).toBe('failed');
        expect(end.execution?.error, query).toBe('BookingFailed');
        expect(statuses(end), query).toEqual(undone);
        expect(
          end.tombstones.map(({ type }) => type),
          query,
        ).toEqual(tombstones);
      }
    }

    // Act and Assess: an unknown trip is 404.
    const unknown = await fetch(`${api}/trips/no-such-trip-${randomUUID()}`);
    expect(unknown.status).toBe(404);

    // Act and Assess: the same POST /trips twice is one execution.
    const document = JSON.stringify({ trip_id: `e2e-repeat-${randomUUID()}`, ...TRIP_DOCUMENT });
    const post = () =>
      fetch(`${api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: document,
      });
    const first = await post();
    const again = await post();
    expect([first.status, again.status]).toEqual([202, 202]);
    const [firstBody, againBody] = [
      StartedSchema.parse(await first.json()),
      StartedSchema.parse(await again.json()),
    ];
    expect(againBody).toEqual(firstBody);
    expect(again.headers.get('location')).toBe(firstBody.status_url);
    expect(await followToEnd(firstBody.status_url)).toMatchObject({ saga_status: 'booked' });

    // Act: Ctrl-C.
    if (child.pid === undefined) throw new Error('npm start has no pid');
    process.kill(-child.pid, 'SIGINT');
    const { code, signal } = await within(
      ended,
      STOP_TIMEOUT_MS,
      () => `npm start still running ${STOP_TIMEOUT_MS} ms after SIGINT:\n${output}`,
    );

    // Assess
    expect(output).toContain('Stopped.');
    expect(isJava(jvm), 'the JVM ends with npm start').toBe(false);
    expect({ code, signal }, 'npm start itself must end with exit code 0 after Ctrl-C').toEqual({
      code: 0,
      signal: null,
    });
  });
  it('leaves no java process behind when it is killed with SIGKILL', async () => {
    // Prepare
    const { child, ended } = await npmStart();
    const jvm = jvmPidIn(output);
    expect(isJava(jvm)).toBe(true);

    // Act: SIGKILL to npm and node, which no handler can catch (the JVM has a group of its own).
    if (child.pid === undefined) throw new Error('npm start has no pid');
    process.kill(-child.pid, 'SIGKILL');
    await ended;

    // Assess: its standard input, a pipe from node, closed with node, and it ended.
    await eventually(() => !isJava(jvm), STOP_TIMEOUT_MS, `java ${jvm} still running`);
  });

  it('runs dynalite when no Java is found, and its banner says how to install Java', async () => {
    // Prepare: a PATH with node, npm and sh only (Debian keeps java beside npm in /usr/bin), and
    // no JAVA_HOME.
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    const onPath = (name: string) =>
      (process.env.PATH ?? '')
        .split(delimiter)
        .map((folder) => join(folder, name))
        .find((file) => existsSync(file)) ?? name;
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const name of ['npm', 'sh']) symlinkSync(onPath(name), join(bin, name));
    const withoutJava = { ...NEWCOMER_ENVIRONMENT, PATH: bin };

    // Act
    const { child, ended } = await npmStart(withoutJava);

    // Assess
    expect(output).toMatch(/DynamoDB +http:\/\/127\.0\.0\.1:\d+ +dynalite, table BookingsTable/);
    expect(output).toContain('no Java runtime found');
    expect(output).toContain('sudo apt-get install default-jre-headless');
    if (child.pid === undefined) throw new Error('npm start has no pid');
    process.kill(-child.pid, 'SIGINT');
    const exit = await within(ended, STOP_TIMEOUT_MS, () => output);
    // The output with it: this has once ended by SIGINT under a loaded machine (npm's doing?).
    expect(exit, output).toEqual({ code: 0, signal: null });
    rmSync(bin, { recursive: true, force: true });
  });
});

describe('npm start speaks to a person', () => {
  /** Books through POST /trips with a contact, and follows the trip to its end. */
  const book = async (api: string, runType: string) => {
    const tripId = `e2e-${runType}-${randomUUID()}`;
    const response = await fetch(`${api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...TRIP_DOCUMENT,
        trip_id: tripId,
        run_type: runType,
        contact: 'jane@example.com',
      }),
    });
    expect(response.status, runType).toBe(202);
    await followToEnd(StartedSchema.parse(await response.json()).status_url);
    return tripId;
  };

  /** What npm start printed after its banner, line by line. */
  const afterBanner = () =>
    output.slice(output.indexOf(BANNER_END) + BANNER_END.length).split('\n');

  /** The lines about one trip: its execution's, and its customer's message (by the id's start). */
  const linesAbout = (tripId: string) => {
    const id = tripId.slice(0, tripId.length - 28);
    return afterBanner().filter((line) => line.includes(` ${id}`));
  };

  const stop = async (child: ChildProcess, ended: Promise<Exit>) => {
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await within(ended, STOP_TIMEOUT_MS, () => output), output).toEqual({
      code: 0,
      signal: null,
    });
  };

  it("prints a short line per step, end and message: no JSON, no stack for a run type's failure, the contact masked", async () => {
    // Prepare: the functions log at their default level (INFO); no colours off a terminal.
    const { child, ended, ports } = await npmStart(NEWCOMER_ENVIRONMENT, '--dynamodb', 'dynalite');
    const api = `http://127.0.0.1:${ports.apiPort}`;

    // Act
    const trips = await Promise.all(
      ['success', 'failPayment', 'failHotelReservation'].map((runType) => book(api, runType)),
    );
    await eventually(
      () => trips.every((tripId) => linesAbout(tripId).some((line) => line.includes('✉'))),
      SAGA_TIMEOUT_MS,
      `not every customer's message printed:\n${output}`,
    );

    // Assess: each booking a handful of lines, from its start to its message.
    const [success = '', failPayment = '', failHotel = ''] = trips;
    for (const tripId of trips) {
      const lines = linesAbout(tripId);
      expect(lines.length, lines.join('\n')).toBeGreaterThanOrEqual(4);
      expect(lines.length, lines.join('\n')).toBeLessThanOrEqual(14);
      expect(lines[0]).toMatch(/▶ BookingSaga: run type \w+/);
      expect(lines.filter((line) => line.includes('■')).length).toBe(1);
    }
    expect(linesAbout(success)).toContainEqual(expect.stringMatching(/■ SUCCEEDED in /));
    expect(linesAbout(success)).toContainEqual(
      expect.stringMatching(/✉ to j\*\*\*@example\.com: Your trip is booked\.$/),
    );
    expect(linesAbout(failPayment)).toContainEqual(
      expect.stringMatching(
        /✗ TakePayment {2}PaymentFailed: Failed to take the payment \(run_type failPayment\)$/,
      ),
    );
    expect(linesAbout(failHotel)).toContainEqual(
      expect.stringMatching(/✉ to j\*\*\*@example\.com: We could not book your trip: the hotel/),
    );
    // Every line short; none the functions' JSON, none a stack frame, none a colour, no contact.
    const printed = afterBanner();
    for (const line of printed) expect(line.length, line).toBeLessThanOrEqual(160);
    expect(printed.filter((line) => line.trimStart().startsWith('{'))).toEqual([]);
    expect(printed.filter((line) => /^\s+at /.test(line))).toEqual([]);
    expect(output).not.toContain('\u001b[');
    expect(output).not.toContain('jane@example.com');
    expect(output).toContain('--log-format json');

    await stop(child, ended);
  }, 60_000);

  it("with --log-format json prints the functions' log lines as Lambda writes them, and --log-file keeps them", async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'npm-start-logs-'));
    const logFile = join(folder, 'functions.log');
    const { child, ended, ports } = await npmStart(
      NEWCOMER_ENVIRONMENT,
      '--dynamodb',
      'dynalite',
      '--log-format',
      'json',
      '--log-file',
      logFile,
    );

    // Act
    const tripId = await book(`http://127.0.0.1:${ports.apiPort}`, 'failPayment');
    await eventually(
      () => linesAbout(tripId).some((line) => line.includes('✉')),
      SAGA_TIMEOUT_MS,
      `no customer's message printed:\n${output}`,
    );
    await stop(child, ended);

    // Assess: Powertools' lines, each with its level and function, the step's failure a warning.
    const json = afterBanner()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ofTrip = json.filter((entry) => entry.trip_id === tripId);
    expect(ofTrip).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        function_name: 'TakePaymentFunction',
        error: 'PaymentFailed',
      }),
    );
    expect(afterBanner().filter((line) => line.includes('▶') || line.includes('✓'))).toEqual([]);
    const kept = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(kept.map((line) => JSON.parse(line))).toEqual(expect.arrayContaining(ofTrip));
    rmSync(folder, { recursive: true, force: true });
  }, 60_000);
});

describe("npm start's --dynamodb", () => {
  const run = promisify(execFile);
  /** start.ts as npm start runs it, with nothing on PATH (no java, no npm): its exit and output. */
  const startWith = async (...args: string[]) => {
    return run(
      process.execPath,
      ['local/cli/start.ts', '--skip-build', '--dynamodb-port', '0', ...args],
      { cwd: PROJECT_ROOT, env: { PATH: '', HOME: process.env.HOME ?? '' } },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
  };

  it('refuses anything but local or dynalite, before starting anything', async () => {
    expect(await startWith('--dynamodb', 'mongo')).toEqual({
      code: 2,
      stderr: '--dynamodb takes local or dynalite, not "mongo"\n',
    });
  });

  it('local without Java is an error that says how to install Java, not a fallback', async () => {
    const { code, stderr } = await startWith('--dynamodb', 'local');

    expect(code).toBe(1);
    expect(stderr).toContain(
      'Could not start: --dynamodb local: no Java runtime found (JAVA_HOME, PATH); DynamoDB Local needs one: sudo apt-get install default-jre-headless',
    );
  });
});

describe('npm start -- --template PATH (another SAM app, as sam local start-api -t)', () => {
  it("runs it without the booking app's plugin, lists what it does not run, and its machine writes its table", async () => {
    // Prepare: the small order app of test/fixtures, on dynalite (no JVM to wait for).
    const { child, ended, ports } = await npmStart(
      NEWCOMER_ENVIRONMENT,
      '--template',
      'test/fixtures/orders/template.yaml',
      '--dynamodb',
      'dynalite',
    );
    const config = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
    const sfn = new SFNClient({ ...config, endpoint: `http://127.0.0.1:${ports.sfnPort}` });
    const dynamodb = new DynamoDBClient({
      ...config,
      endpoint: `http://127.0.0.1:${ports.dynamodbPort}`,
    });

    // Act
    const orderId = `e2e-${randomUUID()}`;
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow',
        name: orderId,
        input: JSON.stringify({ orderId, items: [{ price: 2.5, qty: 4 }] }),
      }),
    );
    let description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const deadline = Date.now() + SAGA_TIMEOUT_MS;
    while (description.status === 'RUNNING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
      description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    const { Item: item } = await dynamodb.send(
      new GetItemCommand({ TableName: 'OrdersTable', Key: { orderId: { S: orderId } } }),
    );
    const listed = (await (
      await fetch(`http://127.0.0.1:${ports.consolePort}/api/executions`)
    ).json()) as { executions: { name?: string; status?: string }[] };

    // Assess
    expect(output).toContain('Running locally, from test/fixtures/orders/template.yaml\n');
    expect(output).not.toContain('Booking');
    expect(output).toMatch(
      /runtime python3\.12: only Node\.js functions run offline\n +ReportFunction/,
    );
    expect(output).toMatch(/AWS::SQS::Queue: not emulated offline\n +OrdersQueue/);
    expect(output).toMatch(/event FromQueue \(SQS\): [^\n]+\n +RecordOrderFunction/);
    expect(description.status).toBe('SUCCEEDED');
    expect(item).toMatchObject({ total: { S: '10.00' }, currency: { S: 'EUR' } });
    expect(listed.executions).toContainEqual(
      expect.objectContaining({ name: orderId, status: 'SUCCEEDED' }),
    );

    // Ctrl-C stops it.
    sfn.destroy();
    dynamodb.destroy();
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await within(ended, STOP_TIMEOUT_MS, () => output), output).toEqual({
      code: 0,
      signal: null,
    });
  }, 40_000);
});
