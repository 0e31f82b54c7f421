/**
 * The functions of template.yaml, run in this process from their built bundles as the nodejs24.x
 * runtime runs them: loaded on first use (the cold start), called with the event as JSON and a
 * Lambda context, stopped waiting for at the function's Timeout, failures reported as the
 * runtime reports them ({ errorType, errorMessage, trace }).
 *
 * Each function sees only its own environment, as on Lambda: `process.env` is swapped for a
 * view that, inside a function's invocation (or its module's start-up), shows that function's
 * variables and nothing else. A handler reading a variable the template does not give it fails
 * here as it would on AWS.
 *
 * Why a view of the process's `process.env`, and not an environment of each function's own: the
 * handlers read their variables once, at module scope (functions/commons/env.ts), but the SDK and
 * Powertools they import read `process.env` later and lazily (region, endpoints, credentials,
 * the app id that names the caller, the trace id), so a loader that gave the handler's module an
 * environment of its own would not reach them. A worker thread per function (its `env`) does
 * reach them, and was built and measured (commit "Each function runs in a worker thread of its
 * own", reverted): `npm start`'s RSS after 300 bookings at concurrency 32 went from 160 MB to
 * 545 MB (some 25 MB per function's isolate: its own SDK and Powertools), past the 300 MB
 * budget, and each function's first call in each platform took 90-170 ms more. A `node:vm`
 * context per function would share the isolate, but runs ES module bundles only under
 * --experimental-vm-modules, with a module linker of the platform's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

type Environment = Record<string, string>;

const activeEnvironment = new AsyncLocalStorage<Environment>();

let environmentViewInstalled = false;

/** Counts module instances: each function of each stack loads its own, as a new environment would. */
let instances = 0;

/** Replaces process.env by a view of the active function's environment (once per process). */
const installEnvironmentView = () => {
  if (environmentViewInstalled) return;
  environmentViewInstalled = true;
  // What NODE_OPTIONS=--enable-source-maps does for the deployed functions: traces name the source.
  process.setSourceMapsEnabled(true);
  const host = process.env;
  const target = () => activeEnvironment.getStore() ?? host;
  process.env = new Proxy(host, {
    get: (_host, name) => (typeof name === 'string' ? target()[name] : undefined),
    set: (_host, name, value) => {
      if (typeof name === 'string') target()[name] = String(value);
      return true;
    },
    has: (_host, name) => name in target(),
    deleteProperty: (_host, name) => {
      if (typeof name === 'string') delete target()[name];
      return true;
    },
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_host, name) => {
      const environment = target();
      if (typeof name !== 'string' || !(name in environment)) return undefined;
      return { value: environment[name], writable: true, enumerable: true, configurable: true };
    },
  });
};

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

type Handler = (event: unknown, context: Context) => Promise<unknown>;

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
const asJson = (value: unknown): unknown =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

export class LocalFunction {
  readonly config: FunctionConfig;
  #handler: Promise<Handler> | undefined;
  invocations = 0;
  /** The duration Lambda would bill, summed over invocations (whole ms, at least 1 each). */
  billedMilliseconds = 0;

  constructor(config: FunctionConfig) {
    this.config = config;
    installEnvironmentView();
  }

  /** Loads the bundle under the function's own environment, once. */
  #load(): Promise<Handler> {
    this.#handler ??= activeEnvironment.run({ ...this.config.environment }, async () => {
      // A query makes it a module of its own: a cached one would keep another stack's clients.
      const url = `${pathToFileURL(this.config.bundle).href}?instance=${++instances}`;
      const module = (await import(url)) as Record<string, unknown>;
      const handler = module[this.config.handlerExport];
      if (typeof handler !== 'function') {
        throw new Error(
          `${this.config.bundle} does not export a function named ${this.config.handlerExport}`,
        );
      }
      return handler as Handler;
    });
    return this.#handler;
  }

  #context(requestId: string, deadline: number): Context {
    const { name, arn, memorySize } = this.config;
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: arn,
      memoryLimitInMB: String(memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
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
    const environment = {
      ...this.config.environment,
      _X_AMZN_TRACE_ID: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    };
    const run = activeEnvironment.run(environment, async (): Promise<InvokeResult> => {
      try {
        const handler = await this.#load();
        const payload = await handler(asJson(event), this.#context(requestId, deadline));
        return { ok: true, payload: asJson(payload), requestId };
      } catch (error) {
        return { ok: false, error: toFunctionError(error), requestId };
      }
    });
    const started = performance.now();
    try {
      // Like Lambda, stop waiting at the timeout; what the handler still does carries on
      // (a write in flight may land: the saga must cope with that, as on AWS).
      return await Promise.race([run, timedOut]);
    } finally {
      clearTimeout(timer);
      this.billedMilliseconds += Math.max(1, Math.ceil(performance.now() - started));
    }
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
