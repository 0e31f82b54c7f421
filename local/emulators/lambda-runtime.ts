/**
 * The functions of template.yaml, run from their built bundles as the nodejs24.x runtime runs
 * them: loaded on first use (the cold start), called with the event as JSON and a Lambda
 * context, stopped waiting for at the function's Timeout, failures reported as the runtime
 * reports them ({ errorType, errorMessage, trace }).
 *
 * They run in a thread of their own (lambda-host.ts, one per platform, started at the first
 * invocation), where each function sees only its own environment; this module, in the hosting
 * process, sends the invocations there and waits for them. The process's own `process.env` (the
 * platform's, the tests', the tools') is never patched: see lambda-host.ts for why the view
 * lives in that thread, and what the alternatives cost.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';

export type Environment = Record<string, string>;

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

/**
 * What an invocation gave. A result comes as the JSON text the function's thread wrote
 * (`payloadJson`), parsed only when `payload` is read: the Lambda API sends the text on as it
 * came, and a large result is never parsed on the thread that serves the ports for nothing.
 */
export type InvokeResult =
  | { ok: true; payload: unknown; payloadJson: string; requestId: string }
  | { ok: false; error: FunctionError; requestId: string };

/** A result whose `payload` is parsed from its text on first read. */
const resultOf = (payloadJson: string, requestId: string): InvokeResult => {
  let parsed: { value: unknown } | undefined;
  return {
    ok: true,
    payloadJson,
    requestId,
    get payload() {
      parsed ??= { value: JSON.parse(payloadJson) };
      return parsed.value;
    },
  };
};

/**
 * An invocation, as the hosting process sends it to the functions' thread: the event as JSON
 * text, as Lambda's runtime receives it (and as no structured clone could overflow on, however
 * deep the event nests), or as its UTF-8 bytes (a request's body, handed over without a copy
 * and decoded in that thread).
 */
export interface Invocation {
  id: number;
  name: string;
  event: string | Uint8Array;
  requestId: string;
  /** When the function's Timeout is up (epoch ms), for getRemainingTimeInMillis. */
  deadline: number;
  traceId: string;
}

/**
 * What an invocation gave: the result as JSON text, or the error as the runtime reports it, or
 * (`invalidEvent`) an event text that is not JSON, which ran nothing.
 */
export type Outcome =
  | { ok: true; payload: string }
  | { ok: false; error: FunctionError; invalidEvent?: true };

/** The functions' thread's answer to an invocation. */
export type InvocationAnswer = Outcome & { id: number };

/**
 * What a function wrote to its standard output or error, as Lambda sends it to the function's
 * log group: the text as written (a Powertools JSON line, say), its function, and the request
 * it ran for (none for what its module wrote while loading).
 */
export interface FunctionLogLine {
  function: string;
  requestId?: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The functions' thread telling of a write (lambda-host.ts). */
export interface LogMessage {
  log: FunctionLogLine;
}

/** Where a function's writes go when no one asks for them: the process's own streams. */
export const writeThrough = ({ stream, text }: FunctionLogLine) => {
  process[stream].write(text);
};

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

/** The JSON text Lambda makes of every event and result (undefined is null). */
export const toJson = (value: unknown): string => {
  const text = JSON.stringify(value === undefined ? null : value);
  // A function or a symbol has no JSON: Lambda fails to serialise it.
  if (text === undefined) throw new SyntaxError(`A ${typeof value} is not valid JSON`);
  return text;
};

const HOST = new URL('./lambda-host.ts', import.meta.url);

/**
 * An event over this size runs in a thread of its own (LocalLambda's second host), so that
 * parsing it (some 65 ms per 6 MB, with the garbage it leaves) holds up no other function: 1 MB,
 * Lambda's limit for an asynchronous event, and more than any event Step Functions or EventBridge
 * passes (256 KB). Only the Lambda API and the HTTP API take larger ones.
 */
const LARGE_EVENT_BYTES = 1024 * 1024;

/** How long the thread for large events is kept once it has nothing to run. */
const LARGE_EVENT_HOST_IDLE_MS = 30_000;

/**
 * The thread the functions run in (lambda-host.ts): started on first use, again if it died, never
 * again once closed. With `idleMs`, ended once it has had nothing to run that long (and started
 * again when needed): the memory of a thread used now and then is given back.
 */
export class FunctionHost {
  readonly #configs: FunctionConfig[];
  readonly #idleMs: number | undefined;
  readonly #onLog: (line: FunctionLogLine) => void;
  #worker: Worker | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #pending = new Map<number, (answer: InvocationAnswer) => void>();
  #nextId = 0;
  #closed = false;

