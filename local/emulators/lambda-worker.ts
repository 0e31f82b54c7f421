/**
 * One function's execution environment, in a worker thread of its own (lambda-runtime.ts starts
 * it): its `process.env` is the function's environment alone (the Worker's `env`), its module
 * instances (the bundle, the layer's Powertools, the SDK) are its own, as in a Lambda sandbox.
 * It loads the bundle once, on the first invocation (the cold start), and runs every invocation
 * the main thread sends, answering with the result or the error as the Node.js runtime reports it.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import {
  asJson,
  type FunctionConfig,
  type Invocation,
  type InvocationAnswer,
  toFunctionError,
} from './lambda-runtime.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const config = workerData as Omit<FunctionConfig, 'environment'>;
const port = parentPort;
if (!port) throw new Error('lambda-worker.ts runs only as a worker thread (lambda-runtime.ts)');

// What NODE_OPTIONS=--enable-source-maps does for the deployed functions: traces name the source.
process.setSourceMapsEnabled(true);

let handler: Promise<Handler> | undefined;

/** Loads the bundle, once: a module that fails to start fails every invocation, as on Lambda. */
const load = (): Promise<Handler> => {
  handler ??= (async () => {
    const module = (await import(pathToFileURL(config.bundle).href)) as Record<string, unknown>;
    const exported = module[config.handlerExport];
    if (typeof exported !== 'function') {
      throw new Error(`${config.bundle} does not export a function named ${config.handlerExport}`);
    }
    return exported as Handler;
  })();
  return handler;
};

const contextOf = ({ requestId, deadline }: Invocation): Context => ({
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

port.on('message', async (invocation: Invocation) => {
  // As the runtime does before each invocation. Invocations of one function that overlap share
  // this environment here (Lambda would give each its own): the later one's trace id shows.
  process.env._X_AMZN_TRACE_ID = invocation.traceId;
  let answer: InvocationAnswer;
  try {
    const run = await load();
    answer = {
      id: invocation.id,
      ok: true,
      payload: asJson(await run(invocation.event, contextOf(invocation))),
    };
  } catch (error) {
    answer = { id: invocation.id, ok: false, error: toFunctionError(error) };
  }
  port.postMessage(answer);
});
