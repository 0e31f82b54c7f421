/**
 * Cold starts: for each function, a fresh Node process loads its bundle and serves its first
 * event (bench/harness.mjs), timed from spawn to the answer, the median of several runs. Beside
 * them, in the same run: the reference's handler with AWS SDK v2 bundled (as it must be on
 * nodejs24.x), and an empty handler, the floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const measure = async (
  name: string,
  runs: number,
  run: (
    index: number,
  ) => Promise<{ wallMs: number; loaded: number; served: number; outcome: string }>,
): Promise<ColdStart> => {
  const results = [];
  for (let index = 0; index < runs; index++) results.push(await run(index));
  return {
    name,
    runs,
    medianMs: round(median(results.map((result) => result.wallMs))),
    loadedMs: round(median(results.map((result) => result.loaded))),
    servedMs: round(median(results.map((result) => result.served))),
    outcome: [...new Set(results.map((result) => result.outcome))].join(', '),
  };
};

/** The SDK v2 baseline, installed and built on demand inside bench/baseline (never shipped). */
const baselineBundle = async () => {
  const folder = join(BENCH, 'baseline');
  if (!existsSync(join(folder, 'node_modules', 'aws-sdk'))) {
    const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: folder,
      stdio: 'inherit',
    });
    if (installed.status !== 0) throw new Error('Could not install aws-sdk v2 for the baseline');
  }
  const outfile = join(folder, 'dist', 'reserve-hotel-v2.cjs');
  await build({
    entryPoints: [join(folder, 'reserve-hotel-v2.cjs')],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    outfile,
    logLevel: 'error',
  });
  return outfile;
};

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

export const measureColdStarts = async (stack: LocalStack, runs: number) => {
  const folder = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  try {
    const functions = [];
    for (const fn of stack.lambda.functions) {
      const { name, bundle, environment } = fn.config;
      functions.push(
        await measure(name, runs, async (index) => {
          const event = await eventFor(stack, name, `cold-${name}-${index}-${Date.now()}`);
          return coldStart(bundle, event, environment, folder);
        }),
      );
    }
    const baselineEnvironment = {
      TABLE_NAME: stack.tableName,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    };
    const v2 = await baselineBundle();
    const baseline = await measure('reference ReserveHotel, AWS SDK v2 bundled', runs, (index) =>
      coldStart(v2, tripOf(`cold-v2-${index}-${Date.now()}`), baselineEnvironment, folder),
    );
    const empty = await measure('empty Node process (the floor)', runs, () =>
      coldStart(join(BENCH, 'baseline', 'empty.mjs'), {}, {}, folder),
    );
    return { functions, baseline, empty };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};
