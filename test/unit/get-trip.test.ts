/**
 * GetTrip (GET /trips/{tripId}): the saga's status as the execution and the table show it,
 * the trip's bookings and leftovers, 404 for an unknown trip, 400 for an id that cannot be one.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as cancelFlight } from '../../functions/cancel-flight.ts';
import { handler as cancelHotel } from '../../functions/cancel-hotel.ts';
import type { Trip } from '../../functions/commons/trip/document.ts';
import { startTripExecution } from '../../functions/commons/trip/start.ts';
import { handler } from '../../functions/get-trip.ts';
import { handler as recordLeftover } from '../../functions/record-leftover.ts';
import { handler as reserveFlight } from '../../functions/reserve-flight.ts';
import { handler as reserveHotel } from '../../functions/reserve-hotel.ts';
import { fakeStepFunctions } from '../support/fake-sfn.ts';
import { type Handler, invoke, readEvent } from '../support/lambda.ts';
import { newTripId } from '../support/table.ts';

type Event = APIGatewayProxyEventV2;
type Response = { statusCode: number; body: string };

/** The trip's status, asked by a signed-in customer (`sub`) or, without one, on the open API. */
const getTrip = async (tripId: string, sub?: string) => {
  const event = readEvent<Event>('get-trip.json');
  const response = (await invoke(
    handler as unknown as Handler<Event, Response>,
    {
      ...event,
      rawPath: `/trips/${tripId}`,
      pathParameters: { tripId },
      ...(sub
        ? {
            requestContext: {
              ...event.requestContext,
              authorizer: { jwt: { claims: { sub }, scopes: null } },
            },
          }
        : {}),
    } as Event,
  )) as Response;
  return { statusCode: response.statusCode, json: JSON.parse(response.body) };
};

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga';
let stepFunctions: ReturnType<typeof fakeStepFunctions>;

/** A trip whose execution was started (in the fake) and whose hotel and flight are reserved. */
const reservedTrip = async () => {
  const trip = { ...readEvent('reserve-hotel.json'), trip_id: newTripId() };
  const executionArn = `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${trip.trip_id}`;
  stepFunctions.executions.set(executionArn, {
    executionArn,
    input: JSON.stringify(trip),
    status: 'RUNNING',
    startDate: new Date('2026-11-26T10:00:00.000Z'),
  });
  await invoke(reserveHotel as Handler, trip);
  await invoke(reserveFlight as Handler, trip);
  return { trip, executionArn };
};

beforeEach(() => {
  stepFunctions = fakeStepFunctions();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /trips/{tripId}', () => {
  it('shows a running saga with its execution and its pending bookings', async () => {
    const { trip, executionArn } = await reservedTrip();

    const { statusCode, json } = await getTrip(trip.trip_id);

    expect(statusCode).toBe(200);
    expect(json).toEqual({
      trip_id: trip.trip_id,
      saga_status: 'running',
      execution: {
        execution_arn: executionArn,
        status: 'RUNNING',
        start_date: '2026-11-26T10:00:00.000Z',
      },
      bookings: [
        expect.objectContaining({
          type: 'Flight',
          transaction_status: 'pending',
          depart: 'London',
        }),
        expect.objectContaining({
          type: 'Hotel',
          transaction_status: 'pending',
          hotel: 'holiday inn',
        }),
      ],
      tombstones: [],
      leftovers: [],
      notifications: [],
    });
    expect(json.bookings[0]).not.toHaveProperty('pk');
  });

  it('reports a failed saga whose bookings were all cancelled as failed, with its error', async () => {
    const { trip, executionArn } = await reservedTrip();
    await invoke(cancelFlight as Handler, trip);
    await invoke(cancelHotel as Handler, trip);
    stepFunctions.end(
      executionArn,
      'FAILED',
      'BookingFailed',
      'every step that ran has been undone',
    );

    const { json } = await getTrip(trip.trip_id);

    expect(json.saga_status).toBe('failed');
    expect(json.execution).toMatchObject({ status: 'FAILED', error: 'BookingFailed' });
    expect(
      json.bookings.map((booking: { transaction_status: string }) => booking.transaction_status),
    ).toEqual(['cancelled', 'cancelled']);
    expect(json.tombstones).toEqual([]);
  });

  it('shows a tombstone (an undo that found no booking) apart from the bookings that were made', async () => {
    // Prepare: the flight cancelled before it was ever reserved, the hotel after.
    const { trip, executionArn } = await reservedTrip();
    const lateFlight = { ...trip, trip_id: newTripId() };
    const flightArn = executionArn.replace(trip.trip_id, lateFlight.trip_id);
    stepFunctions.executions.set(flightArn, {
      executionArn: flightArn,
      input: '{}',
      status: 'FAILED',
      startDate: new Date(),
    });
    await invoke(reserveHotel as Handler, lateFlight);
    await invoke(cancelFlight as Handler, lateFlight);
    await invoke(cancelHotel as Handler, lateFlight);

    // Act
    const { json } = await getTrip(lateFlight.trip_id);

    // Assess
    expect(json.bookings).toEqual([
      expect.objectContaining({
        type: 'Hotel',
        transaction_status: 'cancelled',
        undone_from: 'pending',
      }),
    ]);
    expect(json.tombstones).toEqual([
      { type: 'Flight', id: expect.any(String), transaction_status: 'cancelled' },
    ]);
  });

  it('reports needs_repair and lists the leftover when a compensation exhausted its retries', async () => {
    const { trip, executionArn } = await reservedTrip();
    await invoke(cancelFlight as Handler, trip);
    await invoke(recordLeftover as Handler, {
      compensation: 'CancelHotel',
      trip,
      failure: { Error: 'InjectedTransientFailure', Cause: 'CancelHotel failed at random' },
    });
    stepFunctions.end(
      executionArn,
      'FAILED',
      'BookingNeedsRepair',
      'a compensation exhausted its retries',
    );

    const { json } = await getTrip(trip.trip_id);

    expect(json.saga_status).toBe('needs_repair');
    expect(json.leftovers).toEqual([
      expect.objectContaining({
        compensation: 'CancelHotel',
        repair_status: 'open',
        error: 'InjectedTransientFailure',
      }),
    ]);
  });

  it('reports needs_repair when an ended saga left a booking live without a record', async () => {
    const { trip, executionArn } = await reservedTrip();
    stepFunctions.end(executionArn, 'ABORTED');

    const { json } = await getTrip(trip.trip_id);

    expect(json.saga_status).toBe('needs_repair');
  });

  it('still shows the bookings once the execution is no longer kept', async () => {
    const { trip, executionArn } = await reservedTrip();
    await invoke(cancelFlight as Handler, trip);
    await invoke(cancelHotel as Handler, trip);
    stepFunctions.executions.delete(executionArn);

    const { statusCode, json } = await getTrip(trip.trip_id);

    expect(statusCode).toBe(200);
    expect(json).toMatchObject({ saga_status: 'failed', execution: null });
    expect(json.bookings).toHaveLength(2);
  });

  it('answers 404 for a trip it has never seen', async () => {
    const tripId = newTripId();

    const { statusCode, json } = await getTrip(tripId);

    expect(statusCode).toBe(404);
    expect(json).toEqual({ message: `Trip ${tripId} not found` });
  });

  it('answers 400 naming tripId for an id that cannot be a trip id', async () => {
    const event = readEvent<Event>('api/bad-get-trip-id.json');

    const response = (await invoke(
      handler as unknown as Handler<Event, Response>,
      event,
    )) as Response;

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      message: 'The request is invalid',
      errors: [{ field: 'tripId', rule: 'must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"' }],
    });
  });
});

