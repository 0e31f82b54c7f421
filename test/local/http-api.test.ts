/**
 * The offline HTTP API as API Gateway (HTTP API, payload format 2.0) serves it: the routes of
 * template.yaml and how a request picks one, the event a function receives, and the answers for
 * what no route takes or what is too large. `matchRoute` is checked on its own, then everything
 * end to end through fetch.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { matchRoute, type Route, routesOf } from '../../local/emulators/http-api.ts';
import { listen, sendJson } from '../../local/http/http-server.ts';
import { readTemplate } from '../../local/template/template.ts';
import { startTestStack } from '../support/stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ parameters: { CompensationFailureRate: '0' } });
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await stack.close();
});

const routes = routesOf(readTemplate());

const freshTrip = () => ({
  ...(JSON.parse(
    readFileSync(new URL('../../events/reserve-hotel.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>),
  trip_id: `http-${randomUUID()}`,
});

/** Records the events a function receives, while it still runs as it would. */
const eventsOf = (functionName: string) => {
  const fn = stack.lambda.find(functionName);
  if (!fn) throw new Error(`${functionName} is not in the stack`);
  const spy = vi.spyOn(fn, 'invoke');
  return () => spy.mock.calls.map(([event]) => event as APIGatewayProxyEventV2);
};

describe('the HTTP server every local endpoint runs on', () => {
  it('keeps a connection open across requests from fetch, with no new connect for each', async () => {
    // Arrange
    const server = await listen(
      'keep-alive test',
      async (_request, response) => sendJson(response, 200, { ok: true }),
      0,
      '127.0.0.1',
    );
    let connections = 0;
    server.server.on('connection', () => connections++);

    // Act
    for (let request = 0; request < 10; request++) {
      const response = await fetch(server.url);
      await response.json();
    }
    await server.close();

    // Assess: fetch (undici) drops a connection whose Keep-Alive hint is under 2 s, one connect
    // per request; kept, the first or second connection carries all ten.
    expect(connections).toBeLessThanOrEqual(2);
  });
});

describe('routesOf', () => {
  it('reads the four HttpApi routes of template.yaml, each with its function', () => {
    // Assess
    expect(routes).toHaveLength(4);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/trips', functionName: 'StartBookingFunction' },
        { method: 'GET', path: '/', functionName: 'StartBookingFunction' },
        { method: 'GET', path: '/{proxy+}', functionName: 'StartBookingFunction' },
        { method: 'GET', path: '/trips/{tripId}', functionName: 'GetTripFunction' },
      ]),
    );
  });
});

describe('matchRoute', () => {
  it.each([
    ['POST', '/trips', 'POST /trips', 'StartBookingFunction', {}],
    ['GET', '/trips/trip-1', 'GET /trips/{tripId}', 'GetTripFunction', { tripId: 'trip-1' }],
    ['GET', '/', 'GET /', 'StartBookingFunction', {}],
    ['GET', '/trips', 'GET /{proxy+}', 'StartBookingFunction', { proxy: 'trips' }],
    ['GET', '/a/b/c', 'GET /{proxy+}', 'StartBookingFunction', { proxy: 'a/b/c' }],
    [
      'GET',
      '/trips/trip-1/more',
      'GET /{proxy+}',
      'StartBookingFunction',
      { proxy: 'trips/trip-1/more' },
    ],
  ])('%s %s takes the route %s', (method, path, routeKey, functionName, parameters) => {
    // Act
    const matched = matchRoute(routes, method, path);

    // Assess
    expect(`${matched?.route.method} ${matched?.route.path}`).toBe(routeKey);
    expect(matched?.route.functionName).toBe(functionName);
    expect(matched?.parameters).toEqual(parameters);
  });

  it('the exact route wins over the greedy one, in whatever order the template lists them', () => {
    // Prepare
    const reversed = [...routes].reverse();

    // Act
    const matched = [
      matchRoute(routes, 'GET', '/trips/x'),
      matchRoute(reversed, 'GET', '/trips/x'),
    ];

    // Assess
    expect(matched.map((match) => match?.route.path)).toEqual([
      '/trips/{tripId}',
      '/trips/{tripId}',
    ]);
  });

  it.each([
    ['DELETE', '/trips'],
    ['PUT', '/trips/trip-1'],
    ['POST', '/'],
    ['POST', '/trips/trip-1'],
  ])('%s %s takes no route', (method, path) => {
    // Act
    const matched = matchRoute(routes, method, path);

    // Assess
    expect(matched).toBeUndefined();
  });

  it('a greedy route needs at least one segment: it never takes the root', () => {
    // Prepare
    const greedyOnly: Route[] = [{ method: 'GET', path: '/{proxy+}', functionName: 'F' }];

    // Act
    const matched = matchRoute(greedyOnly, 'GET', '/');

    // Assess
    expect(matched).toBeUndefined();
  });

  it('a route for the method wins over ANY, and $default takes what no route takes', () => {
    // Prepare
    const withDefault: Route[] = [
      { method: 'ANY', path: '/pets', functionName: 'AnyPets' },
      { method: 'GET', path: '/pets', functionName: 'GetPets' },
      { method: 'ANY', path: '$default', functionName: 'Fallback' },
    ];

    // Act
    const get = matchRoute(withDefault, 'GET', '/pets');
    const post = matchRoute(withDefault, 'POST', '/pets');
    const other = matchRoute(withDefault, 'GET', '/cats');

    // Assess
    expect(get?.route.functionName).toBe('GetPets');
    expect(post?.route.functionName).toBe('AnyPets');
    expect(other?.route.functionName).toBe('Fallback');
  });
});

