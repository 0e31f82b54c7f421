/**
 * The functions' own thread: a worker thread (started by lambda-runtime.ts) in which the
 * platform's functions run, apart from the process that hosts the platform, the tests or the
 * tools. Each function sees only its own environment, as on Lambda: in this thread, and only
 * here, `process.env` is a view that, inside a function's invocation (or its module's start-up),
 * shows that function's variables and nothing else, so a handler reading a variable the template
 * does not give it fails here as it would on AWS. The process's own `process.env` is untouched.
 *
 * A view, and not one environment per function, because handlers often read their variables at
 * module scope, but the SDK and Powertools they import read `process.env` later and lazily
 * (region, endpoints, credentials, the app id that names the caller, the trace id): an
 * environment given to the handler's module alone would not reach them. A worker thread per
 * function (its own `env`) would, and was built and measured (commit "Each function runs in a
 * worker thread of its own", reverted): `npm start`'s RSS after 300 executions of the project's
 * state machine at concurrency 32 went from 160 MB to 545 MB (some 25 MB per function's
 * isolate), past the 300 MB budget. A `node:vm` context per function would share the isolate,
 * but runs ES module bundles only under --experimental-vm-modules, with a module linker of our
 * own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import {
  type Environment,
  type FunctionConfig,
  type FunctionLogLine,
  type Invocation,
  type InvocationAnswer,
  type LogMessage,
  type Outcome,
  toFunctionError,
  toJson,
} from './lambda-runtime.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const port = parentPort;
if (!port) throw new Error('lambda-host.ts runs only as a worker thread (lambda-runtime.ts)');
const configs = new Map(
  (workerData as FunctionConfig[]).map((config): [string, FunctionConfig] => [config.name, config]),
);

// What NODE_OPTIONS=--enable-source-maps does for the deployed functions: traces name the source.
process.setSourceMapsEnabled(true);

/** What runs now: a function's start-up (no request yet) or one of its invocations. */
interface Running {
  environment: Environment;
  name: string;
  requestId?: string;
}

const active = new AsyncLocalStorage<Running>();
const threadEnvironment = process.env;
const target = () => active.getStore()?.environment ?? threadEnvironment;
process.env = new Proxy(threadEnvironment, {
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

/**
 * What a function writes to its standard output or error (a log line, as Lambda sends it to the
 * function's log group) goes to the hosting process with the function's name and request id,
 * which decides where it is shown (local/cli/start.ts: a short line, or the line as written).
 * Whatever this thread writes outside a function goes where it always went.
 */
const capture = (stream: NodeJS.WriteStream, name: FunctionLogLine['stream']) => {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const running = active.getStore();
    if (running === undefined) return write(chunk, ...rest);
    const text =
      typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    port.postMessage({
      log: {
        function: running.name,
        ...(running.requestId === undefined ? {} : { requestId: running.requestId }),
        stream: name,
        text,
      },
    } satisfies LogMessage);
    const callback = rest.find((argument) => typeof argument === 'function');
    if (callback) queueMicrotask(callback as () => void);
    return true;
  }) as typeof stream.write;
};
capture(process.stdout, 'stdout');
capture(process.stderr, 'stderr');

const handlers = new Map<string, Promise<Handler>>();

/** Loads a function's bundle under its own environment, once (its cold start). */
const load = (config: FunctionConfig): Promise<Handler> => {
  let handler = handlers.get(config.name);
  if (!handler) {
    const starting = { environment: { ...config.environment }, name: config.name };
    handler = active.run(starting, async () => {
      const module = (await import(pathToFileURL(config.bundle).href)) as Record<string, unknown>;
      // `a.b` is a nested export; a CommonJS module's exports are also its default export.
      const at = (root: unknown) =>
        config.handlerExport
          .split('.')
          .reduce<unknown>((value, name) => (value as Record<string, unknown>)?.[name], root);
      const exported = at(module) ?? at(module.default);
      if (typeof exported !== 'function') {
        throw new Error(
          `${config.bundle} does not export a function named ${config.handlerExport}`,
        );
      }
      return exported as Handler;
    });
    handlers.set(config.name, handler);
  }
  return handler;
};

const contextOf = (config: FunctionConfig, { requestId, deadline }: Invocation): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: config.name,
  functionVersion: '$LATEST',
  invokedFunctionArn: config.arn,
  memoryLimitInMB: String(config.memorySize),
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${config.name}`,
  logStreamName: `local/[$LATEST]${requestId.replaceAll('-', '')}`,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

port.on('message', (invocation: Invocation) => {
  const config = configs.get(invocation.name);
  const answer = (outcome: Outcome) =>
    port.postMessage({ id: invocation.id, ...outcome } satisfies InvocationAnswer);
  if (!config) {
    answer({ ok: false, error: toFunctionError(new Error(`No function ${invocation.name} here`)) });
    return;
  }
  let event: unknown;
  try {
    const text =
      typeof invocation.event === 'string'
        ? invocation.event
        : Buffer.from(
            invocation.event.buffer,
            invocation.event.byteOffset,
            invocation.event.byteLength,
          ).toString('utf8');
    event = JSON.parse(text);
  } catch (error) {
    answer({ ok: false, error: toFunctionError(error), invalidEvent: true });
    return;
  }
  const environment = { ...config.environment, _X_AMZN_TRACE_ID: invocation.traceId };
  const running = { environment, name: config.name, requestId: invocation.requestId };
  void active.run(running, async () => {
    try {
      const handler = await load(config);
      const payload = await handler(event, contextOf(config, invocation));
      answer({ ok: true, payload: toJson(payload) });
    } catch (error) {
      answer({ ok: false, error: toFunctionError(error) });
    }
  });
});
