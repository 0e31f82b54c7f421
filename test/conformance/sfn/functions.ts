/**
 * The Lambda functions the documentation's examples call, as tiny in-process handlers: the
 * tutorial's HelloFunction, the spec's Add, an echo, functions that fail or time out on
 * purpose. A Task names one by its ARN (`fn('HelloFunction')` in case.ts) or, with
 * `lambda:invoke`, by `FunctionName`. Where a page does not show a function's code, the case
 * that calls it says what it assumes.
 */
import type { TaskCall, TaskInvocation } from '../../../local/emulators/sfn/service.ts';

type Handler = (payload: unknown, call: TaskCall) => Promise<unknown> | unknown;

/** A handled error, as a Lambda runtime reports `throw` of an error with this name. */
export class FunctionFailure extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const record = (payload: unknown): Record<string, unknown> =>
  typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? (payload as Record<string, unknown>)
    : {};

/** How many times each state of each execution has invoked a function so far. */
const calls = new Map<string, number>();

const HANDLERS: Record<string, Handler> = {
  /** The tutorial's function: "Hello, AWS Step Functions!" for `{ "who": "AWS Step Functions" }`. */
  HelloFunction: (payload) => `Hello, ${String(record(payload).who)}!`,
  /** Returns its event: what a Task state sent it, as the state's result. */
  Echo: (payload) => payload,
  /** The inline Map page's validation function, whose code the page does not show: an echo. */
  'ship-val': (payload) => payload,
  /** The spec's Add: `{ "val1": 3, "val2": 4 }` gives 7; an array gives the sum of its items. */
  Add: (payload) =>
    Array.isArray(payload)
      ? (payload as number[]).reduce((sum, value) => sum + value, 0)
      : Number(record(payload).val1) + Number(record(payload).val2),
  /** `[3, 2]` gives 1: the first item less the others. */
  Subtract: (payload) => {
    const [first = 0, ...rest] = payload as number[];
    return rest.reduce((difference, value) => difference - value, first);
  },
  AddressFinder: (payload) => ({ address: `address of ${String(record(payload).customer)}` }),
  PhoneFinder: (payload) => ({ phone: `phone of ${String(record(payload).customer)}` }),
  /** The error-handling page's FailFunction: always fails, as HandledError. */
  FailFunction: () => {
    throw new FunctionFailure('HandledError', 'error');
  },
  /** Fails with the error its event names (`errorType`, `errorMessage`). */
  Raise: (payload) => {
    const { errorType = 'CustomError', errorMessage = 'failed on purpose' } = record(payload);
    throw new FunctionFailure(String(errorType), String(errorMessage));
  },
  /**
   * Fails with `errors[n]` on the n-th call with this list from its state in an execution, and
   * succeeds once the list is spent, returning how many calls it took and the event of the last.
   */
  Flaky: (payload, call) => {
    const errors = (record(payload).errors ?? []) as string[];
    // Counted per list of errors too: a Map state's iterations, one state, each count apart.
    const key = `${call.executionArn} ${call.state} ${JSON.stringify(errors)}`;
    const n = calls.get(key) ?? 0;
    calls.set(key, n + 1);
    const error = errors[n];
    if (error !== undefined) throw new FunctionFailure(error, `failure ${n + 1}`);
    return { attempts: n + 1, input: payload };
  },
  /** The error-handling page's sleep10: answers after ten seconds (a Task timeout fires first). */
  sleep10: () =>
    new Promise((resolve) => {
      setTimeout(() => resolve('slept'), 10_000).unref();
    }),
  /** Returns a string of `bytes` characters (past the payload quota, for DataLimitExceeded). */
  Big: (payload) => 'x'.repeat(Number(record(payload).bytes ?? 300_000)),
};

/** The function a Task names: a name, a function ARN, or an ARN with a version or alias. */
const nameOf = (functionName: string) => {
  const arn = /^arn:aws:lambda:[^:]+:\d{12}:function:([^:]+)(?::[^:]+)?$/.exec(functionName);
  return arn?.[1] ?? functionName;
};

/** Invokes one of the functions above as the Lambda service would, for the local service. */
export const invokeFunction = async (
  functionName: string,
  payload: unknown,
  call: TaskCall,
): Promise<TaskInvocation> => {
  const handler = HANDLERS[nameOf(functionName)];
  const requestId = `request-${call.invocation}`;
  if (!handler) {
    return {
      ok: false,
      error: {
        errorType: 'Lambda.ResourceNotFoundException',
        errorMessage: `Function not found: ${functionName}`,
        trace: [],
      },
    };
  }
  try {
    return { ok: true, payload: await handler(payload, call), requestId };
  } catch (error) {
    const failure = error as Error;
    return {
      ok: false,
      error: { errorType: failure.name, errorMessage: failure.message, trace: [] },
      requestId,
    };
  }
};
