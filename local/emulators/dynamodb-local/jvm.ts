/**
 * The JVM running DynamoDB Local for the platform: found on the machine, started on 127.0.0.1
 * and a free port (the launcher in LoopbackDynamoDBLocal.java), in memory or on disk, and ended
 * with the platform. Its standard input is a pipe from this process: close() ends the pipe and
 * the JVM exits; if this process dies instead (a crash, SIGKILL), the kernel closes the pipe and
 * the JVM exits all the same. It runs in its own process group, so a Ctrl-C reaches the platform,
 * which stops it in order, and not the JVM in the middle of a request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type Installed, LAUNCHER_CLASS } from './install.ts';

/** The `java` of JAVA_HOME, else the first on PATH; undefined when there is none. */
export const findJava = (environment: NodeJS.ProcessEnv = process.env): string | undefined => {
  const candidates = [
    ...(environment.JAVA_HOME ? [join(environment.JAVA_HOME, 'bin', 'java')] : []),
    ...(environment.PATH ?? '')
      .split(delimiter)
      .filter((folder) => folder !== '')
      .map((folder) => join(folder, 'java')),
  ];
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
};

export interface Jvm {
  /** The loopback address it answers on, for the proxy only. */
  endpoint: string;
  pid: number;
  /**
   * Settles when the JVM ends on its own (not through close()): how it ended (exit code or
   * signal) and the last of what it wrote on its standard error.
   */
  ended: Promise<string>;
  close: () => Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

const exited = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });

/**
 * Starts DynamoDB Local: in memory, or keeping its data in `dataDir` (-dbPath). `cors` is the one
 * origin it may name in Access-Control-Allow-Origin (its default is `*`).
 */
export const startJvm = async (options: {
  java: string;
  installed: Installed;
  dataDir?: string | undefined;
  cors: string;
}): Promise<Jvm> => {
  const { java, installed } = options;
  const storage = options.dataDir ? ['-dbPath', resolve(options.dataDir)] : ['-inMemory'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    java,
    [
      `-Djava.library.path=${join(installed.home, 'DynamoDBLocal_lib')}`,
      // One collector thread and no JIT at the highest tier: a faster start and less memory on a
      // small machine, for a server that handles one developer's requests.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      [installed.jar, installed.launcher].join(delimiter),
      LAUNCHER_CLASS,
      ...storage,
      '-disableTelemetry',
      '-cors',
      options.cors,
    ],
    {
      cwd: installed.home,
      // No telemetry (DynamoDB Local 1.24 and later send some unless told not to).
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors = (errors + chunk).slice(-4000);
  });
  const ended = exited(child);
  const port = await new Promise<number>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`DynamoDB Local did not start within ${STARTUP_TIMEOUT_MS} ms:\n${errors}`));
    }, STARTUP_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    void ended.then(() => {
      clearTimeout(timer);
      fail(new Error(`DynamoDB Local ended (${child.exitCode ?? child.signalCode}):\n${errors}`));
    });
    if (!child.stdout) return;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = /^listening on 127\.0\.0\.1:(\d+)$/.exec(line);
      if (!listening) return;
      clearTimeout(timer);
      ready(Number(listening[1]));
    });
  });
  // Neither the JVM nor its pipes keep this process alive: its end is what ends the JVM.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  let closing = false;
  // Never settles after close(): only an end the platform did not ask for is told.
  const endedOnItsOwn = new Promise<string>((tell) => {
    void ended.then(() => {
      if (closing) return;
      const how = child.signalCode
        ? `killed by ${child.signalCode}`
        : `exit code ${child.exitCode}`;
      const said = errors.trim();
      tell(said ? `${how}; it said: ${said.split('\n').slice(-3).join(' | ')}` : how);
    });
  });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    ended: endedOnItsOwn,
    close: async () => {
      closing = true;
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await ended;
      clearTimeout(timer);
    },
  };
};
