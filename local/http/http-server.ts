/**
 * The HTTP plumbing the local endpoints share: listening on a host and port (0 = any free port)
 * behind the local security guard (./guard.ts), reading a request body up to a limit, and closing
 * cleanly. A handler that throws answers 500 and a body cut off ends its request only; no
 * request can take the platform down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
} from 'node:net';
import { allowedHostNames, refusalOf } from './guard.ts';

export interface Listening {
  server: Server;
  url: string;
  port: number;
  close: () => Promise<void>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

/** The bodies being read at once hold more memory than the platform gives them: try again soon. */
class Overloaded extends Error {
  override readonly name = 'Overloaded';
}

/**
 * How many bytes of request bodies all ports together hold while reading them. Each port limits
 * one body (6 MB, 16 MB); this limits them all at once, so that many large uploads together
 * cannot take the memory the platform runs in: past it, a request gets 503 and Retry-After.
 */
const MAX_BUFFERED_BYTES = 128 * 1024 * 1024;
let buffered = 0;

/** The client went away before its body was whole (a cut-off upload, an interrupted CLI call). */
class RequestAborted extends Error {
  override readonly name = 'RequestAborted';
}

/**
 * How much of a refused body is still read, and thrown away, so that the client, still sending
 * it, gets the answer (a client cut off while it writes sees a reset, and an SDK retries it).
 * Past this, the connection ends once the answer is out (listen()).
 */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;
const discarding = new WeakSet<IncomingMessage>();

/** Reads the rest of a refused body into nothing, up to MAX_DISCARDED_BYTES in all. */
const discard = (request: IncomingMessage, alreadyRead = 0) => {
  const announced = Number(request.headers['content-length']);
  if (announced > MAX_DISCARDED_BYTES) return;
  discarding.add(request);
  let read = alreadyRead;
  request.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DISCARDED_BYTES) {
      discarding.delete(request);
      request.socket.destroySoon();
    }
  });
  request.resume();
};

/** Bodies this small are read whatever the budget: the requests that keep the platform usable. */
const ALWAYS_READ_BYTES = 64 * 1024;

/**
 * The whole body, up to `limitBytes` (BodyTooLarge past it), and within the budget all ports
 * share (Overloaded past it: MAX_BUFFERED_BYTES). Only what has arrived counts: a client that
 * announces much and sends little holds nothing.
 */
export const readBody = (request: IncomingMessage, limitBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (Number(request.headers['content-length']) > limitBytes) {
      reject(new BodyTooLarge(`The request body is larger than ${limitBytes} bytes`));
      discard(request);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      buffered -= size;
      outcome();
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      const next = size + chunk.length;
      const refusal =
        next > limitBytes
          ? new BodyTooLarge(`The request body is larger than ${limitBytes} bytes`)
          : next > ALWAYS_READ_BYTES && buffered + chunk.length > MAX_BUFFERED_BYTES
            ? new Overloaded('The platform is reading too many request bodies at once')
            : undefined;
      if (refusal) {
        finish(() => reject(refusal));
        discard(request, next);
        return;
      }
      chunks.push(chunk);
      size = next;
      buffered += chunk.length;
    });
    request.on('end', () => finish(() => resolve(Buffer.concat(chunks))));
    request.on('error', () =>
      finish(() => reject(new RequestAborted('The request body was cut off'))),
    );
    request.on('close', () => {
      if (!request.complete)
        finish(() => reject(new RequestAborted('The request body was cut off')));
    });
  });

export const sendJson = (
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
) => {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
};

/**
 * Takes `Access-Control-Allow-Origin` out of every answer (dynalite sends `*`, and a library
 * behind a port may too): no page of another origin may read what a port answers. writeHead is
 * where every answer's headers go out, set before or given to it.
 */
