/**
 * Throughput and latency through the offline platform's HTTP API: POST /trips at a fixed
 * concurrency, each booking timed from the request to its execution's end. Beside it, the
 * local DynamoDB's raw write ceiling (PutItem/s at concurrency 32). And the peak memory of a
 * real `npm start` process under concurrency 32, read from /proc (VmHWM).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '../functions/commons/trip/document.ts';
import { LOCAL_CREDENTIALS } from '../local/aws/credentials.ts';
import { freePorts } from '../local/http/http-server.ts';
import type { LocalStack } from '../local/stack.ts';
import { PROJECT_ROOT } from '../local/template/template.ts';
import { mapConcurrently, percentile, round } from './stats.ts';

/** Every run type that fails a step, one of each. */
export const FAILURE_MIX: RunType[] = RUN_TYPES.filter((runType) => runType !== 'success');

export interface Level {
  scenario: string;
  concurrency: number;
  sagas: number;
  sagasPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** POST /trips, then wait for the execution's end; returns the latency in ms. */
const book = async (
  api: string,
  tripId: string,
  runType: RunType,
  waitForEnd: (executionArn: string) => Promise<void>,
) => {
  const started = performance.now();
  const response = await fetch(`${api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType }),
  });
  const body = (await response.json()) as { execution_arn?: string };
  if (response.status !== 202 || !body.execution_arn)
    throw new Error(`Booking refused: ${response.status} ${JSON.stringify(body)}`);
  await waitForEnd(body.execution_arn);
  return performance.now() - started;
};

export const runLevel = async (
  api: string,
  scenario: string,
  runTypes: RunType[],
  concurrency: number,
  sagas: number,
  waitForEnd: (executionArn: string) => Promise<void>,
): Promise<Level> => {
  const run = `${scenario.replace(/\W/g, '')}-${concurrency}-${Date.now()}`;
  const started = performance.now();
  const latencies = await mapConcurrently(
    Array.from({ length: sagas }, (_, index) => index),
    concurrency,
    (index) =>
      book(
        api,
        `bench-${run}-${index}`,
        runTypes[index % runTypes.length] ?? 'success',
        waitForEnd,
      ),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    scenario,
    concurrency,
    sagas,
    sagasPerSecond: round(sagas / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
  };
};

/** Every level, for the success path and the failure mix, on the in-process platform. */
export const measureThroughput = async (
  stack: LocalStack,
  levels: number[],
  sagasAt: (concurrency: number) => number,
) => {
  const service = stack.stepFunctions;
  if (!service) throw new Error('The bench runs on the built-in Step Functions');
  const waitForEnd = (executionArn: string) => service.execution(executionArn).done;
  const results: Level[] = [];
  for (const [scenario, runTypes] of [
    ['success', ['success']],
    ['failure mix', FAILURE_MIX],
  ] as [string, RunType[]][]) {
    for (const concurrency of levels) {
      // A warm-up at the level's concurrency, not counted: module instances loaded, sockets open.
      await runLevel(
        stack.endpoints.api,
        `warm-up ${scenario}`,
        runTypes,
        concurrency,
        concurrency * 2,
        waitForEnd,
      );
      results.push(
        await runLevel(
          stack.endpoints.api,
          scenario,
          runTypes,
          concurrency,
          sagasAt(concurrency),
          waitForEnd,
        ),
      );
    }
  }
  return results;
};

/** The local DynamoDB's raw write rate: PutItem/s at concurrency 32. */
export const measureWriteCeiling = async (
  { endpoint, tableName }: { endpoint: string; tableName: string },
  puts: number,
) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const put = (key: string) =>
    client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: key }, sk: { S: 'ITEM' }, transaction_status: { S: 'pending' } },
      }),
    );
  const indexes = (count: number) => Array.from({ length: count }, (_, index) => index);
  // Warmed up as the sagas are, so that neither side of the ratio is flattered.
  await mapConcurrently(indexes(Math.ceil(puts / 10)), 32, (index) => put(`warm-up-${index}`));
  const started = performance.now();
  await mapConcurrently(indexes(puts), 32, (index) => put(`ceiling-${index}`));
  const putsPerSecond = puts / ((performance.now() - started) / 1000);
  client.destroy();
  return { concurrency: 32, puts, putsPerSecond: round(putsPerSecond) };
};

/** The node arguments of package.json's start script ("exec node <flags> local/cli/start.ts"). */
const npmStartArguments = () => {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = (scripts.start ?? '').split(/\s+/).filter((word) => word !== 'exec');
  if (words[0] !== 'node') throw new Error(`npm start is not a node command: ${scripts.start}`);
  return words.slice(1);
};

/** Peak and current RSS of a process, in MB, from /proc. */
export const rssOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const megabytes = (field: string) =>
    round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024);
  return { peakRssMb: megabytes('VmHWM'), rssMb: megabytes('VmRSS') };
};

export interface PlatformProcess {
  child: ChildProcess;
  ports: { api: number; sfn: number; dynamodb: number };
  banner: string;
  /** From spawn to the banner's last line. */
  startMs: number;
  /** A booking's end, as a client of npm start learns it: DescribeExecution, backing off. */
  waitForEnd: (executionArn: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** A real `npm start` (the start script's own node command, built already) on free ports. */
export const startPlatformProcess = async (extra: string[] = []): Promise<PlatformProcess> => {
  const [api = 0, lambda = 0, sfn = 0, dynamodb = 0, consolePort = 0] = await freePorts(5);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...npmStartArguments(),
      '--skip-build',
      '--retry-delay-ms',
      '0',
      '--api-port',
      String(api),
      '--lambda-port',
      String(lambda),
      '--sfn-port',
      String(sfn),
      '--dynamodb-port',
      String(dynamodb),
      '--console-port',
      String(consolePort),
      '--parameter-overrides',
      'LogLevel=SILENT',
      ...extra,
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const banner = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything.')) resolve(output);
    });
    child.once('exit', (code) =>
      reject(new Error(`npm start exited ${code}: ${output.slice(-500)}${errors}`)),
    );
  });
  const startMs = round(performance.now() - started);
  const client = new SFNClient({
    endpoint: `http://127.0.0.1:${sfn}`,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    child,
    ports: { api, sfn, dynamodb },
    banner,
    startMs,
    waitForEnd: async (executionArn) => {
      for (let pause = 10; ; pause = Math.min(200, pause * 1.5)) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (status !== 'RUNNING') return;
      }
    },
    stop: async () => {
      client.destroy();
      child.kill('SIGTERM');
      await exited;
    },
  };
};

