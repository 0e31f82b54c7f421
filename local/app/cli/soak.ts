/**
 * `npm run soak -- --runs N --seed S [--concurrency C]`: N executions through the offline
 * platform (the Step Functions API, the real handlers, the emulated DynamoDB). Each books a trip
 * with a random run type (random forward failures) while compensations fail at the template's
 * 40 %, retries not waiting. After every run the invariant is checked. Prints the runs, the
 * outcomes per path, the violations and the time; exits 1 if any run violated the invariant.
 * The same seed gives the same runs, whatever the concurrency.
 *
 * `--faults all` adds faults from outside the saga's own model to a share of the runs (see
 * `outsideFault`), and crashes of the reconciler and of the notifier between their writes (see
 * `crashOf`: the function's process stops at one of its calls, through the I/O gate of
 * local/app/gate.ts; Lambda retries the event once the function's timeout is up). It starts
 * every trip through the HTTP API, with a contact (so each has its trip record and a customer),
 * and checks each trip from the table once everything its end set off has run; then the sweep
 * and a repair of every trip must leave nothing live on any trip that did not book; then, once
 * the notifier's claim lease has passed and the sweep has run again, each customer must have
 * been told once per outcome, with the truth (local/app/told.ts).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  type RunType,
  TripSchema,
  toExecutionInput,
} from '#trip/document.ts';
import { queryTripItems, readTripItems, tripItemsOf } from '#trip/items.ts';
import { isLive } from '#trip/rules.ts';
import { LOCAL_CREDENTIALS } from '../../aws/credentials.ts';
import { type Fault, type FaultPlan, injectFaults } from '../../checks/faults.ts';
import { mapConcurrently, seededRandom } from '../../checks/runs.ts';
import { readCommandLine, usageError } from '../../cli/command-line.ts';
import { type StackOptions, startStack } from '../../stack.ts';
import { checkInvariant, type InvariantCheck } from '../checks/invariant.ts';
import { type GateCall, IoGate, type Verdict } from '../gate.ts';
import plugin from '../plugin.ts';
import { readSagaDefinition } from '../saga.ts';
import { checkTold, type Received } from '../told.ts';
import { formatHostileReport, hostileSoak, hostileSoakPassed } from './hostile-soak.ts';

const HELP = `Usage: npm run soak -- --runs <N> --seed <S> [--concurrency <C>] [--faults all] [--report <file>]
       npm run soak -- --hostile [--seconds <N>] [--seed <S>] [--concurrency <C>] [--runaway]
                                 [--report <file>]

Runs N bookings through the offline platform (started on free ports), each with a random run
type while compensations fail at random (40 %), retries not waiting, and checks the invariant
after every run. Prints the outcomes per run type, the violations and the time; exits 1 if any
run violated the invariant. The same seed gives the same runs, whatever the concurrency.

Options:
  --runs <N>            how many bookings (default 1000)
  --seed <S>            the seed of the random choices (default 1)
  --concurrency <C>     bookings running at once (default 16)
  --faults all          also faults from outside the saga's model (a task failing with any
                        error, a StopExecution, a task stuck until the execution times out) on
                        half the runs, crashes of the reconciler and of the notifier between
                        their writes on a fifth, then the sweep and a repair of every trip, then
                        what each customer was told; exits 1 if anything is left live or open,
                        or a customer was told wrong
  --hostile             instead: the real npm start under hostile traffic on every port (bodies
                        mutated in depth, size, encoding and framing) for --seconds (default
                        60), bookings going on meanwhile and a probe timing every port every
                        100 ms; reports crashes, stalls over 1 s and requests left hanging, and
                        exits 1 unless all three are 0 (--concurrency: hostile requests at once,
                        default 6)
  --runaway             with --hostile: also state machines whose JSONata never ends (they pass
                        once the Step Functions engine bounds each evaluation)
  --report <file>       also write the report, dated, with its command and machine, to <file>
                        (Markdown)
  --help                this text
`;

export interface SoakOptions {
  runs: number;
  seed: number;
  concurrency?: number;
  /** Stack options (the tests pass their prebuilt functions). */
  stack?: StackOptions;
  /**
   * The notifier's claim lease with --faults all (default SOAK_LEASE_SECONDS, longer than its
   * timeout as on AWS); the soak waits it out before telling what each customer was told.
   */
  leaseSeconds?: number;
}

