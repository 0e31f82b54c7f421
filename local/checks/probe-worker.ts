/**
 * The steady probe of ./probe.ts, in a thread of its own: whatever the process sending hostile
 * traffic does (building a 16 MB body, say), the probe's own timing is not held up by it, so a
 * slow answer is the platform's.
 */
import { request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { PortProbe, ProbeStats } from './probe.ts';

const port = parentPort;
if (!port) throw new Error('probe-worker.ts runs only as a worker thread (probe.ts)');
const { probes, everyMs, stallMs } = workerData as {
  probes: PortProbe[];
  everyMs: number;
  stallMs: number;
};

let running = true;
port.on('message', (message: string) => {
  if (message === 'stop') running = false;
});

/** One probe request: how long its whole answer took, and its status (0: no answer). */
const once = (probe: PortProbe): Promise<{ ms: number; status: number }> =>
  new Promise((resolve) => {
    const started = performance.now();
    const url = new URL(probe.url);
    const done = (status: number) => resolve({ ms: performance.now() - started, status });
    const sent = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: probe.method,
        headers: { host: url.host, ...probe.headers },
        agent: false,
        // A probe that gets no answer at all is a stall as long as this.
        timeout: 60_000,
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
        response.on('error', () => done(0));
      },
    );
    sent.on('timeout', () => sent.destroy(new Error('timeout')));
    sent.on('error', () => done(0));
    sent.end(probe.body);
  });

const stats: ProbeStats[] = await Promise.all(
  probes.map(async (probe) => {
    const latencies: number[] = [];
    const result: ProbeStats = {
      name: probe.name,
      count: 0,
      maxMs: 0,
      p99Ms: 0,
      stalls: 0,
      failed: 0,
      statuses: {},
    };
    // The first answer is a cold start (a function loaded, the console's graph laid out), not
    // a stall: it is waited for, not counted.
    await once(probe);
    while (running) {
      const { ms, status } = await once(probe);
      result.count++;
      latencies.push(ms);
      result.maxMs = Math.max(result.maxMs, ms);
      if (ms > stallMs) result.stalls++;
      if (status === 0) result.failed++;
      result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    latencies.sort((a, b) => a - b);
    result.p99Ms = latencies[Math.floor(latencies.length * 0.99)] ?? 0;
    return result;
  }),
);
port.postMessage(stats);
