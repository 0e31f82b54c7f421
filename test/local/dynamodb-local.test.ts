/**
 * AWS's DynamoDB Local as the platform runs it: the pinned jar, a JVM that answers on loopback
 * only and sends no telemetry, a public port (the Node proxy) that adds no Access-Control-*
 * header and survives an aborted request, and a JVM that ends with close(). Its end when the
 * Node process is killed is in test/e2e/npm-start.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { type RunningDynamoDB, startDynamoDB } from '../../local/emulators/dynamodb-backend.ts';
import { DYNAMODB_LOCAL, installFolder } from '../../local/emulators/dynamodb-local/install.ts';
import { startDynamoDBProxy } from '../../local/emulators/dynamodb-local/proxy.ts';

let dynamodb: RunningDynamoDB;
let pid: number;

beforeAll(async () => {
  dynamodb = await startDynamoDB({ choice: 'local', port: 0, host: '127.0.0.1' });
  pid = dynamodb.jvm?.pid ?? 0;
});

afterAll(async () => {
  await dynamodb?.close?.();
});

const commandLine = () => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

/** The local addresses (hex, as /proc/net/tcp* has them) listening on `port`. */
const listeningAddresses = (port: number) => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local, , state]) => state === '0A' && local?.endsWith(`:${hexPort}`))
      .map(([, local]) => local?.split(':')[0]),
  );
};

const LOOPBACK = new Set([
  '0100007F', // 127.0.0.1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
  '00000000000000000000000001000000', // ::1
]);

const listTables = async (endpoint: string) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames;
  } finally {
    client.destroy();
  }
};

describe('DynamoDB Local on the platform', () => {
  it('runs the pinned jar, with no telemetry and CORS limited to one origin (its default is *)', () => {
    const jar = join(installFolder(), 'DynamoDBLocal.jar');
    const args = commandLine();

    expect(createHash('sha256').update(readFileSync(jar)).digest('hex')).toBe(
      DYNAMODB_LOCAL.jarSha256,
    );
    expect(args.join(' ')).toContain(jar);
    expect(args).toContain('-disableTelemetry');
    expect(args[args.indexOf('-cors') + 1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers on loopback only: the JVM on a port of its own, the proxy on the public one', () => {
    const jvmPort = Number(new URL(dynamodb.jvm?.endpoint ?? '').port);

    const addresses = listeningAddresses(jvmPort);

    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !LOOPBACK.has(address ?? ''))).toEqual([]);
    expect(dynamodb.endpoint).not.toBe(dynamodb.jvm?.endpoint);
  });

  it('keeps answering after a client aborts a request halfway through its body', async () => {
    const { port } = new URL(dynamodb.endpoint);
    await new Promise<void>((done) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-amz-json-1.0\r\n' +
            'x-amz-target: DynamoDB_20120810.ListTables\r\ncontent-length: 1000\r\n\r\n{"Lim',
          () => {
            socket.destroy();
            done();
          },
        );
      });
    });

    expect(await listTables(dynamodb.endpoint)).toEqual(expect.any(Array));
  });

  it('stops the JVM on close()', async () => {
    expect(existsSync(`/proc/${pid}`)).toBe(true);

    await dynamodb.close?.();

    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});

describe("the DynamoDB port's proxy", () => {
  let upstream: Server;
  beforeAll(async () => {
    // Prepare: a stand-in for the JVM that answers as DynamoDB Local does by default.
    upstream = createServer((request, response) => {
      request.resume();
      response.writeHead(200, {
        'content-type': 'application/x-amz-json-1.0',
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'x-amzn-RequestId',
      });
      response.end(JSON.stringify({ authorization: request.headers.authorization }));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  });
  afterAll(() => {
    upstream.close();
  });

  it('removes every Access-Control-* header, and maps any credential to its namespace', async () => {
    const address = upstream.address() as { port: number };
    const proxy = await startDynamoDBProxy({
      target: `http://127.0.0.1:${address.port}`,
      port: 0,
      host: '127.0.0.1',
      namespace: 'Tenant1',
    });

    const response = await fetch(proxy.url, {
      method: 'POST',
      headers: {
        origin: proxy.url,
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAREAL/20261130/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    const body = (await response.json()) as { authorization: string };
    await proxy.close();

    expect(response.status).toBe(200);
    expect(
      [...response.headers.keys()].filter((name) => name.startsWith('access-control-')),
    ).toEqual([]);
    expect(body.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=Tenant1/20261130/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    );
  });

  it('refuses a namespace DynamoDB Local would not take as an access key', async () => {
    await expect(
      startDynamoDBProxy({
        target: 'http://127.0.0.1:1',
        port: 0,
        host: '127.0.0.1',
        namespace: 'a-b',
      }),
    ).rejects.toThrow('letters and digits');
  });

  it('answers a DynamoDB error, which AWS SDKs retry, when the JVM is gone', async () => {
    const proxy = await startDynamoDBProxy({
      target: 'http://127.0.0.1:1',
      port: 0,
      host: '127.0.0.1',
      namespace: 'Tenant2',
    });

    const response = await fetch(proxy.url, { method: 'POST', body: '{}' });
    const body = (await response.json()) as { __type: string };
    await proxy.close();

    expect(response.status).toBe(500);
    expect(body.__type).toBe('com.amazonaws.dynamodb.v20120810#InternalServerError');
  });
});