/**
 * A real `npm start` (its node process, as the start script runs it) under a load at concurrency
 * 32: its RSS after each checkpoint's number of bookings (1,000 and 10,000: memory must not grow
 * with the bookings made), and its peak. The throughput reported is the first checkpoint's.
 */
export const measurePlatformMemory = async (checkpoints: number[]) => {
  const platform = await startPlatformProcess();
  try {
    const levels: Level[] = [];
    const rssAt: { bookings: number; rssMb: number }[] = [];
    let booked = 0;
    for (const checkpoint of checkpoints) {
      levels.push(
        await runLevel(
          `http://127.0.0.1:${platform.ports.api}`,
          'npm start, success and failure mix',
          ['success', ...FAILURE_MIX],
          32,
          checkpoint - booked,
          platform.waitForEnd,
        ),
      );
      booked = checkpoint;
      rssAt.push({ bookings: booked, rssMb: rssOf(platform.child.pid ?? 0).rssMb });
    }
    const [first] = levels;
    if (!first) throw new Error('no checkpoint to measure memory at');
    return {
      ...first,
      rssAt,
      peakRssMb: rssOf(platform.child.pid ?? 0).peakRssMb,
      rssAfterMb: rssAt.at(-1)?.rssMb ?? Number.NaN,
    };
  } finally {
    await platform.stop();
  }
};