describe('GET /trips/{tripId} for a signed-in customer (production profile)', () => {
  const ownedTrip = async (owner: string) => {
    const trip = { ...readEvent<Trip>('reserve-hotel.json'), trip_id: newTripId() };
    const started = await startTripExecution(trip, owner);
    return { trip, started };
  };

  it("shows the owner their trip; anyone else gets exactly the unknown trip's 404", async () => {
    const { trip, started } = await ownedTrip('alice');

    const own = await getTrip(trip.trip_id, 'alice');
    const strangers = await getTrip(trip.trip_id, 'bob');
    const unknownId = newTripId();
    const unknown = await getTrip(unknownId, 'bob');

    expect(started.kind).toBe('started');
    expect(own).toMatchObject({ statusCode: 200, json: { trip_id: trip.trip_id } });
    expect(strangers).toEqual({
      statusCode: 404,
      json: { message: `Trip ${trip.trip_id} not found` },
    });
    expect(unknown).toEqual({ statusCode: 404, json: { message: `Trip ${unknownId} not found` } });
  });

  it('gives a signed-in customer 404 for a trip started outside the API, which has no owner', async () => {
    const { trip } = await reservedTrip();

    const signedIn = await getTrip(trip.trip_id, 'alice');
    const open = await getTrip(trip.trip_id);

    expect(signedIn).toEqual({
      statusCode: 404,
      json: { message: `Trip ${trip.trip_id} not found` },
    });
    expect(open.statusCode).toBe(200);
  });

  it('answers 401 to a token the authorizer let through without a subject (no sub, an empty one)', async () => {
    // Prepare: alice's trip; tokens that name nobody (API Gateway's JWT authorizer does not
    // require a sub).
    const { trip } = await ownedTrip('alice');
    const event = readEvent<Event>('get-trip.json');
    const asking = (claims: Record<string, unknown>) =>
      invoke(
        handler as unknown as Handler<Event, Response>,
        {
          ...event,
          rawPath: `/trips/${trip.trip_id}`,
          pathParameters: { tripId: trip.trip_id },
          requestContext: {
            ...event.requestContext,
            authorizer: { jwt: { claims, scopes: null } },
          },
        } as Event,
      ) as Promise<Response>;

    // Act
    const answers = await Promise.all([asking({}), asking({ sub: '' }), asking({ sub: ' ' })]);

    // Assess
    for (const answer of answers) {
      expect(answer.statusCode).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ message: 'Unauthorized' });
    }
  });

  it("still shows any trip on the demo's open API, where nobody signs in", async () => {
    const { trip } = await ownedTrip('alice');

    const { statusCode } = await getTrip(trip.trip_id);

    expect(statusCode).toBe(200);
  });
});
