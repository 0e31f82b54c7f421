/**
 * Local security on every port (HTTP API, Lambda API, Step Functions API, DynamoDB, console):
 * a request whose Host is not the loopback address with the port (DNS rebinding), or that a web
 * page of another origin sent (a foreign Origin, Sec-Fetch-Site cross-site), is refused with 403
 * and does nothing; no port answers with `Access-Control-Allow-Origin`; the user's own tools
 * (no Origin) and the console's own page (same origin) go on working.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  ALL_PORTS,
  DYNAMODB_AUTH,
  endpointOf,
  PORTS,
  type PortName,
  type RawAnswer,
  rawRequest,
  referenceTrip,
} from '../support/raw-http.ts';
import { tripItems, useTestStack, waitForExecution } from '../support/stack.ts';

const platform = useTestStack({
  ports: ALL_PORTS,
});

const trip = referenceTrip;
const endpoint = (port: PortName) => endpointOf(platform, port);

/** A request to `port` that changes something for `tripId` (a booking, a write) if it is let in. */
const changing = (port: PortName, tripId: string) => {
  const document = { ...trip, trip_id: tripId };
  switch (port) {
    case 'api':
      return {
        path: '/trips',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(document),
      };
    case 'lambda':
      return {
        path: '/2015-03-31/functions/ReserveHotelFunction/invocations',
        headers: {},
        body: JSON.stringify(document),
      };
    case 'sfn':
      return {
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.StartExecution',
        },
        body: JSON.stringify({
          stateMachineArn: platform.stack.stateMachineArn,
          name: tripId,
          input: JSON.stringify(document),
        }),
      };
    case 'dynamodb':
      return {
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.PutItem',
          ...DYNAMODB_AUTH,
        },
        body: JSON.stringify({
          TableName: platform.stack.tableName,
          Item: { pk: { S: tripId }, sk: { S: 'HOTEL#planted' } },
        }),
      };
    case 'console':
      return {
        path: '/api/start',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ run_type: 'success', trip_id: tripId }),
      };
  }
};

const send = (port: PortName, tripId: string, headers: Record<string, string>) => {
  const request = changing(port, tripId);
  return rawRequest(`${endpoint(port)}${request.path}`, {
    method: 'POST',
    headers: { ...request.headers, ...headers },
    body: request.body,
  });
};

/** Whether anything happened to the trip: an execution under its id, or an item in the table. */
const traces = async (tripId: string) => {
  const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
  const execution = await platform.clients.sfn
    .send(
      new DescribeExecutionCommand({
        executionArn: `${platform.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${tripId}`,
      }),
    )
    .then(
      () => 'started',
      (error: Error) => error.name,
    );
  return { items: items.length, execution };
};

const NOTHING = { items: 0, execution: 'ExecutionDoesNotExist' };

const portOf = (port: PortName) => new URL(endpoint(port)).port;

const refusedWith403 = (answer: RawAnswer) => {
  expect(answer.status).toBe(403);
  expect(JSON.parse(answer.text)).toEqual({ message: expect.stringMatching(/refused|Host/) });
};

describe('Host: only the loopback address or localhost, with the port', () => {
  it.each(PORTS)(
    'the %s port refuses a rebinding name, another port, or no port: 403, nothing done',
    async (port) => {
      // Prepare: names a DNS-rebinding page would reach 127.0.0.1 under
      const other = portOf(port === 'api' ? 'lambda' : 'api');
      const hosts = [
        `rebind.example:${portOf(port)}`,
        `127.0.0.1.nip.io:${portOf(port)}`,
        `127.0.0.1:${other}`,
        '127.0.0.1',
        `localhost.:${portOf(port)}`,
      ];
      const tripId = `host-${port}-${randomUUID()}`;

      // Act
      const answers = [];
      for (const host of hosts) answers.push(await send(port, tripId, { host }));

      // Assess
      for (const answer of answers) refusedWith403(answer);
      expect(await traces(tripId)).toEqual(NOTHING);
    },
  );

  it.each(PORTS)(
    'the %s port answers 127.0.0.1, localhost and [::1] with its port',
    async (port) => {
      const answers = await Promise.all(
        ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]'].map((name) =>
          rawRequest(`${endpoint(port)}/`, { headers: { host: `${name}:${portOf(port)}` } }),
        ),
      );

      expect(answers.map((answer) => answer.status)).not.toContain(403);
    },
  );
});

