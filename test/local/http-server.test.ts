/**
 * listen(), which every port of the platform goes through: a failure inside a handler (an
 * emulator library throwing) answers 500 and the port keeps serving; a body cut off ends only its
 * own request; and the Host names a port answers to (the loopback ones, a specific listen
 * address, and the ones the user allows).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allowedHostNames } from '../../local/http/guard.ts';
import { type Listening, listen, readBody, sendJson } from '../../local/http/http-server.ts';
import { cutOffRequest, rawRequest } from '../support/raw-http.ts';

let server: Listening | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

/** A port whose handler reads the body, then throws on /throw and answers 200 otherwise. */
const start = async (seen: string[]) => {
  server = await listen(
    'Test API',
    async (request, response) => {
      const body = await readBody(request, 1024);
      seen.push(`${request.url} ${body.length}`);
      if (request.url === '/throw') throw new RangeError('Maximum call stack size exceeded');
      sendJson(response, 200, { ok: true });
    },
    0,
    '127.0.0.1',
  );
  return server;
};

describe('listen()', () => {
  it('answers 500 for a handler that throws, and goes on serving', async () => {
    // Prepare
    const seen: string[] = [];
    const { url, port } = await start(seen);
    const host = `127.0.0.1:${port}`;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // Act
    const failed = await rawRequest(`${url}/throw`, { method: 'POST', headers: { host } });
    const next = await rawRequest(`${url}/next`, { method: 'POST', headers: { host } });

    // Assess
    expect([failed.status, JSON.parse(failed.text)]).toEqual([500, { message: 'Internal error' }]);
    expect(next.status).toBe(200);
    expect(seen).toEqual(['/throw 0', '/next 0']);
    expect(logged).toHaveBeenCalledWith('Test API: unexpected error', expect.any(RangeError));
  });

  it('ends a request whose body is cut off, and only that one', async () => {
    // Prepare
    const seen: string[] = [];
    const { url, port } = await start(seen);
    const head = `POST /cut HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 10\r\n\r\n`;

    // Act
    await cutOffRequest(url, head, '{');
    const next = await rawRequest(`${url}/next`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${port}` },
      body: '{}',
    });

    // Assess: the cut-off request never reached the handler's work
    expect(next.status).toBe(200);
    expect(seen).toEqual(['/next 2']);
  });

  it('answers a body over its limit with no more of it read, and ends that connection', async () => {
    // Prepare
    const seen: string[] = [];
    server = await listen(
      'Test API',
      async (request, response) => {
        try {
          await readBody(request, 1024);
        } catch (error) {
          seen.push((error as Error).name);
          sendJson(response, 413, { message: 'too large' });
        }
      },
      0,
      '127.0.0.1',
    );

    // Act: 64 MB announced, and sent
    const answer = await rawRequest(`${server.url}/large`, {
      method: 'POST',
      headers: { host: `127.0.0.1:${server.port}` },
      body: Buffer.alloc(64 * 1024 * 1024),
    }).catch((error: NodeJS.ErrnoException) => ({ status: error.code, headers: {} }));

    // Assess: answered (or, the answer out before the client finished writing, cut short)
    expect(seen).toEqual(['BodyTooLarge']);
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(answer.status);
  });

  it('answers headers past 16 KB with 431, in JSON', async () => {
    // Prepare
    const { url, port } = await start([]);

    // Act
    const answer = await rawRequest(url, {
      headers: { host: `127.0.0.1:${port}`, 'x-padding': 'x'.repeat(20_000) },
    });

    // Assess
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.text)).toEqual({ message: 'Request Header Fields Too Large' });
  });
});

describe('Access-Control-Allow-Origin', () => {
  it('is taken out of every answer, however the handler set it', async () => {
    // Prepare: handlers that allow any origin, as dynalite did
    server = await listen(
      'Test API',
      async (request, response) => {
        if (request.url === '/set') {
          response.setHeader('Access-Control-Allow-Origin', '*');
          response.end('set');
        } else if (request.url === '/object') {
          response.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'x-kept': 'yes' });
          response.end('object');
        } else {
          response.writeHead(200, ['access-control-allow-origin', '*', 'x-kept', 'yes']);
          response.end('array');
        }
      },
      0,
      '127.0.0.1',
    );
    const host = `127.0.0.1:${server.port}`;

    // Act
    const answers = await Promise.all(
      ['/set', '/object', '/array'].map((path) =>
        rawRequest(`${server?.url}${path}`, { headers: { host, origin: `http://${host}` } }),
      ),
    );

    // Assess
    expect(answers.map((answer) => answer.text)).toEqual(['set', 'object', 'array']);
    for (const answer of answers)
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answers.slice(1).map((answer) => answer.headers['x-kept'])).toEqual(['yes', 'yes']);
  });
});

describe('the host names a port answers to', () => {
  it('are the loopback names, a specific listen address, and those allowed', () => {
    expect(allowedHostNames('127.0.0.1')).toEqual(['127.0.0.1', 'localhost', '[::1]']);
    expect(allowedHostNames('0.0.0.0')).toEqual(['127.0.0.1', 'localhost', '[::1]']);
    expect(allowedHostNames('::')).toEqual(['127.0.0.1', 'localhost', '[::1]']);
    expect(allowedHostNames('192.168.1.5', ['Host.Docker.Internal'])).toEqual([
      '127.0.0.1',
      'localhost',
      '[::1]',
      '192.168.1.5',
      'host.docker.internal',
    ]);
    expect(allowedHostNames('::1')).toEqual(['127.0.0.1', 'localhost', '[::1]']);
  });
});
