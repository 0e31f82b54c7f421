/**
 * CPU-heavy work off the thread that serves every port: a call `fn(...args)` of an exported
 * function, run in a worker thread of its own (./off-thread-worker.ts) and answered there, so
 * that checking a 16 MB request body (parsing it, walking it) holds no other request up. The
 * function's module is loaded by the worker once; arguments and result cross by structured clone
 * (bytes are copied, never transferred: the caller keeps its body).
 *
 * One thread, started on first use and unref'd while idle. If it dies (an out-of-memory error, a
 * call that crashes it), the calls in it fail and the next call starts it again, and the death is
 * named where the platform's output goes.
 */
import { Worker } from 'node:worker_threads';

export interface OffThreadCall {
  id: number;
  /** The module's URL (import.meta.url based) and the export to call. */
  module: string;
  name: string;
  args: unknown[];
}

export type OffThreadAnswer =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string };

const WORKER = new URL('./off-thread-worker.ts', import.meta.url);

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<
  number,
  { resolve: (value: unknown) => void; reject: (error: Error) => void }
>();

const thread = (): Worker => {
  if (worker) return worker;
  const started = new Worker(WORKER);
  started.unref();
  started.on('message', (answer: OffThreadAnswer) => {
    const call = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    if (answer.ok) call?.resolve(answer.value);
    else call?.reject(new Error(answer.message));
  });
  const ended = (reason: string) => {
    if (worker !== started) return;
    worker = undefined;
    if (pending.size > 0) {
      console.error(
        `The platform's checking thread ended (${reason}); ${pending.size} check(s) in it failed, and the next one starts it again`,
      );
    }
    for (const call of pending.values())
      call.reject(new Error(`The checking thread ended: ${reason}`));
    pending.clear();
  };
  started.on('error', (error) => ended(error.message));
  started.on('exit', (code) => ended(`exit status ${code}`));
  worker = started;
  return started;
};

/**
 * Calls `name` exported by `module` (a URL, import.meta.url based) with `args` in the checking
 * thread. The function must be synchronous or async, and its arguments and result cloneable.
 */
export const offThread = <T>(module: URL, name: string, ...args: unknown[]): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const id = nextId++;
    const target = thread();
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    target.ref();
    target.postMessage({ id, module: module.href, name, args } satisfies OffThreadCall);
  });
