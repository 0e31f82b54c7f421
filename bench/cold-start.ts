/**
 * Cold starts: for each function, a fresh Node process loads its bundle and serves its first
 * event (bench/harness.mjs), timed from spawn to the answer. Beside them, in the same run and the
 * same harness: the floor the design sets, the same ReserveHotel step written bare on AWS SDK v3
 * (bench/baseline/reserve-hotel-bare-v3.mjs: no middy, Powertools, zod or layer, the same
 * DynamoDB call); the reference's handler with AWS SDK v2 bundled (as it must be on nodejs24.x);
 * and an empty handler, Node's own start. Run side by side: each round starts every one of them
 * once, in an order that turns from round to round, so that a machine busier at one moment than
 * at another weighs on all alike; each figure is the median of its rounds, after a round that
 * is not counted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  type BookingKind,
  COMPENSATIONS,
  makingStepOf,
  SAGA_STEPS,
} from '../functions/commons/bookings/steps.ts';
import { REFERENCE_TRIP } from '../functions/commons/trip/document.ts';
import type { LocalStack } from '../local/stack.ts';
import { PROJECT_ROOT } from '../local/template/template.ts';
import { median, round } from './stats.ts';

const BENCH = join(PROJECT_ROOT, 'bench');
const HARNESS = join(BENCH, 'harness.mjs');

export interface ColdStart {
  name: string;
  medianMs: number;
  runs: number;
  /** Inside the process: when the module was loaded, when the event was served (median). */
  loadedMs: number;
  servedMs: number;
  outcome: string;
  /** The packages the bundle imports (the AWS SDK's and the layer's), as it names them. */
  imports: string[];
}