const withoutCors = (response: ServerResponse) => {
  const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
  response.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    response.removeHeader('access-control-allow-origin');
    const headers = rest.at(-1);
    if (Array.isArray(headers)) {
      // [name, value, name, value, ...] or [[name, value], ...]
      const flat = headers.flat() as string[];
      const kept: string[] = [];
      for (let at = 0; at < flat.length; at += 2) {
        if (String(flat[at]).toLowerCase() !== 'access-control-allow-origin')
          kept.push(flat[at] as string, flat[at + 1] as string);
      }
      rest[rest.length - 1] = kept;
    } else if (typeof headers === 'object' && headers !== null) {
      rest[rest.length - 1] = Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => name.toLowerCase() !== 'access-control-allow-origin',
        ),
      );
    }
    return writeHead(statusCode, ...rest);
  }) as typeof response.writeHead;
};

export interface ListenOptions {
  /** More host names the port answers to besides the loopback ones (host.docker.internal). */
  allowedHosts?: readonly string[];
  /** A page people open from links: its GETs change nothing (see refusalOf). */
  linkable?: boolean;
  /**
   * Serve on this server (a library's own, its request listeners removed) instead of a new one.
   * Closing it lets the requests in progress finish first (up to DRAIN_MS): the library may close
   * its store once the server has closed, and a request cut short would still reach it.
   */
  server?: Server;
}

const DRAIN_MS = 2000;

export const listen = async (
  name: string,
  handler: RequestHandler,
  port: number,
  host: string,
  options: ListenOptions = {},
): Promise<Listening> => {
  const hostNames = allowedHostNames(host, options.allowedHosts);
  const server = options.server ?? createServer();
  let inProgress = 0;
  let drained: (() => void) | undefined;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inProgress++;
    response.once('close', () => {
      inProgress--;
      if (inProgress === 0) drained?.();
    });
    // Answered before its body was all read, and none of the rest to be read (a body refused
    // past MAX_DISCARDED_BYTES, a handler that did not read it): the connection, which cannot
    // carry another request now, ends.
    response.once('finish', () => {
      if (!request.complete && !discarding.has(request)) request.socket.destroySoon();
    });
    withoutCors(response);
    const refusal = refusalOf(request, hostNames, options.linkable);
    if (refusal) {
      // Nothing of the request is read or done; the connection is not reused.
      sendJson(response, 403, { message: refusal }, { connection: 'close' });
      return;
    }
    handler(request, response).catch((error: unknown) => {
      if (error instanceof RequestAborted) {
        response.destroy();
        return;
      }
      if (error instanceof Overloaded && !response.headersSent) {
        sendJson(
          response,
          503,
          { message: error.message },
          { 'retry-after': '1', connection: 'close' },
        );
        return;
      }
      console.error(`${name}: unexpected error`, error);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal error' });
      else response.end();
    });
  });
  // Clients keep connections alive (close() ends them). A hint under 2 s (Keep-Alive: timeout=1)
  // makes fetch (undici) drop the connection after every response, a new TCP connect per request.
  server.keepAliveTimeout = 5000;
  // A request Node's parser refuses (a malformed line, an unknown method such as "patch")
  // still gets a JSON answer, as AWS's endpoints give one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    // Bytes after a request that said `Connection: close` (a body sent without a length) need no
    // answer of their own: that request's answer is on its way, and the connection ends after it.
    if (error.code === 'HPE_CLOSED_CONNECTION') return;
    // Headers past Node's 16 KB, and a request too slow to come whole, get their own status.
    const [status, reason] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    const body = JSON.stringify({ message: reason });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `${name}: port ${port} on ${host} is in use (another npm start?); choose another port`,
            )
          : error,
      );
    });
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.server && inProgress > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, DRAIN_MS).unref();
        });
      }
      server.closeAllConnections();
      await closed;
    },
  };
};

/** `count` distinct free ports on 127.0.0.1: all listened on at once, so none is handed out twice. */
export const freePorts = async (count: number): Promise<number[]> => {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<TcpServer>((resolve, reject) => {
          const server = createTcpServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(
    servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  return ports;
};
