/**
 * The production profile offline (`npm start -- --parameter-overrides Profile=production`): the
 * HTTP API takes the authorizer and the routes from template.yaml, verifies each token against
 * the local issuer's keys (signature, issuer, audience, expiry) and answers 401 as API Gateway
 * does; each customer sees only their own trips; the reference's catch-all and run types are off.
 * The demo profile's routes stay open, as before.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP } from '../../functions/commons/trip/document.ts';
import { issuerKey, JWKS_PATH, routeAccessOf } from '../../local/emulators/api-auth.ts';
import { routesOf } from '../../local/emulators/http-api.ts';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import { PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';
import { useTestStack, waitForExecution } from '../support/stack.ts';
import { authorizerFor, PRODUCTION, tokenFor } from '../support/tokens.ts';

const template = readTemplate();
const routesFor = (parameters: Record<string, string>) =>
  routesOf(template, createResolver(template, localAccount(), parameters));

const {
  issuer: ISSUER,
  audience: [AUDIENCE = ''],
} = authorizerFor();

describe('the routes of each profile, read from template.yaml', () => {
  it('production: POST /trips and GET /trips/{tripId}, both behind the JWT authorizer', () => {
    // Act
    const routes = routesFor(PRODUCTION);

    // Assess
    const expected = {
      name: 'CustomerJwt',
      issuer: `https://cognito-idp.${localAccount().region}.amazonaws.com/CustomerUserPool`,
      audience: ['CustomerUserPoolClient'],
      header: 'authorization',
    };
    expect(routes).toEqual([
      {
        method: 'POST',
        path: '/trips',
        functionName: 'StartBookingFunction',
        authorizer: expected,
      },
      {
        method: 'GET',
        path: '/trips/{tripId}',
        functionName: 'GetTripFunction',
        authorizer: expected,
      },
    ]);
  });

  it('production with JwtIssuer: that issuer and audience', () => {
    // Act
    const routes = routesFor({
      ...PRODUCTION,
      JwtIssuer: 'https://id.example.com',
      JwtAudience: 'booking-app',
    });

    // Assess
    expect(routes.map((route) => route.authorizer)).toEqual([
      expect.objectContaining({ issuer: 'https://id.example.com', audience: ['booking-app'] }),
      expect.objectContaining({ issuer: 'https://id.example.com', audience: ['booking-app'] }),
    ]);
  });

  it('demo: the four routes as before, none behind an authorizer', () => {
    // Act
    const routes = routesFor({ Profile: 'demo' });

    // Assess
    expect(routes).toEqual(routesOf(template));
    expect(routes).toHaveLength(4);
    expect(routes.some((route) => route.authorizer)).toBe(false);
  });
});

describe('the local HTTP API in the production profile', () => {
  const platform = useTestStack({ parameters: PRODUCTION });
  const api = (path: string, init?: RequestInit) =>
    fetch(`${platform.stack.endpoints.api}${path}`, init);
  const post = (body: unknown, token?: string) =>
    api('/trips', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const get = (tripId: string, token: string) =>
    api(`/trips/${tripId}`, { headers: { authorization: `Bearer ${token}` } });
  const freshTrip = () => ({ ...REFERENCE_TRIP, trip_id: `production-${randomUUID()}` });
  const recordOf = async (tripId: string) =>
    (
      await platform.clients.dynamodb.send(
        new GetItemCommand({
          TableName: platform.stack.tableName,
          Key: { pk: { S: tripId }, sk: { S: 'TRIP' } },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const executionsNamed = async (tripId: string) =>
    (
      await platform.clients.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: platform.stack.stateMachineArn }),
      )
    ).executions?.filter((execution) => execution.name === tripId) ?? [];

  /** A token signed with a key the issuer never had, under the issuer's own key id. */
  const forgedToken = async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { kid } = decodeProtectedHeader(await tokenFor('mallory'));
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: kid ?? '' })
      .setSubject('alice')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  };

  it.each([
    ['no token', async () => undefined],
    ['an expired token', () => tokenFor('alice', { expiresIn: -60 })],
    ['a token for another audience', () => tokenFor('alice', { audience: 'some-other-app' })],
    ['a token with a bad signature', forgedToken],
    ['a token that is no JWT', async () => 'not-a-token'],
  ])('POST /trips with %s: 401, nothing written, nothing started', async (_case, token) => {
    // Prepare
    const trip = freshTrip();

    // Act
    const response = await post(trip, await token());

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(await recordOf(trip.trip_id)).toBeUndefined();
    expect(await executionsNamed(trip.trip_id)).toEqual([]);
  });

  it('GET /trips/{tripId} with an expired token: 401', async () => {
    // Act
    const response = await get('any-trip', await tokenFor('alice', { expiresIn: -60 }));

    // Assess
    expect(response.status).toBe(401);
  });

  it("the owner books and reads their trip; another customer gets the unknown trip's 404", async () => {
    // Prepare
    const trip = freshTrip();
    const [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);

    // Act
    const started = await post(trip, alice);
    const { execution_arn } = (await started.json()) as { execution_arn: string };
    await waitForExecution(platform.clients.sfn, execution_arn);
    await platform.stack.events.idle();
    const [own, strangers, unknown] = await Promise.all([
      get(trip.trip_id, alice),
      get(trip.trip_id, bob),
      get(`${trip.trip_id}-unknown`, bob),
    ]);

    // Assess
    expect(started.status).toBe(202);
    expect((await recordOf(trip.trip_id))?.owner).toEqual({ S: 'alice' });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ trip_id: trip.trip_id, saga_status: 'booked' });
    expect(strangers.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await strangers.json()).toEqual({ message: `Trip ${trip.trip_id} not found` });
    expect(await unknown.json()).toEqual({ message: `Trip ${trip.trip_id}-unknown not found` });
  });

  it("a token the issuer signed with an empty sub: 401 on both routes, nobody's trip read, nothing started", async () => {
    // Prepare: alice's trip, and a valid token that names no one.
    const trip = freshTrip();
    const started = await post(trip, await tokenFor('alice'));
    const { execution_arn } = (await started.json()) as { execution_arn: string };
    await waitForExecution(platform.clients.sfn, execution_arn);
    const nobody = await tokenFor('');
    const another = freshTrip();

    // Act
    const read = await get(trip.trip_id, nobody);
    const booked = await post(another, nobody);

    // Assess
    expect(read.status).toBe(401);
    expect(await read.json()).toEqual({ message: 'Unauthorized' });
    expect(booked.status).toBe(401);
    expect(await recordOf(another.trip_id)).toBeUndefined();
    expect(await executionsNamed(another.trip_id)).toEqual([]);
  });

  it("another customer's repeat, or conflict, under the owner's trip id: the same 409 as any conflict, nothing revealed", async () => {
    // Prepare
    const trip = freshTrip();
    const [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);
    const started = await post(trip, alice);
    const { execution_arn } = (await started.json()) as { execution_arn: string };

    // Act
    const ownConflict = await post({ ...trip, hotel: 'another hotel' }, alice);
    const strangersRepeat = await post(trip, bob);
    const strangersConflict = await post({ ...trip, hotel: 'another hotel' }, bob);
    const ownRepeat = await post(trip, alice);

    // Assess
    expect(ownConflict.status).toBe(409);
    const conflictBody = await ownConflict.json();
    for (const response of [strangersRepeat, strangersConflict]) {
      expect(response.status).toBe(409);
      expect(await response.json()).toEqual(conflictBody);
    }
    expect(JSON.stringify(conflictBody)).not.toContain(execution_arn);
    expect(ownRepeat.status).toBe(202);
    expect(await ownRepeat.json()).toMatchObject({ execution_arn });
    expect((await recordOf(trip.trip_id))?.owner).toEqual({ S: 'alice' });
    expect(await executionsNamed(trip.trip_id)).toHaveLength(1);
    await waitForExecution(platform.clients.sfn, execution_arn);
  });

  it("has no catch-all: the reference's GET URLs are 404 and start nothing", async () => {
    // Act
    const responses = await Promise.all(
      ['/', '/robots.txt', '/?runType=failPayment&tripID=production-reference'].map((path) =>
        api(path, { headers: { authorization: 'Bearer x' } }),
      ),
    );

    // Assess
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
    expect(await executionsNamed('production-reference')).toEqual([]);
  });

  it('refuses run types: no failure injection in production', async () => {
    // Prepare
    const trip = { ...freshTrip(), run_type: 'failPayment' };

    // Act
    const response = await post(trip, await tokenFor('alice'));

    // Assess
    expect(response.status).toBe(400);
    expect(await recordOf(trip.trip_id)).toBeUndefined();
  });

  it('takes the token `npm run token -- --user alice` prints', async () => {
    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['local/cli/token.ts', '--user', 'alice'],
      { cwd: PROJECT_ROOT },
    );
    const response = await get(`token-${randomUUID()}`, stdout.trim());

    // Assess: past the authorizer, to GetTrip, which knows no such trip
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/not found$/) });
  });

  it("serves the local issuer's public key as a JWKS, and no private part", async () => {
    // Act
    const response = await api(JWKS_PATH);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };

    // Assess
    expect(response.status).toBe(200);
    expect(keys).toEqual([(await issuerKey()).publicJwk]);
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('npm run token', () => {
  it('refuses parameters under which no route needs a token, and a missing user', async () => {
    // Act
    const outcomes = await Promise.all(
      [
        ['--user', 'alice', '--parameter-overrides', 'Profile=demo'],
        ['--parameter-overrides', 'Profile=production'],
      ].map((args) =>
        promisify(execFile)(process.execPath, ['local/cli/token.ts', ...args], {
          cwd: PROJECT_ROOT,
        }).then(
          () => ({ code: 0, stderr: '' }),
          (error: { code: number; stderr: string }) => error,
        ),
      ),
    );

    // Assess
    expect(outcomes.map((outcome) => outcome.code)).toEqual([2, 2]);
    expect(outcomes[0]?.stderr).toContain('no route of the API has an authorizer');
    expect(outcomes[1]?.stderr).toContain('--user is required');
  });
});

describe('routeAccessOf, on a body of its own', () => {
  const template = {
    Parameters: { Profile: { Type: 'String', Default: 'demo' } },
    Conditions: { IsProduction: { 'Fn::Equals': [{ Ref: 'Profile' }, 'production'] } },
    Resources: {
      Api: {
        Type: 'AWS::Serverless::HttpApi',
        Properties: {
          DefinitionBody: {
            paths: {
              '/listed': { post: { security: [{ Jwt: [] }] } },
              '/conditional': {
                'Fn::If': ['IsProduction', { Ref: 'AWS::NoValue' }, { get: {} }],
              },
            },
            components: {
              securitySchemes: {
                Jwt: {
                  'x-amazon-apigateway-authorizer': {
                    type: 'jwt',
                    identitySource: '$request.header.X-Token',
                    jwtConfiguration: { issuer: 'https://issuer', audience: ['app'] },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
  const accessFor = (parameters: Record<string, string>) =>
    routeAccessOf(template, createResolver(template, localAccount(), parameters));

  it('drops a path a condition removes, keeps what the body does not list open, and reads the authorizer', () => {
    // Act
    const production = accessFor({ Profile: 'production' });
    const demo = accessFor({});

    // Assess
    expect(production('Api', 'GET', '/conditional')).toBe('absent');
    expect(demo('Api', 'GET', '/conditional')).toEqual({});
    expect(production('Api', 'GET', '/listed')).toEqual({});
    expect(production('Api', 'GET', '/unlisted')).toEqual({});
    expect(production('Api', 'POST', '/listed')).toEqual({
      authorizer: { name: 'Jwt', issuer: 'https://issuer', audience: ['app'], header: 'x-token' },
    });
  });
});
