/**
 * What the interpreter needs from the service to run one execution, and what it hands the state
 * modules: the history it writes, the task runner (tasks.ts: integrations, mocks, Task events),
 * the JSONata lane, the definition's query language per state, and the signal that stops a
 * branch, an iteration or the whole execution.
 */
import type { History } from '../history.ts';
import type { Lane } from '../jsonata/evaluator.ts';
import type { Json, JsonObject, QueryLanguage } from './types.ts';

export interface TaskRequest {
  stateName: string;
  resource: string;
  parameters: Json;
  /** The Task's TimeoutSeconds, evaluated: the runner fails it with States.Timeout past it. */
  timeoutSeconds: number | undefined;
  /** Aborted when the branch, iteration or execution the Task runs in stops: it reports no more. */
  signal: AbortSignal;
}

export type TaskRunner = (request: TaskRequest) => Promise<Json>;

export interface Runtime {
  history: History;
  runTask: TaskRunner;
  lane: Lane;
  /** The query language each state (by its name, unique in a machine) runs in. */
  languageOf: (state: string) => QueryLanguage;
  /** The context object's Execution and StateMachine. */
  baseContext: JsonObject;
  /** Waits this long before every retry instead of the Retrier's schedule (tests). */
  retryDelayMs: number | undefined;
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    // No wait, no timer: retries that do not wait (tests) take no turn of the event loop.
    if (ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Settles as `promise` does, or rejects as soon as `signal` aborts. */
export const unlessAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });

/**
 * A stop signal inside `parent`'s: it aborts with the parent, or on its own (a Parallel's
 * branches when one fails). `dispose` lets go of the link once the inner work is over.
 */
export const innerSignal = (parent: AbortSignal) => {
  const controller = new AbortController();
  const stop = () => controller.abort(parent.reason);
  if (parent.aborted) stop();
  else parent.addEventListener('abort', stop, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', stop) };
};

/**
 * Runs a Parallel's branches or a Map's iterations, then writes how they ended
 * (`<Type>StateSucceeded` / `Failed`; nothing once the state itself is stopped), and lets go of
 * their stop signal.
 */
export const withEndEvent = async <T>(
  history: History,
  type: 'Parallel' | 'Map',
  signal: AbortSignal,
  dispose: () => void,
  work: () => Promise<T>,
): Promise<T> => {
  try {
    const result = await work();
    history.stateEnded(type, 'Succeeded');
    return result;
  } catch (error) {
    if (!signal.aborted) history.stateEnded(type, 'Failed');
    throw error;
  } finally {
    dispose();
  }
};

/** Lets the event loop run (timers, every port's I/O) between two states. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