describe('the event a function receives (payload format 2.0)', () => {
  it('GET /trips/{tripId} sends the route, raw path and query, lowercased headers, cookies and parameters', async () => {
    // Prepare
    const received = eventsOf('GetTripFunction');

    // Act
    const response = await fetch(`${stack.endpoints.api}/trips/trip-7?view=full&tag=a&tag=b`, {
      headers: { 'X-Custom-Header': 'Some Value', Cookie: 'session=abc; theme=dark' },
    });

    // Assess
    expect(response.status).toBe(404);
    const [event] = received();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /trips/{tripId}',
      rawPath: '/trips/trip-7',
      rawQueryString: 'view=full&tag=a&tag=b',
      queryStringParameters: { view: 'full', tag: 'a,b' },
      pathParameters: { tripId: 'trip-7' },
      cookies: ['session=abc', 'theme=dark'],
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /trips/{tripId}',
        stage: '$default',
        http: { method: 'GET', path: '/trips/trip-7', protocol: 'HTTP/1.1' },
      },
    });
    expect(event?.headers['x-custom-header']).toBe('Some Value');
    expect(Object.keys(event?.headers ?? {}).every((name) => name === name.toLowerCase())).toBe(
      true,
    );
    expect(event?.headers).not.toHaveProperty('cookie');
    expect(event?.body).toBeUndefined();
    expect(event?.requestContext.requestId).toEqual(expect.any(String));
    expect(event?.requestContext.timeEpoch).toEqual(expect.any(Number));
  });

  it("requestContext.domainName is the Host the client called, port included (AWS's has none)", async () => {
    // Prepare
    const received = eventsOf('GetTripFunction');

    // Act
    await fetch(`${stack.endpoints.api}/trips/trip-8`);

    // Assess
    expect(received()[0]?.requestContext.domainName).toBe(new URL(stack.endpoints.api).host);
  });

  it('a request without a query string or path variables has neither member', async () => {
    // Prepare
    const received = eventsOf('StartBookingFunction');

    // Act
    await fetch(`${stack.endpoints.api}/`, { method: 'GET' });

    // Assess
    const [event] = received();
    expect(event?.routeKey).toBe('GET /');
    expect(event?.rawQueryString).toBe('');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
  });

  it('a JSON body is passed as text; a binary one, or one not UTF-8, as base64 with isBase64Encoded', async () => {
    // Prepare
    const received = eventsOf('StartBookingFunction');
    const [asJson, asBinary] = [freshTrip(), freshTrip()];
    const notUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);

    // Act
    const answers = [
      await fetch(`${stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(asJson),
      }),
      await fetch(`${stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: JSON.stringify(asBinary),
      }),
      await fetch(`${stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: notUtf8,
      }),
    ];

    // Assess: the API books JSON only (415), and UTF-8 only (400)
    expect(answers.map((answer) => answer.status)).toEqual([202, 415, 400]);
    const [text, binary, invalid] = received();
    expect(text).toMatchObject({
      routeKey: 'POST /trips',
      body: JSON.stringify(asJson),
      isBase64Encoded: false,
    });
    expect(binary).toMatchObject({
      body: Buffer.from(JSON.stringify(asBinary)).toString('base64'),
      isBase64Encoded: true,
    });
    expect(invalid).toMatchObject({ body: notUtf8.toString('base64'), isBase64Encoded: true });
  });
});

describe('end to end', () => {
  it('POST /trips answers 202 with a status_url that points back at the local API', async () => {
    // Prepare
    const trip = freshTrip();

    // Act
    const started = await fetch(`${stack.endpoints.api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trip),
    });
    const body = (await started.json()) as { trip_id: string; status_url: string };
    const status = await fetch(body.status_url);

    // Assess
    expect(started.status).toBe(202);
    expect(body.status_url).toBe(`${stack.endpoints.api}/trips/${trip.trip_id}`);
    expect(started.headers.get('location')).toBe(body.status_url);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ trip_id: trip.trip_id });
  });

  it("GET on any path is the reference's booking URL, answered by StartBookingFunction", async () => {
    // Prepare
    const received = eventsOf('StartBookingFunction');
    const tripId = `http-${randomUUID()}`;

    // Act
    const response = await fetch(
      `${stack.endpoints.api}/any/path?runType=success&tripID=${tripId}`,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      message: 'The holiday booking system is processing your order',
      trip_id: tripId,
    });
    expect(received()[0]).toMatchObject({
      routeKey: 'GET /{proxy+}',
      pathParameters: { proxy: 'any/path' },
    });
  });

  it.each([
    ['DELETE', '/trips'],
    ['POST', '/'],
    ['PUT', '/trips/trip-1'],
  ])(
    '%s %s, which no route takes, is 404 {"message":"Not Found"} and runs no function',
    async (method, path) => {
      // Prepare
      const started = eventsOf('StartBookingFunction');
      const got = eventsOf('GetTripFunction');

      // Act
      const response = await fetch(`${stack.endpoints.api}${path}`, { method });

      // Assess
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
      expect([...started(), ...got()]).toEqual([]);
    },
  );

  it('a body over 10 MB is 413, and the API answers the next request', async () => {
    // Act
    const tooLarge = await fetch(`${stack.endpoints.api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    const next = await fetch(`${stack.endpoints.api}/trips/no-such-trip`);

    // Assess
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(next.status).toBe(404);
    expect(await next.json()).toEqual({ message: 'Trip no-such-trip not found' });
  });
});
