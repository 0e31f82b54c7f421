/**
 * The checking thread (started by ./off-thread.ts): runs each call it is sent, one at a time in
 * the order sent, and answers with the result or the error's message.
 */
import { parentPort } from 'node:worker_threads';
import type { OffThreadAnswer, OffThreadCall } from './off-thread.ts';

const port = parentPort;
if (!port) throw new Error('off-thread-worker.ts runs only as a worker thread (off-thread.ts)');

const modules = new Map<string, Promise<Record<string, unknown>>>();

port.on('message', async ({ id, module, name, args }: OffThreadCall) => {
  const answer = (result: { ok: true; value: unknown } | { ok: false; message: string }) =>
    port.postMessage({ id, ...result } satisfies OffThreadAnswer);
  try {
    let loaded = modules.get(module);
    if (!loaded) {
      loaded = import(module) as Promise<Record<string, unknown>>;
      modules.set(module, loaded);
    }
    const fn = (await loaded)[name];
    if (typeof fn !== 'function') throw new Error(`${module} exports no function ${name}`);
    answer({ ok: true, value: await (fn as (...given: unknown[]) => unknown)(...args) });
  } catch (error) {
    answer({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