export interface FaultSoakOptions extends SoakOptions {
  /** When a stuck execution times out (default SOAK_EXECUTION_TIMEOUT_MS). */
  executionTimeoutMs?: number;
}

/** Every Task state of the saga, where an outside fault can land (read from the ASL). */
const TASKS = Object.entries(readSagaDefinition().States)
  .filter(([, state]) => state.Type === 'Task')
  .map(([name]) => name);
const OUTSIDE_ERRORS = [
  'ParseError',
  'States.Timeout',
  'Lambda.Unknown',
  'Lambda.ServiceException',
  'HotelReservationFailed',
];
/**
 * A stuck task runs into this execution timeout (the ASL's 5,400 s, shortened for the soak):
 * long enough that no execution of a busy machine's soak reaches it but a stuck one. A run that
 * is slow rather than stuck may still reach it on a loaded machine and end TIMED_OUT: the
 * invariant holds either way, but which ends a soak reaches then depends on the load. The test
 * gives a longer one (`executionTimeoutMs`), which only stuck tasks reach.
 */
const SOAK_EXECUTION_TIMEOUT_MS = 5_000;

/**
 * A run's outside fault, drawn from the seed: half the runs get one. A task failing 1-20 times
 * with any error name, before or after its write (60 %); an operator's StopExecution at a task,
 * the task landing after the stop or hanging (25 %); a task hanging until the execution times
 * out (15 %).
 */
const outsideFault = (draw: () => number) => {
  if (draw() < 0.5) return undefined;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(draw() * items.length)] as T;
  const state = pick(TASKS);
  const kind = draw();
  if (kind < 0.6) {
    return {
      kind: 'fail' as const,
      state,
      count: 1 + Math.floor(draw() * 20),
      error: pick(OUTSIDE_ERRORS),
      after: draw() < 0.5,
    };
  }
  if (kind < 0.85) return { kind: 'stop' as const, state, hang: draw() < 0.5 };
  return { kind: 'hang' as const, state };
};
type OutsideFault = NonNullable<ReturnType<typeof outsideFault>>;

/** The functions whose process a crash stops between two of their writes. */
const CRASHING = ['ReconcileTripFunction', 'NotifyCustomerFunction'] as const;

/**
 * A run's crash, drawn from the seed: a fifth of the runs get one. The first invocation of the
 * reconciler or of the notifier for the trip stops just before, or just after, one of its first
 * calls (its writes among them); Lambda retries the event once the function's timeout is up.
 */
const crashOf = (draw: () => number) => {
  if (draw() >= 0.2) return undefined;
  return {
    function: CRASHING[Math.floor(draw() * CRASHING.length)] ?? 'NotifyCustomerFunction',
    call: Math.floor(draw() * 6),
    when: (draw() < 0.5 ? 'crash-before' : 'crash-after') as Exclude<Verdict, 'pass'>,
  };
};
type Crash = NonNullable<ReturnType<typeof crashOf>>;

/** The notifier's claim lease in the soak: longer than its timeout, as on AWS (60 s over 10 s). */
const SOAK_LEASE_SECONDS = 12;

/** The contact of a soak's trip: an address of its own. */
const contactOf = (tripId: string) => `${tripId}@soak.example.com`;

export interface FaultSoakReport {
  runs: number;
  seed: number;
  concurrency: number;
  seconds: number;
  /** How the executions ended (SUCCEEDED, or the error of a failure, ABORTED, TIMED_OUT). */
  ends: Record<string, number>;
  /** What the table showed once the end was reconciled. */
  outcomes: Record<string, number>;
  faults: Record<OutsideFault['kind'] | 'none', number>;
  /** Crashes of each function between its writes, as they happened. */
  crashes: Record<string, number>;
  violations: { tripId: string; violations: string[] }[];
  /** Live bookings or open leftovers on trips that did not book, after the sweep and repair. */
  leftAfterRepair: string[];
  /** Messages the customers received, and how many were the documented duplicate. */
  messages: number;
  duplicates: number;
  /** What a customer was told wrong, or not told (local/app/told.ts). */
  noticeViolations: { tripId: string; violations: string[] }[];
}

/** What the invariant check says of a run (not a trip's outcome). */
type Invariant = InvariantCheck['outcome'];