  constructor(
    configs: FunctionConfig[],
    {
      idleMs,
      onLog = writeThrough,
    }: { idleMs?: number; onLog?: (line: FunctionLogLine) => void } = {},
  ) {
    this.#configs = configs;
    this.#idleMs = idleMs;
    this.#onLog = onLog;
  }

  #thread(): Worker {
    clearTimeout(this.#idleTimer);
    if (this.#worker) return this.#worker;
    const worker = new Worker(HOST, { workerData: this.#configs });
    // Only a pending invocation keeps the process alive: idle functions do not.
    worker.unref();
    worker.on('message', (message: InvocationAnswer | LogMessage) => {
      if ('log' in message) {
        this.#onLog(message.log);
        return;
      }
      const answer = message;
      const settle = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) {
        worker.unref();
        if (this.#idleMs !== undefined) {
          this.#idleTimer = setTimeout(() => {
            if (this.#worker !== worker || this.#pending.size > 0) return;
            this.#worker = undefined;
            void worker.terminate();
          }, this.#idleMs);
          this.#idleTimer.unref();
        }
      }
      settle?.(answer);
    });
    // The thread died (an error thrown outside any invocation, say): what ran in it fails as
    // Lambda reports a runtime that exited; the next invocation starts the functions afresh.
    const exited = (errorMessage: string) => {
      // Named where the platform's output goes (once: 'error' comes before 'exit').
      if (this.#worker === worker && !this.#closed) {
        console.error(
          `The functions' thread ended (${errorMessage}); ${this.#pending.size} invocation(s) in it failed with Runtime.ExitError, and the next invocation starts it again`,
        );
      }
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
    worker.on('error', (error) => exited(`Runtime exited with an error: ${error.message}`));
    worker.on('exit', (code) => exited(`Runtime exited with error: exit status ${code}`));
    this.#worker = worker;
    return worker;
  }

  /** True once close() was called: no thread runs, and none will. */
  get closed(): boolean {
    return this.#closed;
  }

  invoke(invocation: Omit<Invocation, 'id'>): Promise<InvocationAnswer> {
    const id = this.#nextId++;
    if (this.#closed) {
      // A thread started now would outlive the platform (nothing would end it): the invocation
      // fails as Lambda reports a runtime that is gone.
      return Promise.resolve({
        id,
        ok: false,
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited: the platform is closed; ${invocation.name} was not run`,
          trace: [],
        },
      });
    }
    return new Promise((resolve) => {
      const worker = this.#thread();
      this.#pending.set(id, resolve);
      worker.ref();
      const { event } = invocation;
      // Bytes that own their whole buffer move to the thread instead of being copied.
      const movable =
        typeof event !== 'string' &&
        event.byteOffset === 0 &&
        event.byteLength === event.buffer.byteLength &&
        event.buffer instanceof ArrayBuffer;
      worker.postMessage(
        { id, ...invocation } satisfies Invocation,
        movable ? [event.buffer as ArrayBuffer] : [],
      );
    });
  }

  /** Ends the thread, and whatever still runs in it; later invocations fail without a thread. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

export class LocalFunction {
  readonly config: FunctionConfig;
  readonly #host: FunctionHost;
  readonly #largeEventHost: FunctionHost;
  invocations = 0;
  /** The duration Lambda would bill, summed over invocations (whole ms, at least 1 each). */
  billedMilliseconds = 0;

  /**
   * A function on `host`, shared with the platform's other functions, or on a host of its own;
   * an event over LARGE_EVENT_BYTES runs on `largeEventHost` (by default `host`).
   */
  constructor(config: FunctionConfig, host = new FunctionHost([config]), largeEventHost = host) {
    this.config = config;
    this.#host = host;
    this.#largeEventHost = largeEventHost;
  }

  async invoke(event: unknown): Promise<InvokeResult> {
    let eventJson: string;
    try {
      eventJson = toJson(event);
    } catch (error) {
      this.invocations++;
      return { ok: false, error: toFunctionError(error), requestId: randomUUID() };
    }
    const result = await this.invokeJson(eventJson);
    // Text toJson wrote is always JSON: this is for the type checker.
    if ('invalidEvent' in result) {
      const error = toFunctionError(new SyntaxError(result.invalidEvent));
      return { ok: false, error, requestId: randomUUID() };
    }
    return result;
  }

  /**
   * Invokes the function with an event given as JSON text (or its UTF-8 bytes, which are handed
   * over: the caller must not use them again), sent to the functions' thread as it is, nothing
   * parsed or copied value by value here. Text that is not JSON runs nothing: `invalidEvent`
   * says why, as Lambda's InvalidRequestContentException would.
   */
  async invokeJson(
    eventJson: string | Uint8Array,
  ): Promise<InvokeResult | { invalidEvent: string }> {
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
    const host = eventJson.length > LARGE_EVENT_BYTES ? this.#largeEventHost : this.#host;
    const run = host
      .invoke({
        name: this.config.name,
        event: eventJson,
        requestId,
        deadline,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      })
      .then((answer): InvokeResult | { invalidEvent: string } => {
        if (answer.ok) return resultOf(answer.payload, requestId);
        if (answer.invalidEvent) return { invalidEvent: answer.error.errorMessage };
        return { ok: false, error: answer.error, requestId };
      });
    try {
      // Like Lambda, stop waiting at the timeout; what the handler still does carries on
      // (a write in flight may land: the caller must cope with that, as on AWS).
      const result = await Promise.race([run, timedOut]);
      if ('invalidEvent' in result) this.invocations--;
      else this.billedMilliseconds += Math.max(1, Math.ceil(performance.now() - started));
      return result;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the threads this function runs in. */
  async close(): Promise<void> {
    await Promise.all([this.#host.close(), this.#largeEventHost.close()]);
  }
}

/** The functions of the stack, found by name or ARN, as Lambda finds them. */
export class LocalLambda {
  readonly #functions = new Map<string, LocalFunction>();
  readonly region: string;
  readonly accountId: string;

  readonly #host: FunctionHost;
  readonly #largeEventHost: FunctionHost;

  /** `onLog` is given what the functions write (default: the process's own streams). */
  constructor(
    configs: FunctionConfig[],
    account: { region: string; accountId: string },
    onLog?: (line: FunctionLogLine) => void,
  ) {
    this.#host = new FunctionHost(configs, onLog ? { onLog } : {});
    this.#largeEventHost = new FunctionHost(configs, {
      idleMs: LARGE_EVENT_HOST_IDLE_MS,
      ...(onLog ? { onLog } : {}),
    });
    for (const config of configs) {
      this.#functions.set(config.name, new LocalFunction(config, this.#host, this.#largeEventHost));
    }
    this.region = account.region;
    this.accountId = account.accountId;
  }

  get functions(): LocalFunction[] {
    return [...this.#functions.values()];
  }

  /** True once closed: the functions' thread has ended, and no invocation starts another. */
  get closed(): boolean {
    return this.#host.closed;
  }

  /** Ends the functions' threads. */
  async close(): Promise<void> {
    await Promise.all([this.#host.close(), this.#largeEventHost.close()]);
  }

  /**
   * `Name`, `Name:$LATEST`, `arn:aws:lambda:<region>:<account>:function:Name[:$LATEST]`, or a
   * separate `qualifier`. Only $LATEST exists here: any other version or alias finds nothing,
   * for the Lambda API and for a state machine's tasks alike.
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
