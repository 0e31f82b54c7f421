/**
 * A hostile web page in a real browser (Debian's Chromium) against every port of `npm start`:
 * served from a second local origin (another port of 127.0.0.1, and a name Chromium's host
 * resolver maps to 127.0.0.1), and as a DNS-rebinding page whose own name points at each port of
 * the platform. It tries each attack that once worked: text/plain POSTs that start bookings (the
 * console's /api/start, the API's POST /trips), an <img> on the reference's GET /?tripID=,
 * text/plain POSTs to the Lambda API that cancel and refund a confirmed trip, reading and writing
 * the table and the executions. Every request is refused (403, or stopped by the browser), and
 * nothing is started, read or written: checked in the table and the execution list.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPENSATION_NAMES } from '../../functions/commons/bookings/steps.ts';
import { launchChromium } from '../../local/console/browser.ts';
import { HANG_MS } from '../support/patience.ts';
import {
  ALL_PORTS,
  bookThroughApi,
  DYNAMODB_AUTH,
  endpointOf,
  PORTS,
  type PortName,
  referenceTrip,
} from '../support/raw-http.ts';
import { listExecutions } from '../support/reliability.ts';
import { tripItems, useTestStack } from '../support/stack.ts';

const platform = useTestStack({ ports: ALL_PORTS });

const portOf = (port: PortName) => Number(new URL(endpointOf(platform, port)).port);

/** The attacker's own server: a page of its own on another port of this machine. */
let hostile: Server;
let hostilePort: number;
let browser: Browser;
/** A trip booked and confirmed before the attacks: the page tries to cancel and refund it. */
let confirmed: { tripId: string; items: Record<string, unknown>[] };
let executionsBefore: number;

beforeAll(async () => {
  hostile = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>A page the user happens to visit</title>');
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostilePort = (hostile.address() as AddressInfo).port;
  browser = await launchChromium([
    '--host-resolver-rules=MAP evil.test 127.0.0.1, MAP rebind.test 127.0.0.1',
    // Chromium's own guard against pages reaching this machine, off: the platform's must hold
    // alone (other browsers, older ones, and a rebound name that counts as local have none).
    '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests',
  ]);

  const { tripId, items } = await bookThroughApi(platform, `confirmed-${randomUUID()}`);
  confirmed = { tripId, items };
  executionsBefore = (await listExecutions(platform)).length;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => hostile?.close(resolve));
});

interface Attack {
  /** The host name the page uses for the platform's ports. */
  host: string;
  ports: Record<PortName, number>;
  stateMachineArn: string;
  tableName: string;
  trip: Record<string, unknown>;
  confirmedTripId: string;
  /** The trip ids the page tries to book or plant, one per attack. */
  plant: Record<string, string>;
  auth: Record<string, string>;
  /** The compensations' functions, each invoked on the confirmed trip. */
  compensations: string[];
}

/**
 * The attacks a page sends without asking (no-cors POSTs): the browser sends them whatever the
 * server says, so each must reach a port and be answered 403. The others stop at the browser,
 * for want of CORS headers, or get 403 as well.
 */
const SIMPLE_REQUESTS = 7;

/** What the page got for each attempt: an error, an opaque answer, or a status and a body. */
type Outcome = { error: string } | { type: string; status: number; body: string };

/** Runs in the hostile page: every attack, each as a web page can send it. */
const attack = async (plan: Attack): Promise<Record<string, Outcome>> => {
  const results: Record<string, Outcome> = {};
  const at = (port: keyof Attack['ports']) => `http://${plan.host}:${plan.ports[port]}`;
  const attempt = async (name: string, url: string, init: RequestInit) => {
    try {
      const response = await fetch(url, init);
      results[name] = {
        type: response.type,
        status: response.status,
        body: response.type === 'opaque' ? '' : await response.text(),
      };
    } catch (error) {
      results[name] = { error: String(error) };
    }
  };
  const simplePost = (body: unknown): RequestInit => ({
    method: 'POST',
    mode: 'no-cors',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify(body),
  });
  const awsJson = (target: string, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, ...plan.auth },
    body: JSON.stringify(body),
  });
  const confirmedTrip = { ...plan.trip, trip_id: plan.confirmedTripId };

  await attempt(
    'console: text/plain POST /api/start',
    `${at('console')}/api/start`,
    simplePost({ run_type: 'success', trip_id: plan.plant.console }),
  );
  await attempt('console: read the executions', `${at('console')}/api/executions`, {});
  await attempt(
    'api: text/plain POST /trips',
    `${at('api')}/trips`,
    simplePost({ ...plan.trip, trip_id: plan.plant.api }),
  );
  await attempt('api: read the confirmed trip', `${at('api')}/trips/${plan.confirmedTripId}`, {});
  for (const fn of plan.compensations) {
    await attempt(
      `lambda: text/plain invoke ${fn} on the confirmed trip`,
      `${at('lambda')}/2015-03-31/functions/${fn}/invocations`,
      simplePost(confirmedTrip),
    );
  }
  await attempt(
    'sfn: StartExecution',
    `${at('sfn')}/`,
    awsJson('AWSStepFunctions.StartExecution', {
      stateMachineArn: plan.stateMachineArn,
      name: plan.plant.sfn,
      input: JSON.stringify({ ...plan.trip, trip_id: plan.plant.sfn }),
    }),
  );
  await attempt(
    'sfn: text/plain StartExecution',
    `${at('sfn')}/`,
    simplePost({ stateMachineArn: plan.stateMachineArn, name: plan.plant.sfnSimple }),
  );
  await attempt(
    'sfn: read the executions',
    `${at('sfn')}/`,
    awsJson('AWSStepFunctions.ListExecutions', { stateMachineArn: plan.stateMachineArn }),
  );
  await attempt(
    'dynamodb: read the whole table',
    `${at('dynamodb')}/`,
    awsJson('DynamoDB_20120810.Scan', { TableName: plan.tableName }),
  );
  await attempt(
    'dynamodb: write an item',
    `${at('dynamodb')}/`,
    awsJson('DynamoDB_20120810.PutItem', {
      TableName: plan.tableName,
      Item: { pk: { S: plan.plant.dynamodb }, sk: { S: 'HOTEL#planted' } },
    }),
  );
  await attempt(
    'dynamodb: text/plain write',
    `${at('dynamodb')}/`,
    simplePost({
      TableName: plan.tableName,
      Item: { pk: { S: plan.plant.dynamodbSimple }, sk: { S: 'HOTEL#planted' } },
    }),
  );
  results['api: <img> on GET /?tripID='] = await new Promise<Outcome>((resolve) => {
    // The page's Image, typed here by the little this uses of it.
    const { Image } = globalThis as unknown as {
      Image: new () => { onload: () => void; onerror: () => void; src: string };
    };
    const image = new Image();
    image.onload = () => resolve({ type: 'image', status: 200, body: 'loaded' });
    image.onerror = () => resolve({ error: 'image failed' });
    image.src = `${at('api')}/?tripID=${plan.plant.image}`;
  });
  return results;
};

