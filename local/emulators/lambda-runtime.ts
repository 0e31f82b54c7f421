/**
 * The functions of template.yaml, run from their built bundles as the nodejs24.x runtime runs
 * them: loaded on first use (the cold start), called with the event as JSON and a Lambda
 * context, stopped waiting for at the function's Timeout, failures reported as the runtime
 * reports them ({ errorType, errorMessage, trace }).
 *
 * Each function runs in a worker thread of its own (lambda-worker.ts), started on its first
 * invocation: the Worker's `env` makes that thread's `process.env` exactly the function's
 * environment, so a handler reading a variable the template does not give it fails here as it
 * would on AWS, and nothing patches the process's own `process.env`. Why a worker: the handlers
 * read their variables once at module scope (functions/commons/env.ts), but the SDK and
 * Powertools they bundle or import read `process.env` later, lazily (region, endpoints,
 * credentials, the trace id), so a loader that injected an environment into the handler's module
 * alone would not reach them; a `node:vm` context would need the experimental module linker for
 * ES module bundles. A worker is Lambda's own model (one environment per function), costs a
 * cold start of tens of milliseconds and a few MB per function used, and keeps each function's
 * module instances apart, as separate sandboxes do.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';

type Environment = Record<string, string>;

export interface FunctionConfig {
  /** The function's name: its logical id. */
  name: string;
  arn: string;
  /** The built bundle (.aws-sam/build/<LogicalId>/<file>.mjs) and its exported handler. */
  bundle: string;
  handlerExport: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Exactly what the function sees in process.env. */
  environment: Environment;
}

export interface FunctionError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type InvokeResult =
  | { ok: true; payload: unknown; requestId: string }
  | { ok: false; error: FunctionError; requestId: string };

/** An invocation, as the main thread sends it to the function's worker. */
export interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
  /** When the function's Timeout is up (epoch ms), for getRemainingTimeInMillis. */
  deadline: number;
  traceId: string;
}

/** The worker's answer to an invocation. */
export type InvocationAnswer =
  | { id: number; ok: true; payload: unknown }
  | { id: number; ok: false; error: FunctionError };

/** A thrown value as the Node.js runtime reports it. */
export const toFunctionError = (error: unknown): FunctionError => {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
};

/** The JSON round trip Lambda puts every event and result through. */
export const asJson = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

const WORKER = new URL('./lambda-worker.ts', import.meta.url);

export class LocalFunction {
  readonly config: FunctionConfig;
  invocations = 0;
  /** The duration Lambda would bill, summed over invocations (whole ms, at least 1 each). */
  billedMilliseconds = 0;
  /** The function's execution environment, once started. */
  #worker: Worker | undefined;
  readonly #pending = new Map<number, (answer: InvocationAnswer) => void>();
  #nextId = 0;

  constructor(config: FunctionConfig) {
    this.config = config;
  }

  /** The function's worker, started on first use (or again after it exited). */
  #environment(): Worker {
    if (this.#worker) return this.#worker;
    const { environment, ...rest } = this.config;
    const worker = new Worker(WORKER, { workerData: rest, env: environment });
    // Only a pending invocation keeps the process alive: an idle function does not.
    worker.unref();
    worker.on('message', (answer: InvocationAnswer) => {
      const settle = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) worker.unref();
      settle?.(answer);
    });
    // The environment died (an error thrown outside any invocation, say): what was running in
    // it fails as Lambda reports a runtime that exited; the next invocation starts a new one.
    const exited = (errorMessage: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const [id, settle] of this.#pending) {
        settle({
          id,
          ok: false,
          error: { errorType: 'Runtime.ExitError', errorMessage, trace: [] },
        });
      }
      this.#pending.clear();
    };
    worker.on('error', (error) => exited(`RequestId: the runtime exited: ${error.message}`));
    worker.on('exit', (code) => exited(`Runtime exited with error: exit status ${code}`));
    this.#worker = worker;
    return worker;
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    const requestId = randomUUID();
    this.invocations++;
    const timeoutMs = this.config.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<InvokeResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            requestId,
            error: {
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${requestId} Error: Task timed out after ${this.config.timeoutSeconds.toFixed(2)} seconds`,
              trace: [],
            },
          }),
        timeoutMs,
      );
    });
    const started = performance.now();
    const run = new Promise<InvokeResult>((resolve) => {
      const id = this.#nextId++;
      const worker = this.#environment();
      this.#pending.set(id, (answer) =>
        resolve(
          answer.ok
            ? { ok: true, payload: answer.payload, requestId }
            : { ok: false, error: answer.error, requestId },
        ),
      );
      worker.ref();
      worker.postMessage({
        id,
        event: asJson(event),
        requestId,
        deadline,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      } satisfies Invocation);
    });
    try {
      // Like Lambda, stop waiting at the timeout; what the handler still does carries on
      // (a write in flight may land: the saga must cope with that, as on AWS).
      return await Promise.race([run, timedOut]);
    } finally {
      clearTimeout(timer);
      this.billedMilliseconds += Math.max(1, Math.ceil(performance.now() - started));
    }
  }

  /** Ends the function's environment, if it runs, and what still runs in it. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

/** The functions of the stack, found by name or ARN, as Lambda finds them. */
export class LocalLambda {
  readonly #functions = new Map<string, LocalFunction>();
  readonly region: string;
  readonly accountId: string;

  constructor(configs: FunctionConfig[], account: { region: string; accountId: string }) {
    for (const config of configs) this.#functions.set(config.name, new LocalFunction(config));
    this.region = account.region;
    this.accountId = account.accountId;
  }

  get functions(): LocalFunction[] {
    return [...this.#functions.values()];
  }

  /** Ends every function's environment. */
  async close(): Promise<void> {
    await Promise.all(this.functions.map((fn) => fn.close()));
  }

  /**
   * `Name`, `Name:$LATEST`, `arn:aws:lambda:<region>:<account>:function:Name[:$LATEST]`, or a
   * separate `qualifier`. Only $LATEST exists here: any other version or alias finds nothing,
   * for the Lambda API and for the saga's tasks alike.
   */
  find(nameOrArn: string, qualifier?: string): LocalFunction | undefined {
    const match = /^(?:arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:)?([\w-]+)(?::([\w$-]+))?$/.exec(
      nameOrArn,
    );
    const version = qualifier ?? match?.[2];
    if (!match || (version !== undefined && version !== '$LATEST')) return undefined;
    return this.#functions.get(match[1] ?? '');
  }
}
