/**
 * `npm run soak -- --runs N --seed S [--concurrency C]`: N executions through the offline
 * platform (the Step Functions API, the real handlers, the emulated DynamoDB). Each books a trip
 * with a random run type (random forward failures) while compensations fail at the template's
 * 40 %, retries not waiting. After every run the invariant is checked. Prints the runs, the
 * outcomes per path, the violations and the time; exits 1 if any run violated the invariant.
 * The same seed gives the same runs, whatever the concurrency.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  type RunType,
  TripSchema,
  toExecutionInput,
} from '../functions/commons/trip.ts';
import { LOCAL_CREDENTIALS, tripItems } from './dynamodb.ts';
import { checkInvariant, type InvariantCheck } from './invariant.ts';
import { type StackOptions, startStack } from './stack.ts';

export interface SoakOptions {
  runs: number;
  seed: number;
  concurrency?: number;
  /** Stack options (the tests pass their prebuilt functions). */
  stack?: StackOptions;
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

/** mulberry32: the soak's own seeded choice of run types. */
const random = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const soak = async ({
  runs,
  seed,
  concurrency = 16,
  stack: stackOptions = {},
}: SoakOptions): Promise<SoakReport> => {
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
  const config = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const sfn = new SFNClient({ ...config, endpoint: stack.endpoints.sfn });
  const dynamodb = new DynamoDBClient({ ...config, endpoint: stack.endpoints.dynamodb });
  const service = stack.stepFunctions;
  if (!service) throw new Error('The soak runs on the built-in Step Functions (no SFN_ENDPOINT)');

  const choose = random(seed);
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
    const check = checkInvariant(status, error, await tripItems(dynamodb, stack.tableName, tripId));
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
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, runs) }, async () => {
        while (next < plan.length) {
          const run = plan[next++];
          if (run) await runOne(run);
        }
      }),
    );
  } finally {
    report.seconds = (performance.now() - started) / 1000;
    sfn.destroy();
    dynamodb.destroy();
    await stack.close();
  }
  return report;
};

export const formatReport = (report: SoakReport): string => {
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
  const { parseArgs } = await import('node:util');
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '16' },
    },
  });
  const [runs, seed, concurrency] = [values.runs, values.seed, values.concurrency].map(Number);
  if (
    !Number.isInteger(runs) ||
    !Number.isInteger(seed) ||
    !Number.isInteger(concurrency) ||
    (runs ?? 0) < 1
  ) {
    console.error('Usage: npm run soak -- --runs <N> --seed <S> [--concurrency <C>]');
    process.exit(2);
  }
  const report = await soak({ runs: runs ?? 1, seed: seed ?? 1, concurrency: concurrency ?? 16 });
  console.log(formatReport(report));
  process.exit(report.violations.length === 0 ? 0 : 1);
}
