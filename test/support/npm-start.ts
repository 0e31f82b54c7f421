/**
 * The real `npm start`, as the end-to-end tests run it: in its own process group (as a
 * terminal runs it), on ports the system gives it (port 0 for each), read back from its banner.
 * A port found free beforehand could be taken by another process on a busy machine before npm
 * start, seconds later, listens on it. The banner is waited for up to HANG_MS, and npm ending
 * first fails the wait with its output. `stopNpmStarts` (an afterAll) kills every group started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { HANG_MS } from './patience.ts';

/** The banner's last line. */
export const BANNER_END = 'Ctrl-C stops everything.';

/** The banner's lines that name a port, by their label. */
export type BannerLine =
  | 'HTTP API'
  | 'Lambda Invoke'
  | 'Step Functions'
  | 'DynamoDB'
  | 'SNS, EventBridge'
  | 'Console';

const EVERY_PORT_FROM_THE_SYSTEM = [
  ...['--api-port', '0', '--lambda-port', '0', '--sfn-port', '0', '--dynamodb-port', '0'],
  ...['--console-port', '0', '--messaging-port', '0'],
];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningNpmStart {
  child: ChildProcess;
  /** Its end: resolves once npm has exited. */
  ended: Promise<Exit>;
  /** Everything it has printed so far, stdout and stderr. */
  output: () => string;
  /** The URL (http://127.0.0.1:<port>) the banner gives for a line. */
  url: (line: BannerLine) => string;
  /** The port the banner gives for a line. */
  port: (line: BannerLine) => number;
}

const started: ChildProcess[] = [];

/** `promise`, or a failure saying `what` once `ms` have passed. */
export const within = async <T>(
  promise: Promise<T>,
  ms: number,
  what: () => string,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(what())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * `npm start -- <every port 0> <args>`; resolves once its banner is printed. `env` is its whole
 * environment (default: this process's, with npm's update check off); `onOutput` is told of each
 * chunk it prints, with the stream it came on.
 */
export const startNpmStart = async (
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  } = {},
): Promise<RunningNpmStart> => {
  const child = spawn('npm', ['start', '--', ...EVERY_PORT_FROM_THE_SYSTEM, ...args], {
    cwd: PROJECT_ROOT,
    env: options.env ?? { ...process.env, npm_config_update_notifier: 'false' },
    detached: true,
    stdio: 'pipe',
  });
  started.push(child);
  let output = '';
  const ended = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const bannerShown = new Promise<void>((resolve) => {
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        options.onOutput?.(chunk, name);
        if (output.includes(BANNER_END)) resolve();
      });
    }
  });
  await within(
    Promise.race([
      bannerShown,
      ended.then(({ code, signal }) => {
        throw new Error(`npm start ended (${code ?? signal}) before its banner:\n${output}`);
      }),
    ]),
    HANG_MS,
    () => `no banner after ${HANG_MS} ms:\n${output}`,
  );
  const url = (line: BannerLine) => {
    const found = new RegExp(`\\n *${line} +(http://127\\.0\\.0\\.1:\\d+)`).exec(output)?.[1];
    if (!found) throw new Error(`No ${line} URL in the banner:\n${output}`);
    return found;
  };
  return {
    child,
    ended,
    output: () => output,
    url,
    port: (line) => Number(new URL(url(line)).port),
  };
};

/** Kills every npm start's process group (and `others`, pids of their own groups), gone or not. */
export const stopNpmStarts = (others: readonly number[] = []): void => {
  const groups = started.flatMap((child) => (child.pid === undefined ? [] : [-child.pid]));
  for (const pid of [...groups, ...others]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
};