export interface SoakReport {
  runs: number;
  seed: number;
  concurrency: number;
  seconds: number;
  outcomes: Record<RunType, Record<Invariant, number>>;
  violations: { tripId: string; runType: RunType; violations: string[] }[];
  /** Compensation attempts that failed at random and were retried. */
  compensationFailures: number;
  /** Compensations that exhausted their retries (their leftovers recorded). */
  exhausted: number;
}

/**
 * A soak's platform (the built-in Step Functions, quiet functions, the seed's random failures)
 * and the clients the soaks read it with; `close` ends both.
 */
const startSoakStack = async (seed: number, stackOptions: StackOptions) => {
  const stack = await startStack({
    plugin,
    ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0 },
    retryDelayMs: 0,
    ...stackOptions,
    environment: {
      FAILURE_SEED: String(seed),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...stackOptions.environment,
    },
  });
  const service = stack.stepFunctions;
  if (!service) {
    await stack.close();
    throw new Error('The soak runs on the built-in Step Functions (no SFN_ENDPOINT)');
  }
  const config = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...config, endpoint: stack.endpoints.dynamodb });
  const clients = {
    sfn: new SFNClient({ ...config, endpoint: stack.endpoints.sfn }),
    lambda: new LambdaClient({ ...config, endpoint: stack.endpoints.lambda }),
    documents: DynamoDBDocumentClient.from(dynamodb),
  };
  const close = async () => {
    clients.sfn.destroy();
    clients.lambda.destroy();
    dynamodb.destroy();
    await stack.close();
  };
  return { stack, service, clients, close };
};

export const soak = async ({
  runs,
  seed,
  concurrency = 16,
  stack: stackOptions = {},
}: SoakOptions): Promise<SoakReport> => {
  const { stack, service, clients, close } = await startSoakStack(seed, stackOptions);
  const { sfn, documents } = clients;

  const choose = seededRandom(seed).next;
  const plan = Array.from({ length: runs }, (_, index) => ({
    tripId: `soak-${seed}-${index}`,
    runType: RUN_TYPES[Math.floor(choose() * RUN_TYPES.length)] ?? 'success',
  }));
  const outcomes = Object.fromEntries(
    RUN_TYPES.map((runType) => [
      runType,
      { booked: 0, undone: 0, recorded: 0, repaired: 0, violated: 0 },
    ]),
  ) as SoakReport['outcomes'];
  const report: SoakReport = {
    runs,
    seed,
    concurrency,
    seconds: 0,
    outcomes,
    violations: [],
    compensationFailures: 0,
    exhausted: 0,
  };

  const runOne = async ({ tripId, runType }: (typeof plan)[number]) => {
    const trip = TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType });
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: tripId,
        input: toExecutionInput(trip),
      }),
    );
    const record = service.execution(executionArn);
    await record.done;
    const { status = '', error } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const check = checkInvariant(
      status,
      error,
      await queryTripItems(documents, stack.tableName, tripId),
    );
    outcomes[runType][check.outcome]++;
    if (check.outcome === 'violated')
      report.violations.push({ tripId, runType, violations: check.violations });
    for (const event of record.history.events) {
      const details = event.taskFailedEventDetails as { error?: string } | undefined;
      if (details?.error === 'InjectedTransientFailure') report.compensationFailures++;
      const entered = event.stateEnteredEventDetails as { name?: string } | undefined;
      if (entered?.name?.startsWith('Record')) report.exhausted++;
    }
  };

  const started = performance.now();
  try {
    await mapConcurrently(plan, concurrency, runOne);
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    await close();
  }
  return report;
};

