/**
 * StartBooking (POST /trips and the reference's GET): what it starts, what it refuses, and that
 * one trip id maps to one execution.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/commons/clients/dynamodb.ts';
import { sfn } from '../../functions/commons/clients/sfn.ts';
import { RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { handler } from '../../functions/start-booking.ts';
import { fakeStepFunctions } from '../support/fake-sfn.ts';
import { type Handler, invoke, readEvent } from '../support/lambda.ts';
import { newTripId } from '../support/table.ts';

type Response = { statusCode: number; headers: Record<string, string>; body: string };
type Event = APIGatewayProxyEventV2;

const call = async (event: Event) => {
  const response = (await invoke(
    handler as unknown as Handler<Event, Response>,
    event,
  )) as Response;
  return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
};

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga';
const executionArn = (tripId: string) =>
  `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${tripId}`;

const postEvent = readEvent<Event>('start-booking.json');
const tripDocument = JSON.parse(postEvent.body ?? '{}') as Record<string, unknown>;
const post = (document: unknown): Event => ({ ...postEvent, body: JSON.stringify(document) });

let stepFunctions: ReturnType<typeof fakeStepFunctions>;

beforeEach(() => {
  stepFunctions = fakeStepFunctions();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /trips', () => {
  it('starts the trip execution, named after the trip, and answers 202 with where to follow it', async () => {
    // Prepare
    const tripId = newTripId();

    // Act
    const response = await call(post({ ...tripDocument, trip_id: tripId }));

    // Assess
    const statusUrl = `https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/trips/${tripId}`;
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      location: statusUrl,
    });
    expect(response.json).toEqual({
      trip_id: tripId,
      execution_arn: executionArn(tripId),
      started_at: expect.any(String),
      status_url: statusUrl,
    });
    expect(stepFunctions.starts).toEqual([
      {
        stateMachineArn: STATE_MACHINE,
        name: tripId,
        input: JSON.stringify({ ...tripDocument, trip_id: tripId, run_type: 'success' }),
      },
    ]);
  });

  it('keeps the contact out of the execution input, on the trip record only; another contact under the same id is a conflict', async () => {
    // Prepare
    const tripId = newTripId();
    const document = { ...tripDocument, trip_id: tripId, contact: 'jane.doe@example.com' };

    // Act
    const response = await call(post(document));
    const repeat = await call(post(document));
    const otherContact = await call(post({ ...document, contact: 'john@example.com' }));

    // Assess: nothing Step Functions keeps (history, status events, what records them) has it.
    expect(response.statusCode).toBe(202);
    expect(stepFunctions.starts).toHaveLength(1);
    expect(stepFunctions.starts[0]?.input).not.toContain('jane.doe');
    const record = await documentClient.send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: tripId, sk: 'TRIP' } }),
    );
    expect(record.Item).toMatchObject({ contact: 'jane.doe@example.com' });
    expect(record.Item?.input).not.toContain('jane.doe');
    expect(repeat.json).toEqual(response.json);
    expect(otherContact.statusCode).toBe(409);
  });

  it('gives a trip without an id a fresh one', async () => {
    const { trip_id: _none, ...withoutId } = tripDocument;

    const first = await call(post(withoutId));
    const second = await call(post(withoutId));

    expect(first.statusCode).toBe(202);
    expect(first.json.trip_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.json.trip_id).not.toBe(first.json.trip_id);
    expect(stepFunctions.executions.size).toBe(2);
  });

  it('answers an identical repeat with the same execution, while it runs and after it ended', async () => {
    const document = { ...tripDocument, trip_id: newTripId() };
    const first = await call(post(document));

    const whileRunning = await call(post(document));
    stepFunctions.end(String(first.json.execution_arn), 'SUCCEEDED');
    const afterEnd = await call(post(document));

    expect(whileRunning.statusCode).toBe(202);
    expect(afterEnd.statusCode).toBe(202);
    expect(whileRunning.json).toEqual(first.json);
    expect(afterEnd.json).toEqual(first.json);
    expect(stepFunctions.executions.size).toBe(1);
  });

  it('treats the same document with its fields in another order as the same request', async () => {
    const document = { ...tripDocument, trip_id: newTripId(), run_type: 'success' };
    const reordered = Object.fromEntries(Object.entries(document).reverse());

    const first = await call(post(document));
    stepFunctions.end(String(first.json.execution_arn), 'SUCCEEDED');
    const second = await call(post(reordered));

    expect(second.statusCode).toBe(202);
    expect(second.json.execution_arn).toBe(first.json.execution_arn);
  });

  it('refuses a different trip under an existing trip id with 409 and starts nothing', async () => {
    const tripId = newTripId();
    await call(post({ ...tripDocument, trip_id: tripId }));

    const response = await call(post({ ...tripDocument, trip_id: tripId, hotel: 'another hotel' }));

    expect(response.statusCode).toBe(409);
    expect(response.json).toEqual({
      message: `Trip ${tripId} was already booked with a different trip document`,
      errors: [{ field: 'trip_id', rule: 'is already used by another trip document' }],
    });
    expect(stepFunctions.executions.size).toBe(1);
  });

  it('answers 500 without internals when Step Functions fails', async () => {
    vi.mocked(sfn.send).mockRejectedValueOnce(new Error('socket hang up') as never);

    const response = await call(post({ ...tripDocument, trip_id: newTripId() }));

    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ message: 'Internal error' });
  });
});

describe("the reference's GET on any path", () => {
  // One fixture per run type (events/api/reference-<run type>.json).
  const referenceUrls = RUN_TYPES.map((runType) => [`reference-${runType}.json`, runType] as const);

  it.each(referenceUrls)(
    '%s starts the reference trip with run type %s and a fresh trip id',
    async (fixture, runType) => {
      const event = readEvent<Event>(`api/${fixture}`);

      const first = await call(event);
      const second = await call(event);

      expect(first.statusCode).toBe(200);
      expect(first.json).toMatchObject({
        message: 'The holiday booking system is processing your order',
        trip_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        execution_arn: executionArn(String(first.json.trip_id)),
      });
      expect(second.json.trip_id).not.toBe(first.json.trip_id);
      const input = JSON.parse(stepFunctions.starts[0]?.input ?? '{}');
      expect(input).toEqual({
        trip_id: first.json.trip_id,
        depart: 'London',
        depart_at: '2021-07-10T06:00:00.000Z',
        arrive: 'Dublin',
        arrive_at: '2021-07-12T08:00:00.000Z',
        hotel: 'holiday inn',
        check_in: '2021-07-10T12:00:00.000Z',
        check_out: '2021-07-12T14:00:00.000Z',
        rental: 'Volvo',
        rental_from: '2021-07-10T00:00:00.000Z',
        rental_to: '2021-07-12T00:00:00.000Z',
        run_type: runType,
      });
    },
  );

  it('uses tripID as the trip id: the same URL again is the same execution, another run type is 409', async () => {
    const event = readEvent<Event>('api/reference-trip-id.json');
    const tripId = newTripId();
    const withTrip = (runType: string) => ({
      ...event,
      queryStringParameters: { tripID: tripId, runType },
    });

    const first = await call(withTrip('success'));
    const again = await call(withTrip('success'));
    const conflicting = await call(withTrip('failPayment'));

    expect(first.json.execution_arn).toBe(executionArn(tripId));
    expect(again.json).toEqual(first.json);
    expect(conflicting.statusCode).toBe(409);
    expect(conflicting.json.errors).toEqual([
      { field: 'tripID', rule: 'is already used by another trip document' },
    ]);
  });

  it('does not start a booking for the favicon a browser asks for', async () => {
    const event = readEvent<Event>('api/reference-success.json');

    const response = await call({
      ...event,
      rawPath: '/favicon.ico',
      requestContext: {
        ...event.requestContext,
        http: { ...event.requestContext.http, path: '/favicon.ico' },
      },
    });

    expect(response.statusCode).toBe(404);
    expect(stepFunctions.starts).toEqual([]);
  });
});

describe('bad input', () => {
  const cases = [
    ['bad-missing-field.json', 'hotel', 'is required'],
    ['bad-wrong-type.json', 'hotel', 'must be a string'],
    ['bad-date-format.json', 'check_in', 'must be an ISO 8601 date-time'],
    ['bad-impossible-date.json', 'check_in', 'must be an ISO 8601 date-time'],
    ['bad-check-out-before-check-in.json', 'check_out', 'must be after check_in'],
    ['bad-arrival-before-departure.json', 'arrive_at', 'must be after depart_at'],
    ['bad-trip-id-characters.json', 'trip_id', 'must be 1-64 characters'],
    ['bad-trip-id-length.json', 'trip_id', 'must be 1-64 characters'],
    ['bad-control-characters.json', 'hotel', 'must not contain control characters'],
    ['bad-oversized-body.json', 'body', 'must be at most 8192 bytes'],
    ['bad-invalid-json.json', 'body', 'must be valid JSON'],
    ['bad-not-an-object.json', 'body', 'must be a JSON object'],
    ['bad-unknown-field.json', 'hotell', 'is not a known field'],
    ['bad-unknown-run-type.json', 'run_type', 'must be one of success, failHotelReservation'],
    ['bad-reference-run-type.json', 'runType', 'must be one of success'],
    ['bad-reference-trip-id.json', 'tripID', 'must be 1-64 characters'],
    ['bad-reference-query-parameter.json', 'runtype', 'is not a known query parameter'],
  ] as const;

  it.each(cases)(
    '%s gets 400 naming %s, and starts and writes nothing',
    async (fixture, field, rule) => {
      // Prepare
      const writes = vi.spyOn(documentClient, 'send');

      // Act
      const response = await call(readEvent<Event>(`api/${fixture}`));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.json.message).toBe('The request is invalid');
      expect(response.json.errors).toContainEqual({ field, rule: expect.stringContaining(rule) });
      expect(stepFunctions.starts).toEqual([]);
      expect(writes).not.toHaveBeenCalled();
    },
  );

  it('refuses a body that is not valid UTF-8 with 400, instead of booking U+FFFD in its place', async () => {
    // Prepare: a valid trip whose hotel holds a lone 0xFF byte (the local API and API Gateway
    // pass bytes that are not UTF-8 as base64)
    const [before, after] = JSON.stringify({ ...tripDocument, hotel: 'Hotel X' }).split('X');
    const bytes = Buffer.concat([
      Buffer.from(before ?? ''),
      Buffer.from([0xff]),
      Buffer.from(after ?? ''),
    ]);
    const writes = vi.spyOn(documentClient, 'send');

    // Act
    const response = await call({
      ...postEvent,
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.json.errors).toEqual([{ field: 'body', rule: 'must be valid UTF-8' }]);
    expect(stepFunctions.starts).toEqual([]);
    expect(writes).not.toHaveBeenCalled();
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
    ['XML', 'application/xml'],
    ['a type that only ends in json', 'text/json-ish'],
  ])(
    'refuses a POST whose Content-Type is %s with 415, and starts and writes nothing',
    async (_what, contentType) => {
      // Prepare
      const { 'content-type': _json, ...headers } = postEvent.headers;
      const writes = vi.spyOn(documentClient, 'send');

      // Act
      const response = await call({
        ...post(tripDocument),
        headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) },
      });

      // Assess
      expect(response.statusCode).toBe(415);
      expect(response.json).toEqual({
        message: 'Unsupported Media Type',
        errors: [{ field: 'content-type', rule: 'must be application/json' }],
      });
      expect(stepFunctions.starts).toEqual([]);
      expect(writes).not.toHaveBeenCalled();
    },
  );

  it('takes JSON under any JSON media type, with parameters', async () => {
    const types = [
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/vnd.trip+json',
    ];

    const responses = await Promise.all(
      types.map((contentType) =>
        call({
          ...post({ ...tripDocument, trip_id: newTripId() }),
          headers: { ...postEvent.headers, 'content-type': contentType },
        }),
      ),
    );

    expect(responses.map((response) => response.statusCode)).toEqual([202, 202, 202]);
  });

  it('names every wrong field of a request at once', async () => {
    const response = await call(
      post({ ...tripDocument, hotel: '', check_in: 'soon', depart: 7, extra: true }),
    );

    expect(response.statusCode).toBe(400);
    expect((response.json.errors as { field: string }[]).map(({ field }) => field).sort()).toEqual([
      'check_in',
      'depart',
      'extra',
      'hotel',
    ]);
  });
});

describe('with failure injection disabled', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const loadHandler = async () => {
    vi.resetModules();
    vi.stubEnv('FAILURE_INJECTION', 'disabled');
    const { handler: fresh } = await import('../../functions/start-booking.ts');
    const { fakeStepFunctions: freshFake } = await import('../support/fake-sfn.ts');
    return { fresh: fresh as unknown as Handler<Event, Response>, fake: freshFake() };
  };

  it('refuses a failure run type with 400 and starts nothing', async () => {
    const { fresh, fake } = await loadHandler();

    const response = await invoke(fresh, readEvent<Event>('api/reference-failPayment.json'));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors).toEqual([
      {
        field: 'runType',
        rule: 'failure injection is disabled in this deployment; only "success" is accepted',
      },
    ]);
    expect(fake.starts).toEqual([]);
  });

  it('still books a trip that asks for no failure', async () => {
    const { fresh, fake } = await loadHandler();

    const response = await invoke(fresh, readEvent<Event>('api/reference-success.json'));

    expect(response.statusCode).toBe(200);
    expect(fake.starts).toHaveLength(1);
  });
});

describe('POST /trips by a signed-in customer (production profile)', () => {
  const signedIn = (event: Event, sub: string): Event =>
    ({
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { jwt: { claims: { sub }, scopes: null } },
      },
    }) as Event;

  it("stores the token's sub as the trip's owner, and the owner's repeat gets the same execution", async () => {
    const document = { ...tripDocument, trip_id: newTripId() };

    const first = await call(signedIn(post(document), 'alice'));
    const again = await call(signedIn(post(document), 'alice'));

    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json.execution_arn).toBe(first.json.execution_arn);
    const record = await documentClient.send(
      new GetCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: document.trip_id, sk: 'TRIP' },
      }),
    );
    expect(record.Item?.owner).toBe('alice');
  });

  it("answers another customer's repeat and conflict exactly as any conflict, and starts nothing", async () => {
    const document = { ...tripDocument, trip_id: newTripId() };
    await call(signedIn(post(document), 'alice'));
    const conflict = await call(signedIn(post({ ...document, hotel: 'another hotel' }), 'alice'));

    const repeat = await call(signedIn(post(document), 'bob'));
    const different = await call(signedIn(post({ ...document, hotel: 'another hotel' }), 'bob'));

    for (const response of [repeat, different]) {
      expect(response.statusCode).toBe(409);
      expect(response.json).toEqual(conflict.json);
    }
    expect(stepFunctions.executions.size).toBe(1);
  });
});
