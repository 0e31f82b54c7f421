/**
 * Requests as a browser or an attacker sends them, which fetch will not: any Host header, any
 * Origin, and bodies cut off mid-upload (a socket that announces more than it sends, then closes);
 * and the five ports of a stack started with the console, by name.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { type TestPlatform, tripItems, waitForExecution } from './stack.ts';

export const PORTS = ['api', 'lambda', 'sfn', 'dynamodb', 'console'] as const;
export type PortName = (typeof PORTS)[number];

/** Every port, the console's included. */
export const ALL_PORTS = { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 };

export const endpointOf = (platform: TestPlatform, port: PortName) =>
  (port === 'console' ? platform.stack.endpoints.console : platform.stack.endpoints[port]) ?? '';

/** A signature dynalite takes (it checks the header's shape, not the signature). */
export const DYNAMODB_AUTH = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

/** The reference's trip document (events/reserve-hotel.json). */
export const referenceTrip = JSON.parse(
  readFileSync(new URL('../../events/reserve-hotel.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request to `url` with exactly these headers (Host included when given). */
export const rawRequest = (
  url: string,
  options: { method?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });

/**
 * Sends `head` (request line and headers, ending in an empty line) and `partial` of the body,
 * then closes the socket: what an interrupted upload looks like to the server.
 */
export const cutOffRequest = (url: string, head: string, partial: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const socket = connect(Number(target.port), target.hostname, () => {
      socket.write(head + partial, () => {
        // Let the server see the partial body before the connection drops.
        setImmediate(() => {
          socket.destroy();
          resolve();
        });
      });
    });
    socket.on('error', reject);
  });

/** Books the reference trip under `tripId` through POST /trips, to its end: its execution and items. */
export const bookThroughApi = async (platform: TestPlatform, tripId: string) => {
  const response = await fetch(`${platform.stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...referenceTrip, trip_id: tripId }),
  });
  const { execution_arn: executionArn } = (await response.json()) as { execution_arn: string };
  await waitForExecution(platform.clients.sfn, executionArn);
  // The saga's end concluded too: the reconciler has written the trip record's outcome.
  await platform.stack.events.idle();
  const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
  return { tripId, executionArn, items };
};