/** The soak with faults from outside the saga's model: see the module's header. */
export const soakWithFaults = async ({
  runs,
  seed,
  concurrency = 16,
  stack: stackOptions = {},
  leaseSeconds = SOAK_LEASE_SECONDS,
  executionTimeoutMs = SOAK_EXECUTION_TIMEOUT_MS,
}: FaultSoakOptions): Promise<FaultSoakReport> => {
  const choose = seededRandom(seed).next;
  const plan = Array.from({ length: runs }, (_, index) => ({
    tripId: `soak-${seed}-${index}`,
    runType: RUN_TYPES[Math.floor(choose() * RUN_TYPES.length)] ?? 'success',
    fault: outsideFault(choose),
    crash: crashOf(choose) as Crash | undefined,
  }));
  const byTrip = new Map(plan.map((run) => [run.tripId, run]));
  const stopped = new Set<string>();
  let stopExecution: (executionArn: string) => void = () => undefined;
  const faults: FaultPlan = ({ executionArn, state, invocation }) => {
    const fault = byTrip.get(executionArn.slice(executionArn.lastIndexOf(':') + 1))?.fault;
    if (!fault || fault.state !== state) return undefined;
    if (fault.kind === 'fail') {
      return invocation < fault.count
        ? ({
            kind: fault.after ? 'fail-after' : 'fail',
            error: fault.error,
            cause: `${fault.error} (soak: injected from outside the saga's fault model)`,
          } satisfies Fault)
        : undefined;
    }
    if (fault.kind === 'stop') {
      if (stopped.has(executionArn)) return undefined;
      stopped.add(executionArn);
      stopExecution(executionArn);
      return fault.hang ? { kind: 'hang' } : undefined;
    }
    return { kind: 'hang' };
  };
  const gate = await IoGate.start();
  const inbox = new Map<string, Received[]>();
  let messages = 0;
  const { stack, service, clients, close } = await startSoakStack(seed, {
    stepFunctions: { executionTimeoutMs },
    ...stackOptions,
    environment: { ...stackOptions.environment, NOTICE_CLAIM_LEASE_SECONDS: String(leaseSeconds) },
    // Only the functions that crash call through the gate: the saga's own keep their pace.
    functionEnvironment: Object.fromEntries(CRASHING.map((name) => [name, gate.environment()])),
    messaging: {
      ...stackOptions.messaging,
      onMessage: (message) => {
        if (!message.topicArn.endsWith(':CustomerNotificationsTopic')) return;
        const tripId = message.attributes.trip_id ?? '';
        messages++;
        inbox.set(tripId, [
          ...(inbox.get(tripId) ?? []),
          {
            notice: message.attributes.notice ?? '',
            subject: message.subject,
            message: message.message,
            contact: message.attributes.contact,
          },
        ]);
      },
    },
  });
  gate.upstreams = {
    dynamodb: stack.endpoints.dynamodb,
    sfn: stack.endpoints.sfn,
    messaging: stack.endpoints.messaging,
  };
  const crashes: Record<string, number> = {};
  gate.decide = crashingAt(byTrip, crashes);
  const { documents, lambda } = clients;
  injectFaults(stack, faults);
  stopExecution = (executionArn) =>
    service.stopExecution({ executionArn, error: 'Soak.Operator', cause: 'stopped by the soak' });
  const report: FaultSoakReport = {
    runs,
    seed,
    concurrency,
    seconds: 0,
    ends: {},
    outcomes: {},
    faults: { fail: 0, stop: 0, hang: 0, none: 0 },
    crashes,
    violations: [],
    leftAfterRepair: [],
    messages: 0,
    duplicates: 0,
    noticeViolations: [],
  };
  const count = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const started = performance.now();
  try {
    await mapConcurrently(plan, concurrency, async (run) => {
      count(report.faults, run.fault?.kind ?? 'none');
      // A client whose request failed (a busy machine's StartBooking past its timeout) sends it
      // again: the same trip id starts nothing twice.
      for (let attempt = 1; ; attempt++) {
        const response = await fetch(`${stack.endpoints.api}/trips`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            trip_id: run.tripId,
            ...REFERENCE_TRIP,
            run_type: run.runType,
            contact: contactOf(run.tripId),
          }),
        });
        const { execution_arn } = (await response.json()) as { execution_arn?: string };
        if (execution_arn) {
          await service.execution(execution_arn).done;
          return;
        }
        if (attempt === 5) throw new Error(`POST /trips for ${run.tripId}: ${response.status}`);
      }
    });
    // Everything the ends set off: the reconciler, for every trip.
    await stack.events.idle();
    for (const { tripId } of plan) {
      const items = await queryTripItems(documents, stack.tableName, tripId);
      const { record } = tripItemsOf(items);
      const status = record?.execution_status ?? 'RUNNING';
      count(report.ends, status === 'FAILED' ? (record?.execution_error ?? status) : status);
      count(report.outcomes, record?.outcome ?? 'open');
      const check = checkInvariant(status, record?.execution_error || undefined, items);
      if (check.outcome === 'violated')
        report.violations.push({ tripId, violations: check.violations });
    }
    // The operator's part: the sweep, then a repair of every trip that did not book.
    await stack.runSchedules({ older_than_seconds: 0 });
    for (const { tripId } of plan) {
      const before = await readTripItems(documents, stack.tableName, tripId);
      if (before.record?.outcome === 'booked') continue;
      const repaired = await lambda.send(
        new InvokeCommand({
          FunctionName: 'RepairTripFunction',
          Payload: JSON.stringify({ trip_id: tripId }),
        }),
      );
      if (repaired.FunctionError) report.leftAfterRepair.push(`${tripId}: the repair failed`);
      const after = await queryTripItems(documents, stack.tableName, tripId);
      for (const item of after.filter(isLive))
        report.leftAfterRepair.push(`${tripId}: ${item.sk} still ${item.transaction_status}`);
    }
    // What every customer was told, once the notices the repairs owe have gone out, and every
    // claim a crashed notifier left has outlived its lease: the sweep announces what is owed.
    await stack.events.idle();
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, leaseSeconds * 1000 + 100));
      await stack.runSchedules({ older_than_seconds: 0 });
      await stack.events.idle();
      const owed = await Promise.all(
        plan.map(async ({ tripId }) => {
          const { record, notifications } = await readTripItems(documents, stack.tableName, tripId);
          return (
            record?.notice_owed !== undefined ||
            notifications.some((item) => item.delivery_status !== 'sent')
          );
        }),
      );
      if (!owed.includes(true)) break;
    }
    for (const { tripId } of plan) {
      const items = await queryTripItems(documents, stack.tableName, tripId);
      const told = checkTold(items, inbox.get(tripId) ?? [], contactOf(tripId));
      report.duplicates += told.duplicates;
      if (told.violations.length > 0)
        report.noticeViolations.push({ tripId, violations: told.violations });
    }
    report.messages = messages;
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    await close();
    await gate.close();
  }
  return report;
};

