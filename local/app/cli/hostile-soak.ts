/**
 * `npm run soak -- --hostile [--seconds N] [--seed S] [--concurrency C] [--runaway]`: the real
 * `npm start` (its own process, free ports, the console and the messaging port included) under
 * hostile traffic on every port (local/checks/hostile.ts) for N seconds, while bookings go on
 * through the API and a steady probe times one request per port every 100 ms from a thread of
 * its own (local/checks/probe.ts). Reports the crashes (npm start ended: it is started again and
 * the run goes on), the stalls (a probe slower than 1 s), the requests left hanging, the 5xx the
 * platform answered, and the bookings that did not end; exits 1 unless crashes, stalls and
 * hanging requests are all 0.
 *
 * `--runaway` adds state machines whose JSONata recurses without end or runs long: they pass
 * only once the Step Functions engine bounds each evaluation (issue 20's second point).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { REFERENCE_TRIP } from '#trip/document.ts';
import { emptyHostileReport, type HostileReport, hostileTraffic } from '../../checks/hostile.ts';
import { type ProbeStats, probesFor, startProbe } from '../../checks/probe.ts';
import { tablesOf } from '../../emulators/dynamodb.ts';
import { messagingOf } from '../../emulators/messaging.ts';
import { freePorts } from '../../http/http-server.ts';
import { localAccount } from '../../template/resolve.ts';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../../template/template.ts';

export interface HostileSoakOptions {
  seconds: number;
  seed: number;
  concurrency: number;
  runaway: boolean;
  /** Build the functions first (npm start's default) or run what .aws-sam/build holds. */
  build?: boolean;
  /** Told each line worth showing while it runs. */
  log?: (line: string) => void;
}

export interface HostileSoakReport {
  options: HostileSoakOptions;
  crashes: { afterSeconds: number; how: string; output: string }[];
  probes: ProbeStats[];
  traffic: HostileReport;
  bookings: { started: number; ended: number; notEnded: string[] };
}

const BANNER_END = 'Ctrl-C stops everything.';
const STARTUP_MS = 120_000;

/** `npm start` on these ports in its own process group; resolves once its banner is out. */
const npmStart = async (ports: number[], build: boolean) => {
  const [api, lambda, sfn, dynamodb, consolePort, messaging] = ports.map(String);
  const child = spawn(
    'npm',
    [
      'start',
      '--',
      ...(['--api-port', api, '--lambda-port', lambda, '--sfn-port', sfn] as string[]),
      ...(['--dynamodb-port', dynamodb, '--console-port', consolePort] as string[]),
      ...(['--messaging-port', messaging] as string[]),
      ...['--retry-delay-ms', '0', '--parameter-overrides', 'LogLevel=ERROR'],
      ...(build ? [] : ['--skip-build']),
    ],
    { cwd: PROJECT_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      output = (output + chunk).slice(-20_000);
    });
  }
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) =>
      resolve(signal ? `signal ${signal}` : `exit code ${code}`),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start gave no banner:\n${output}`)),
      STARTUP_MS,
    );
    const check = () => {
      if (!output.includes(BANNER_END)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', check);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`npm start ended (${how}) before its banner:\n${output}`));
    });
  });
  return { child, exited, output: () => output };
};

const stopGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

/** Books the reference trip through the API and follows it to its end, or gives up after a minute. */
const bookAndFollow = async (api: string, tripId: string): Promise<boolean> => {
  const response = await fetch(`${api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP, run_type: 'failPayment' }),
  }).catch(() => undefined);
  if (response?.status !== 202) return false;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const status = await fetch(`${api}/trips/${tripId}`)
      .then(
        (answer) =>
          answer.json() as Promise<{ saga_status?: string; execution?: { status?: string } }>,
      )
      .catch(() => undefined);
    if (
      status?.saga_status &&
      status.saga_status !== 'running' &&
      status.execution?.status !== 'RUNNING'
    )
      return true;
  }
  return false;
};