/** One cold start: spawn to the harness's answer, in ms. */
const coldStart = (
  bundle: string,
  event: unknown,
  environment: Record<string, string>,
  folder: string,
) =>
  new Promise<{ wallMs: number; loaded: number; served: number; outcome: string }>(
    (resolve, reject) => {
      const eventFile = join(folder, `event-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(eventFile, JSON.stringify(event));
      const started = performance.now();
      const child = spawn(process.execPath, [HARNESS, bundle, eventFile], {
        env: { PATH: process.env.PATH ?? '', ...environment },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => {
        errors += chunk.toString();
        const line = errors.split('\n').find((candidate) => candidate.startsWith('COLD-START '));
        if (line) {
          const wallMs = performance.now() - started;
          const { loaded, served, outcome } = JSON.parse(line.slice('COLD-START '.length)) as {
            loaded: number;
            served: number;
            outcome: string;
          };
          resolve({ wallMs, loaded, served, outcome });
        }
      });
      child.on('exit', (code) => {
        if (!errors.includes('COLD-START '))
          reject(new Error(`${bundle} exited ${code} without serving: ${errors.slice(-400)}`));
      });
    },
  );

type Sample = Awaited<ReturnType<typeof coldStart>>;

/** The median figures of one subject's samples. */
const summary = (name: string, samples: Sample[], imports: string[]): ColdStart => ({
  name,
  runs: samples.length,
  medianMs: round(median(samples.map((sample) => sample.wallMs))),
  loadedMs: round(median(samples.map((sample) => sample.loaded))),
  servedMs: round(median(samples.map((sample) => sample.served))),
  outcome: [...new Set(samples.map((sample) => sample.outcome))].join(', '),
  imports,
});

/** The packages a built bundle imports (left external: the SDK, the layer's), node: ones aside. */
const importsOf = (bundle: string): string[] =>
  [
    ...new Set(
      [
        ...readFileSync(bundle, 'utf8').matchAll(
          /(?:from|import)\s*"((?:@[\w.-]+\/)?[\w.-]+)[^"]*"/g,
        ),
      ]
        .map(([, name]) => name ?? '')
        .filter((name) => name !== '' && !name.startsWith('node:')),
    ),
  ].sort();

const BASELINES = join(BENCH, 'baseline');

/** A handler of bench/baseline built into its dist/ folder, minified, `external` left out. */
const buildBaseline = async (file: string, format: 'cjs' | 'esm', external: string[] = []) => {
  const outfile = join(BASELINES, 'dist', file);
  await build({
    entryPoints: [join(BASELINES, file)],
    bundle: true,
    minify: true,
    platform: 'node',
    format,
    target: 'node24',
    external,
    outfile,
    logLevel: 'error',
  });
  return outfile;
};

/** The SDK v2 baseline, installed and built on demand inside bench/baseline (never shipped). */
const baselineBundle = async () => {
  if (!existsSync(join(BASELINES, 'node_modules', 'aws-sdk'))) {
    const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: BASELINES,
      stdio: 'inherit',
    });
    if (installed.status !== 0) throw new Error('Could not install aws-sdk v2 for the baseline');
  }
  return buildBaseline('reserve-hotel-v2.cjs', 'cjs');
};

/** The bare SDK v3 floor, built as the functions are: bundled, minified, the AWS SDK external. */
const bareV3Bundle = () => buildBaseline('reserve-hotel-bare-v3.mjs', 'esm', ['@aws-sdk/*']);

const tripOf = (id: string) => ({ trip_id: id, ...REFERENCE_TRIP, run_type: 'success' });

/** What each function is given as its first event, after whatever earlier steps it needs. */
const eventFor = async (stack: LocalStack, name: string, id: string): Promise<unknown> => {
  const trip = tripOf(id);
  const step = async (functionName: string, payload: unknown) => {
    const result = await stack.lambda.find(functionName)?.invoke(payload);
    if (!result?.ok) throw new Error(`Preparing ${name}: ${functionName} failed`);
  };
  const failure = { Error: 'InjectedTransientFailure', Cause: 'bench' };
  // A saga step or a compensation finds its booking made (by its kind's first step); the status
  // API finds the trip's first booking.
  const state = name.replace(/Function$/, '');
  const kind =
    SAGA_STEPS.find((candidate) => candidate.state === state)?.kind ??
    (COMPENSATIONS as Record<string, BookingKind | undefined>)[state] ??
    (name === 'GetTripFunction' ? SAGA_STEPS[0]?.kind : undefined);
  const making = kind && makingStepOf(kind);
  if (making && making !== state) await step(`${making}Function`, trip);
  switch (name) {
    case 'RepairTripFunction':
      await step('RecordLeftoverFunction', { compensation: 'CancelHotel', trip, failure });
      return { trip_id: id };
    case 'RecordLeftoverFunction':
      return { compensation: 'CancelHotel', trip, failure };
    default:
      break;
  }
  if (name === 'StartBookingFunction' || name === 'GetTripFunction') {
    const { readFileSync } = await import('node:fs');
    const fixture = name === 'StartBookingFunction' ? 'start-booking.json' : 'get-trip.json';
    const event = JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', fixture), 'utf8')) as Record<
      string,
      unknown
    >;
    return name === 'StartBookingFunction'
      ? { ...event, body: JSON.stringify(trip) }
      : { ...event, rawPath: `/trips/${id}`, pathParameters: { tripId: id } };
  }
  return trip;
};

/** What one cold start is of: a bundle, its environment, and its first event for a round. */
interface Subject {
  name: string;
  bundle: string;
  environment: Record<string, string>;
  event: (round: number) => Promise<unknown>;
}

export const FLOOR_NAME = 'ReserveHotel bare on AWS SDK v3 (the floor)';

export const measureColdStarts = async (stack: LocalStack, runs: number) => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  try {
    const baselineEnvironment = {
      TABLE_NAME: stack.tableName,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    };
    const functions: Subject[] = stack.lambda.functions.map(({ config }) => ({
      name: config.name,
      bundle: config.bundle,
      environment: config.environment,
      event: (round) => eventFor(stack, config.name, `cold-${config.name}-${round}`),
    }));
    const [floor, v2] = await Promise.all([bareV3Bundle(), baselineBundle()]);
    const references: Subject[] = [
      {
        name: FLOOR_NAME,
        bundle: floor,
        environment: baselineEnvironment,
        event: async (round) => tripOf(`cold-bare-v3-${round}`),
      },
      {
        name: 'reference ReserveHotel, AWS SDK v2 bundled',
        bundle: v2,
        environment: baselineEnvironment,
        event: async (round) => tripOf(`cold-v2-${round}`),
      },
      {
        name: 'empty Node process',
        bundle: join(BASELINES, 'empty.mjs'),
        environment: {},
        event: async () => ({}),
      },
    ];
    const subjects = [...functions, ...references];
    const samples = new Map(subjects.map((subject) => [subject.name, [] as Sample[]]));
    // Round 0 is a warm-up, not counted: the first load of each file from disk.
    for (let round = 0; round <= runs; round++) {
      for (let turn = 0; turn < subjects.length; turn++) {
        const subject = subjects[(turn + round) % subjects.length] as Subject;
        const event = await subject.event(round);
        const sample = await coldStart(subject.bundle, event, subject.environment, folder);
        if (round > 0) samples.get(subject.name)?.push(sample);
      }
    }
    const figures = (subject: Subject) =>
      summary(subject.name, samples.get(subject.name) ?? [], importsOf(subject.bundle));
    const [bareV3, baseline, empty] = references.map(figures) as [ColdStart, ColdStart, ColdStart];
    return { functions: functions.map(figures), floor: bareV3, baseline, empty };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};

/** The budget: each function's cold start at most this many times the floor's. */
export const FLOOR_FACTOR = 1.15;

/** A function's cold start set against the floor: within its budget, or by how much and why not. */
export interface AgainstFloor {
  name: string;
  medianMs: number;
  /** Milliseconds over the budget (0 within it). */
  overMs: number;
  /** How much later than the floor's its module is loaded, and its first event then served. */
  loadMs: number;
  serveMs: number;
  /** What its bundle imports that the floor's does not. */
  beyond: string[];
}

export const againstFloor = ({
  functions,
  floor,
}: Awaited<ReturnType<typeof measureColdStarts>>) => {
  const budgetMs = round(floor.medianMs * FLOOR_FACTOR);
  const rows: AgainstFloor[] = functions.map((fn) => ({
    name: fn.name,
    medianMs: fn.medianMs,
    overMs: round(Math.max(0, fn.medianMs - budgetMs)),
    loadMs: round(fn.loadedMs - floor.loadedMs),
    serveMs: round(fn.servedMs - fn.loadedMs - (floor.servedMs - floor.loadedMs)),
    beyond: fn.imports.filter((name) => !floor.imports.includes(name)),
  }));
  return { budgetMs, rows };
};