/**
 * The gate's decision for the soak: the first invocation of the crashing function for a trip
 * stops at its planned call, before or after it. Calls are told apart by trip (its id in the
 * request) and by invocation (each has its own trace id).
 */
const crashingAt = (
  byTrip: Map<string, { crash: Crash | undefined }>,
  crashes: Record<string, number>,
) => {
  const first = new Map<string, string>();
  const counted = new Map<string, number>();
  return (call: GateCall): Verdict => {
    const tripId = /soak-\d+-\d+/.exec(call.body)?.[0];
    const crash = tripId ? byTrip.get(tripId)?.crash : undefined;
    if (!tripId || !crash || crash.function !== call.caller) return 'pass';
    const key = `${call.caller} ${tripId}`;
    if (!first.has(key)) first.set(key, call.invocation);
    if (first.get(key) !== call.invocation) return 'pass';
    const index = counted.get(key) ?? 0;
    counted.set(key, index + 1);
    if (index !== crash.call) return 'pass';
    crashes[call.caller] = (crashes[call.caller] ?? 0) + 1;
    return crash.when;
  };
};

const formatFaultReport = (report: FaultSoakReport): string => {
  const line = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  return [
    `Soak with outside faults: ${report.runs} runs, seed ${report.seed}, concurrency ${report.concurrency}`,
    `faults: ${line(report.faults)}`,
    `ends: ${line(report.ends)}`,
    `outcomes (from the table): ${line(report.outcomes)}`,
    `invariant violations: ${report.violations.length}`,
    ...report.violations.slice(0, 10).map((v) => `  ${v.tripId}: ${v.violations.join('; ')}`),
    `left live or open after the sweep and repair: ${report.leftAfterRepair.length}`,
    ...report.leftAfterRepair.slice(0, 10).map((left) => `  ${left}`),
    `crashes between writes: ${line(report.crashes)}`,
    `customers' messages: ${report.messages}, of which documented duplicates ${report.duplicates}`,
    `notice violations: ${report.noticeViolations.length}`,
    ...report.noticeViolations.slice(0, 10).map((v) => `  ${v.tripId}: ${v.violations.join('; ')}`),
    `time: ${report.seconds.toFixed(1)} s (${(report.runs / report.seconds).toFixed(0)} runs/s)`,
  ].join('\n');
};

