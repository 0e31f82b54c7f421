/**
 * `npm run soak -- --runs N --seed S [--concurrency C]`: N executions through the offline
 * platform (the Step Functions API, the real handlers, the emulated DynamoDB). Each books a trip
 * with a random run type (random forward failures) while compensations fail at the template's
 * 40 %, retries not waiting. After every run the invariant is checked. Prints the runs, the
 * outcomes per path, the violations and the time; exits 1 if any run violated the invariant.
 * The same seed gives the same runs, whatever the concurrency.
 *
 * `--faults all` adds faults from outside the saga's own model to a share of the runs (see
 * `outsideFault`), starts every trip through the HTTP API (so each has its trip record), and
 * checks each trip from the table once everything its end set off has run; then the sweep and a
 * repair of every trip must leave nothing live on any trip that did not book.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isLive, queryTripItems, readTripItems, tripItemsOf } from '#commons/trip-items.ts';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  type RunType,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip.ts';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { type Fault, type FaultPlan, injectFaults } from '../checks/faults.ts';
import { checkInvariant, type InvariantCheck } from '../checks/invariant.ts';
import { mapConcurrently, seededRandom } from '../checks/runs.ts';
import { type StackOptions, startStack } from '../stack.ts';
import { readDefinition } from '../template/asl.ts';
import { readCommandLine, usageError } from './command-line.ts';

const HELP = `Usage: npm run soak -- --runs <N> --seed <S> [--concurrency <C>] [--faults all]

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
                        half the runs, then the sweep and a repair of every trip; exits 1 if
                        anything is left live or open
  --help                this text
`;

export interface SoakOptions {
  runs: number;
  seed: number;
  concurrency?: number;
  /** Stack options (the tests pass their prebuilt functions). */
  stack?: StackOptions;
}

export interface FaultSoakOptions extends SoakOptions {
  /** When a stuck execution times out (default SOAK_EXECUTION_TIMEOUT_MS). */
  executionTimeoutMs?: number;
}

/** Every Task state of the saga, where an outside fault can land (read from the ASL). */
const TASKS = Object.entries(readDefinition().States)
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
 * A stuck task runs into this execution timeout (the ASL's 5,400 s, shortened for the soak). A
 * run that is not stuck but slow (a busy machine) may reach it too and end TIMED_OUT: the
 * invariant holds either way, but which ends a soak reaches then depends on the machine's load.
 * The test gives a longer one (`executionTimeoutMs`), which only stuck tasks reach.
 */
const SOAK_EXECUTION_TIMEOUT_MS = 1_000;

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
  violations: { tripId: string; violations: string[] }[];
  /** Live bookings or open leftovers on trips that did not book, after the sweep and repair. */
  leftAfterRepair: string[];
}

type Outcome = InvariantCheck['outcome'];

export interface SoakReport {
  runs: number;
  seed: number;
  concurrency: number;
  seconds: number;
  outcomes: Record<RunType, Record<Outcome, number>>;
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
  executionTimeoutMs = SOAK_EXECUTION_TIMEOUT_MS,
}: FaultSoakOptions): Promise<FaultSoakReport> => {
  const choose = seededRandom(seed).next;
  const plan = Array.from({ length: runs }, (_, index) => ({
    tripId: `soak-${seed}-${index}`,
    runType: RUN_TYPES[Math.floor(choose() * RUN_TYPES.length)] ?? 'success',
    fault: outsideFault(choose),
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
  const { stack, service, clients, close } = await startSoakStack(seed, {
    executionTimeoutMs,
    ...stackOptions,
  });
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
    violations: [],
    leftAfterRepair: [],
  };
  const count = (counts: Record<string, number>, key: string) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const started = performance.now();
  try {
    await mapConcurrently(plan, concurrency, async (run) => {
      count(report.faults, run.fault?.kind ?? 'none');
      const response = await fetch(`${stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ trip_id: run.tripId, ...REFERENCE_TRIP, run_type: run.runType }),
      });
      const { execution_arn } = (await response.json()) as { execution_arn: string };
      await service.execution(execution_arn).done;
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
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    await close();
  }
  return report;
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
      concurrency: { type: 'string', default: '16' },
      faults: { type: 'string' },
    },
  });
  const [runs, seed, concurrency] = [values.runs, values.seed, values.concurrency].map(Number);
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
    const report = await soakWithFaults({
      runs: runs ?? 1,
      seed: seed ?? 1,
      concurrency: concurrency ?? 16,
    });
    console.log(formatFaultReport(report));
    process.exit(report.violations.length + report.leftAfterRepair.length === 0 ? 0 : 1);
  }
  const report = await soak({ runs: runs ?? 1, seed: seed ?? 1, concurrency: concurrency ?? 16 });
  console.log(formatReport(report));
  process.exit(report.violations.length === 0 ? 0 : 1);
}