describe('requests a web page of another origin sends', () => {
  const foreign: Record<string, string>[] = [
    { origin: 'http://evil.example' },
    { origin: 'null' },
    // Another local origin: a page served by some other program on this machine.
    { origin: 'http://127.0.0.1:1' },
    { 'sec-fetch-site': 'cross-site' },
    // Same site is not same origin: another port of localhost is another program.
    { 'sec-fetch-site': 'same-site' },
  ];

  it.each(PORTS)('the %s port refuses each with 403 and does nothing', async (port) => {
    // Prepare
    const tripId = `origin-${port}-${randomUUID()}`;

    // Act
    const answers = [];
    for (const headers of foreign) {
      answers.push(await send(port, tripId, { host: `127.0.0.1:${portOf(port)}`, ...headers }));
    }

    // Assess
    for (const answer of answers) refusedWith403(answer);
    expect(await traces(tripId)).toEqual(NOTHING);
  });

  it("refuses the reference's GET /?tripID= from an <img> on another site: no booking", async () => {
    // Prepare
    const tripId = `img-${randomUUID()}`;

    // Act: what Chromium sends for <img src="http://127.0.0.1:3000/?tripID=...">
    const answer = await rawRequest(`${platform.stack.endpoints.api}/?tripID=${tripId}`, {
      headers: {
        host: `127.0.0.1:${portOf('api')}`,
        accept: 'image/avif,image/webp,*/*',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'no-cors',
        'sec-fetch-dest': 'image',
      },
    });

    // Assess
    refusedWith403(answer);
    expect(await traces(tripId)).toEqual(NOTHING);
  });

  it('lets a link typed in the address bar (Sec-Fetch-Site: none) start the reference booking', async () => {
    const tripId = `typed-${randomUUID()}`;

    const answer = await rawRequest(`${platform.stack.endpoints.api}/?tripID=${tripId}`, {
      headers: { host: `127.0.0.1:${portOf('api')}`, 'sec-fetch-site': 'none' },
    });

    expect(answer.status).toBe(200);
    const { execution_arn: executionArn } = JSON.parse(answer.text) as { execution_arn: string };
    expect((await waitForExecution(platform.clients.sfn, executionArn)).description.status).toBe(
      'SUCCEEDED',
    );
  });

  it('lets a link from another site open the console, but not start a booking on the API', async () => {
    // Prepare: what Chromium sends for a click on a link to each
    const navigation = (port: PortName) => ({
      host: `127.0.0.1:${portOf(port)}`,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'document',
    });
    const tripId = `link-${randomUUID()}`;

    // Act
    const page = await rawRequest(`${endpoint('console')}/`, { headers: navigation('console') });
    const booking = await rawRequest(`${platform.stack.endpoints.api}/?tripID=${tripId}`, {
      headers: navigation('api'),
    });
    const posted = await send('console', tripId, {
      ...navigation('console'),
      origin: 'http://evil.example',
    });

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    refusedWith403(booking);
    refusedWith403(posted);
    expect(await traces(tripId)).toEqual(NOTHING);
  });

  it('refuses to be framed by another site: an <iframe> navigation is refused, and the page forbids framing', async () => {
    // Prepare: what Chromium sends for an <iframe src> to the console on another site's page
    const framed = {
      host: `127.0.0.1:${portOf('console')}`,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': 'iframe',
    };

    // Act
    const inFrame = await rawRequest(`${endpoint('console')}/`, { headers: framed });
    const page = await rawRequest(`${endpoint('console')}/`, {
      headers: { host: framed.host },
    });

    // Assess
    refusedWith403(inFrame);
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it("lets the console's own page book: a same-origin POST with its Origin", async () => {
    // Prepare
    const tripId = `console-${randomUUID()}`;
    const origin = new URL(endpoint('console')).origin;

    // Act
    const answer = await send('console', tripId, {
      host: new URL(origin).host,
      origin,
      'sec-fetch-site': 'same-origin',
    });

    // Assess
    expect(answer.status).toBe(202);
    const { executionArn } = JSON.parse(answer.text) as { executionArn: string };
    await waitForExecution(platform.clients.sfn, executionArn);
    expect((await traces(tripId)).execution).toBe('started');
  });
});

describe('Access-Control-Allow-Origin', () => {
  it.each(PORTS)(
    'the %s port never sends it, to a same-origin request or a preflight',
    async (port) => {
      // Prepare
      const host = `127.0.0.1:${portOf(port)}`;

      // Act
      const answers = [
        await rawRequest(`${endpoint(port)}/`, { headers: { host, origin: `http://${host}` } }),
        await send(port, `cors-${randomUUID()}`, { host, origin: `http://${host}` }),
        await rawRequest(`${endpoint(port)}/`, {
          method: 'OPTIONS',
          headers: {
            host,
            origin: 'http://evil.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'x-amz-target,content-type',
          },
        }),
      ];

      // Assess
      for (const answer of answers) {
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
        expect(answer.headers['access-control-allow-methods']).toBeUndefined();
      }
      expect(answers[2]?.status).toBe(403);
    },
  );
});
