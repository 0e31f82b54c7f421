/**
 * A request that arrives while the platform starts (issue 20: `npm start --data-dir` opened its
 * ports before its start-up sweep ended, and a request in that window was never answered, as a
 * script that waits for the port, or a docker-compose health check, sends it). It is held and
 * answered once the port is ready; one that would wait too long is told to come back (503,
 * Retry-After), never left hanging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, listen } from '../../local/http/http-server.ts';
import { whenReady } from '../../local/http/when-ready.ts';
import type { LocalStack } from '../../local/stack.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestStack } from '../support/stack.ts';

const folders: string[] = [];
const stacks: LocalStack[] = [];

afterAll(async () => {
  for (const stack of stacks) await stack.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Resolves once something listens on `port` (a connection succeeds), polling every 2 ms. */
const opened = async (port: number) => {
  for (;;) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (listening) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

describe('a request while the platform starts', () => {
  it('sent the moment the HTTP API port opens, during the start-up sweep over a data folder, is answered', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-start-up-'));
    folders.push(dataDir);
    const [api = 0] = await freePorts(1);
    let started = false;

    // Act: the platform starting; a request as soon as its API port accepts a connection
    const starting = startTestStack({ dataDir, ports: { api } }).then((stack) => {
      started = true;
      stacks.push(stack);
      return stack;
    });
    await opened(api);
    const sentWhileStarting = !started;
    const answer = await Promise.race([
      rawRequest(`http://127.0.0.1:${api}/trips/early-bird`, {
        headers: { host: `127.0.0.1:${api}` },
      }),
      new Promise<'no answer'>((resolve) => setTimeout(resolve, 30_000, 'no answer')),
    ]);
    await starting;

    // Assess: it came in before the platform was ready, and got the API's own answer
    expect(sentWhileStarting).toBe(true);
    expect(answer).toMatchObject({ status: 404 });
  }, 60_000);

  it('a port whose handler is not ready holds a request, answers it once ready, and tells one that waited too long to come back', async () => {
    // Prepare
    const port = whenReady('test port', 50);
    const server = await listen('test port', port.handle, 0, '127.0.0.1');
    const url = `${server.url}/`;
    const headers = { host: new URL(server.url).host };

    // Act
    const tooLong = await rawRequest(url, { headers });
    const held = rawRequest(url, { headers });
    await new Promise((resolve) => setTimeout(resolve, 10));
    port.ready(async (_request, response) => {
      response.end('ready');
    });
    const answered = await held;
    await server.close();

    // Assess
    expect(tooLong.status).toBe(503);
    expect(tooLong.headers['retry-after']).toBe('2');
    expect(JSON.parse(tooLong.text)).toEqual({
      message: 'The test port is still starting: try again in 2 s',
    });
    expect(answered).toMatchObject({ status: 200, text: 'ready' });
  });
});