/** Each attack from the page at `pageUrl`, aiming at the platform's ports under `host`. */
const attackFrom = async (pageUrl: string, host: string, servePage = false) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(HANG_MS);
  if (servePage) {
    // DNS rebinding: the page came from the attacker's server under this name; from now on the
    // name points at 127.0.0.1, where the page's requests go.
    await page.route(pageUrl, (route) =>
      route.request().resourceType() === 'document'
        ? route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>rebound</title>' })
        : route.continue(),
    );
  }
  /** What each platform port answered, seen from the network (a no-cors answer included). */
  const answered: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.port !== String(hostilePort) && response.request().resourceType() !== 'document')
      answered.push(`${response.request().method()} ${url.port} ${response.status()}`);
  });
  await page.goto(pageUrl);
  const plant = Object.fromEntries(
    ['console', 'api', 'sfn', 'sfnSimple', 'dynamodb', 'dynamodbSimple', 'image'].map((name) => [
      name,
      `planted-${name}-${randomUUID()}`,
    ]),
  );
  const results = await page.evaluate(attack, {
    host,
    ports: Object.fromEntries(PORTS.map((port) => [port, portOf(port)])) as Attack['ports'],
    stateMachineArn: platform.stack.stateMachineArn,
    tableName: platform.stack.tableName,
    trip: referenceTrip,
    confirmedTripId: confirmed.tripId,
    plant,
    auth: DYNAMODB_AUTH,
    compensations: COMPENSATION_NAMES.map((compensation) => `${compensation}Function`),
  });
  await context.close();
  return { results, plant, answered };
};

/** Nothing happened: no planted trip started or written, the confirmed trip untouched. */
const nothingChanged = async (plant: Record<string, string>) => {
  for (const tripId of Object.values(plant)) {
    expect(await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId)).toEqual(
      [],
    );
  }
  const executions = await listExecutions(platform);
  expect(executions).toHaveLength(executionsBefore);
  const names = new Set(executions.map((execution) => execution.name));
  for (const tripId of Object.values(plant)) expect(names.has(tripId)).toBe(false);
  expect(
    await tripItems(platform.clients.dynamodb, platform.stack.tableName, confirmed.tripId),
  ).toEqual(confirmed.items);
};

/** Nothing read: every answer the page could see is an error, opaque, or a 403 without data. */
const nothingRead = (results: Record<string, Outcome>) => {
  for (const [name, outcome] of Object.entries(results)) {
    const seen = 'error' in outcome || outcome.type === 'opaque' ? 'nothing' : outcome.status;
    expect([name, seen]).toEqual([name, expect.toBeOneOf(['nothing', 403])]);
    if ('body' in outcome) {
      expect(outcome.body).not.toContain(confirmed.tripId);
      expect(outcome.body).not.toContain('executionArn');
    }
  }
};

describe('a hostile page in Chromium', () => {
  it('from another port of 127.0.0.1: every attack refused, nothing started, read or written', async () => {
    // Act
    const { results, plant, answered } = await attackFrom(
      `http://127.0.0.1:${hostilePort}/`,
      '127.0.0.1',
    );

    // Assess: each request that reached a port was answered 403
    expect(Object.keys(results)).toHaveLength(14);
    expect(answered.length).toBeGreaterThanOrEqual(SIMPLE_REQUESTS);
    for (const answer of answered) expect(answer).toMatch(/ 403$/);
    nothingRead(results);
    await nothingChanged(plant);
  });

  it('from a name mapped to 127.0.0.1 (evil.test), aiming at localhost: the same', async () => {
    const { results, plant, answered } = await attackFrom(
      `http://evil.test:${hostilePort}/`,
      'localhost',
    );

    expect(answered.length).toBeGreaterThanOrEqual(SIMPLE_REQUESTS);
    for (const answer of answered) expect(answer).toMatch(/ 403$/);
    nothingRead(results);
    await nothingChanged(plant);
  });

  it.each(PORTS)(
    'by DNS rebinding onto the %s port (its own origin): refused for the Host, nothing done',
    async (port) => {
      const { results, plant, answered } = await attackFrom(
        `http://rebind.test:${portOf(port)}/`,
        'rebind.test',
        true,
      );

      expect(answered.length).toBeGreaterThanOrEqual(SIMPLE_REQUESTS);
      for (const answer of answered) expect(answer).toMatch(/ 403$/);
      nothingRead(results);
      await nothingChanged(plant);
    },
  );
});