const formatReport = (report: SoakReport): string => {
  const header = `${'run type'.padEnd(26)}${['runs', 'booked', 'undone', 'recorded', 'violated'].map((h) => h.padStart(10)).join('')}`;
  const rows = RUN_TYPES.map((runType) => {
    const counts = report.outcomes[runType];
    const total = counts.booked + counts.undone + counts.recorded + counts.violated;
    return `${runType.padEnd(26)}${[total, counts.booked, counts.undone, counts.recorded, counts.violated].map((n) => String(n).padStart(10)).join('')}`;
  });
  return [
    `Soak: ${report.runs} runs, seed ${report.seed}, concurrency ${report.concurrency}`,
    '',
    header,
    ...rows,
    '',
    `compensation attempts that failed at random and were retried: ${report.compensationFailures}`,
    `compensations that exhausted their retries (leftovers recorded): ${report.exhausted}`,
    `invariant violations: ${report.violations.length}`,
    ...report.violations
      .slice(0, 10)
      .map((v) => `  ${v.tripId} (${v.runType}): ${v.violations.join('; ')}`),
    `time: ${report.seconds.toFixed(1)} s (${(report.runs / report.seconds).toFixed(0)} runs/s)`,
  ].join('\n');
};

if (import.meta.main) {
  const { values } = readCommandLine(HELP, {
    options: {
      runs: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string' },
      faults: { type: 'string' },
      hostile: { type: 'boolean' },
      seconds: { type: 'string', default: '60' },
      runaway: { type: 'boolean' },
      report: { type: 'string' },
    },
  });
  /** Prints the report; with --report, also writes it, dated, with its command and machine. */
  const report = (title: string, options: string, text: string) => {
    console.log(text);
    if (!values.report) return;
    const heading = `# ${title}, ${new Date().toISOString().slice(0, 10)}`;
    const command = `\`npm run soak -- ${options}\` on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(1)} at the end`;
    writeFileSync(values.report, `${heading}\n\n${command}\n\n\`\`\`\n${text}\n\`\`\`\n`);
  };
  if (values.hostile) {
    const [seconds, seed, concurrency] = [
      values.seconds,
      values.seed,
      values.concurrency ?? '6',
    ].map(Number);
    if (
      ![seconds, seed, concurrency].every(
        (number) => Number.isInteger(number) && (number ?? 0) >= 1,
      )
    ) {
      usageError(HELP, '--seconds, --seed and --concurrency take whole numbers, at least 1');
    }
    const hostile = await hostileSoak({
      seconds: seconds ?? 60,
      seed: seed ?? 1,
      concurrency: concurrency ?? 6,
      runaway: values.runaway ?? false,
      log: (line) => console.error(line),
    });
    report(
      'Hostile soak',
      `--hostile --seconds ${seconds} --seed ${seed} --concurrency ${concurrency}${values.runaway ? ' --runaway' : ''}`,
      formatHostileReport(hostile),
    );
    process.exit(hostileSoakPassed(hostile) ? 0 : 1);
  }
  if (values.runaway) usageError(HELP, '--runaway goes with --hostile');
  const [runs, seed, concurrency] = [values.runs, values.seed, values.concurrency ?? '16'].map(
    Number,
  );
  if (
    !Number.isInteger(runs) ||
    !Number.isInteger(seed) ||
    !Number.isInteger(concurrency) ||
    (runs ?? 0) < 1 ||
    (concurrency ?? 0) < 1
  ) {
    usageError(
      HELP,
      '--runs, --seed and --concurrency take whole numbers; --runs and --concurrency at least 1',
    );
  }
  if (values.faults !== undefined && values.faults !== 'all') {
    usageError(
      HELP,
      `--faults takes "all" (faults from outside the saga's model), not "${values.faults}"`,
    );
  }
  if (values.faults === 'all') {
    const faulted = await soakWithFaults({
      runs: runs ?? 1,
      seed: seed ?? 1,
      concurrency: concurrency ?? 16,
    });
    report(
      'Soak with outside faults',
      `--runs ${runs} --seed ${seed} --concurrency ${concurrency} --faults all`,
      formatFaultReport(faulted),
    );
    const failures =
      faulted.violations.length + faulted.leftAfterRepair.length + faulted.noticeViolations.length;
    process.exit(failures === 0 ? 0 : 1);
  }
  const soaked = await soak({ runs: runs ?? 1, seed: seed ?? 1, concurrency: concurrency ?? 16 });
  report(
    'Soak',
    `--runs ${runs} --seed ${seed} --concurrency ${concurrency}`,
    formatReport(soaked),
  );
  process.exit(soaked.violations.length === 0 ? 0 : 1);
}