export const hostileSoak = async (options: HostileSoakOptions): Promise<HostileSoakReport> => {
  const log = options.log ?? (() => undefined);
  const ports = await freePorts(6);
  const [api, lambda, sfn, dynamodb, consolePort, messaging] = ports;
  const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
  const endpoints = {
    api: url(api),
    lambda: url(lambda),
    sfn: url(sfn),
    dynamodb: url(dynamodb),
    messaging: url(messaging),
    console: url(consolePort),
  };
  const account = localAccount();
  const template = readTemplate();
  const machine =
    Object.entries(template.Resources).find(
      ([, resource]) => resource.Type === 'AWS::Serverless::StateMachine',
    )?.[0] ?? '';
  const { topicArns, busNames } = messagingOf(template, account);
  const report: HostileSoakReport = {
    options,
    crashes: [],
    probes: [],
    traffic: emptyHostileReport(),
    bookings: { started: 0, ended: 0, notEnded: [] },
  };
  const startedAt = performance.now();
  let platform = await npmStart(ports, options.build ?? true);
  let running = true;
  // A crash is counted, told, and the platform started again on the same ports: the run goes on.
  const watch = (current: typeof platform) => {
    void current.exited.then(async (how) => {
      if (!running) return;
      const afterSeconds = (performance.now() - startedAt) / 1000;
      report.crashes.push({ afterSeconds, how, output: current.output().slice(-4000) });
      log(`npm start ended (${how}) after ${afterSeconds.toFixed(0)} s: starting it again`);
      for (let attempt = 1; ; attempt++) {
        try {
          platform = await npmStart(ports, false);
          break;
        } catch (error) {
          if (attempt >= 3) {
            log(`npm start did not start again: ${(error as Error).message}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
      watch(platform);
    });
  };
  watch(platform);
  const stopProbe = startProbe(probesFor(endpoints, '/trips/probe-no-such-trip'));
  const bookings = (async () => {
    let serial = 0;
    const until = performance.now() + options.seconds * 1000;
    while (performance.now() < until) {
      const tripId = `hostile-${options.seed}-${serial++}`;
      report.bookings.started++;
      if (await bookAndFollow(endpoints.api, tripId)) report.bookings.ended++;
      else report.bookings.notEnded.push(tripId);
    }
  })();
  try {
    const [traffic] = await Promise.all([
      hostileTraffic(
        {
          endpoints,
          // What the template declares: its state machine, table, first function, topic and bus.
          stateMachineArn: `arn:aws:states:${account.region}:${account.accountId}:stateMachine:${machine}`,
          tableName: tablesOf(template)[0]?.logicalId ?? '',
          functionName: functionsOf(template)[0]?.logicalId ?? '',
          topicArn: topicArns[0] ?? '',
          busName: busNames.at(-1) ?? 'default',
          samples: [
            {
              port: 'api',
              method: 'POST',
              path: '/trips',
              body: { trip_id: 'hostile', ...REFERENCE_TRIP },
            },
            {
              port: 'console',
              method: 'POST',
              path: '/api/start',
              body: { run_type: 'success' },
            },
            { port: 'api', method: 'GET', path: '/trips/hostile' },
          ],
        },
        {
          durationMs: options.seconds * 1000,
          seed: options.seed,
          concurrency: options.concurrency,
          runaway: options.runaway,
        },
      ),
      bookings,
    ]);
    report.traffic = traffic;
  } finally {
    report.probes = await stopProbe();
    running = false;
    stopGroup(platform.child, 'SIGINT');
    const ended = await Promise.race([
      platform.exited,
      new Promise((resolve) => setTimeout(resolve, 15_000, undefined)),
    ]);
    if (ended === undefined) stopGroup(platform.child, 'SIGKILL');
  }
  return report;
};

export const formatHostileReport = (report: HostileSoakReport): string => {
  const { options, traffic, probes, crashes, bookings } = report;
  const results = Object.entries(traffic.results)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([port, counts]) =>
        `  ${port.padEnd(10)} ${Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([result, count]) => `${result} ${count}`)
          .join(', ')}`,
    );
  const stalls = probes.reduce((sum, probe) => sum + probe.stalls, 0);
  return [
    `Hostile soak: ${traffic.seconds.toFixed(0)} s, seed ${options.seed}, ${options.concurrency} hostile requests at once, runaway state machines ${options.runaway ? `included (${traffic.runaways} started)` : 'not included'}`,
    `crashes (npm start ended): ${crashes.length}`,
    ...crashes.map(
      (crash) =>
        `  after ${crash.afterSeconds.toFixed(0)} s, ${crash.how}:\n${crash.output.slice(-1500)}`,
    ),
    `stalls (a probe over 1 s): ${stalls}`,
    ...probes.map(
      (probe) =>
        `  ${probe.name.padEnd(10)} ${String(probe.count).padStart(6)} probes, max ${probe.maxMs.toFixed(0)} ms, p99 ${probe.p99Ms.toFixed(0)} ms, stalls ${probe.stalls}, unanswered ${probe.failed}`,
    ),
    `hostile requests: ${traffic.requests}, by port and outcome (status, or how the connection ended):`,
    ...results,
    `requests left hanging (no answer in 30 s): ${traffic.unanswered.length}`,
    ...traffic.unanswered.slice(0, 10).map((outcome) => `  ${outcome.port} ${outcome.kind}`),
    `5xx from the platform (not a function's own failure, not a 503 to come back): ${traffic.serverErrors.length}`,
    ...traffic.serverErrors
      .slice(0, 10)
      .map((outcome) => `  ${outcome.port} ${outcome.kind}: ${outcome.result}`),
    `bookings through the API meanwhile: ${bookings.started} started, ${bookings.ended} followed to their end${bookings.notEnded.length > 0 ? `, not ended: ${bookings.notEnded.slice(0, 5).join(', ')}` : ''}`,
  ].join('\n');
};

/** Whether the run met the bar: no crash, no stall, no request left hanging. */
export const hostileSoakPassed = (report: HostileSoakReport) =>
  report.crashes.length === 0 &&
  report.probes.every((probe) => probe.stalls === 0) &&
  report.traffic.unanswered.length === 0;
