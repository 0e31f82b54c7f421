/**
 * A saga's end from outside the state machine, handler by handler against the emulated DynamoDB
 * (Step Functions faked): the trip record making one trip id one saga, the status read from the
 * table, the reconciler under duplicated, late and out-of-order events, undo steps that fail,
 * a trip document that no longer parses, the sweep, and the repair.
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as cancelHotel } from '../../functions/cancel-hotel.ts';
import { documentClient } from '../../functions/commons/clients/dynamodb.ts';
import { sfn } from '../../functions/commons/clients/sfn.ts';
import { handler as confirmFlight } from '../../functions/confirm-flight.ts';
import { handler as confirmHotel } from '../../functions/confirm-hotel.ts';
import { handler as getTrip } from '../../functions/get-trip.ts';
import { handler as reconcile } from '../../functions/reconcile-trip.ts';
import { handler as repair } from '../../functions/repair-trip.ts';
import { handler as reserveFlight } from '../../functions/reserve-flight.ts';
import { handler as reserveHotel } from '../../functions/reserve-hotel.ts';
import { handler as startBooking } from '../../functions/start-booking.ts';
import { handler as sweep } from '../../functions/sweep-trips.ts';
import { handler as takePayment } from '../../functions/take-payment.ts';
import { fakeMessaging } from '../support/fake-messaging.ts';
import { fakeStepFunctions } from '../support/fake-sfn.ts';
import { type Handler, invoke, invokeFailing, readEvent } from '../support/lambda.ts';
import { itemsOf, newTripId, statusesOf } from '../support/table.ts';

type Event = APIGatewayProxyEventV2;
type Response = { statusCode: number; body: string };

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga';
const executionArnOf = (tripId: string) =>
  `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${tripId}`;

const postEvent = readEvent<Event>('start-booking.json');
const document = JSON.parse(postEvent.body ?? '{}') as Record<string, string>;
const tripOf = (tripId: string, runType = 'success') => ({
  ...document,
  trip_id: tripId,
  run_type: runType,
});

const post = async (body: unknown) => {
  const response = (await invoke(startBooking as unknown as Handler<Event, Response>, {
    ...postEvent,
    body: JSON.stringify(body),
  })) as Response;
  return { statusCode: response.statusCode, json: JSON.parse(response.body) };
};

const status = async (tripId: string) => {
  const event = readEvent<Event>('get-trip.json');
  const response = (await invoke(getTrip as unknown as Handler<Event, Response>, {
    ...event,
    rawPath: `/trips/${tripId}`,
    pathParameters: { tripId },
  })) as Response;
  return JSON.parse(response.body) as {
    saga_status: string;
    execution: Record<string, string> | null;
    leftovers: Record<string, string>[];
  };
};

/**
 * EventBridge's execution status change event for the trip's execution, which has ended so (in
 * the fake Step Functions: the reconciler asks it before acting).
 */
const ended = (tripId: string, end: string, input?: string, error?: string) => {
  endExecution(tripId, end, input, error);
  return statusChange(tripId, end, input, error);
};

/** The trip's execution ends (or is found ended) in the fake Step Functions. */
const endExecution = (tripId: string, end: string, input?: string, error?: string) => {
  const executionArn = executionArnOf(tripId);
  if (!stepFunctions.executions.has(executionArn)) {
    stepFunctions.executions.set(executionArn, {
      executionArn,
      input: input ?? JSON.stringify(tripOf(tripId)),
      status: 'RUNNING',
      startDate: new Date(),
    });
  }
  stepFunctions.end(executionArn, end as 'FAILED', error);
};

/** The status change event alone: what it claims, whatever Step Functions says. */
const statusChange = (tripId: string, end: string, input?: string, error?: string) => {
  const fixture = readEvent<{ detail: Record<string, unknown> }>('reconcile-trip.json');
  return {
    ...fixture,
    detail: {
      ...fixture.detail,
      executionArn: executionArnOf(tripId),
      name: tripId,
      status: end,
      input: input ?? JSON.stringify(tripOf(tripId)),
      error: error ?? null,
    },
  };
};

const run = (handler: unknown, event: unknown) => invoke(handler as Handler, event);

/** The forward steps through ConfirmHotel: hotel confirmed, flight pending, payment taken. */
const halfway = async (trip: Record<string, string>) => {
  await run(reserveHotel, trip);
  await run(reserveFlight, trip);
  await run(takePayment, trip);
  await run(confirmHotel, trip);
};

const metricsWritten = () => {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return () => lines.filter((line) => line.includes('"CompensationLeftovers"')).length;
};

let stepFunctions: ReturnType<typeof fakeStepFunctions>;

beforeEach(() => {
  stepFunctions = fakeStepFunctions();
  // The outcome events the reconciler, the sweep and the repair announce (notify-customer.test.ts).
  fakeMessaging();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the trip record: one trip id, one saga, forever', () => {
  it('writes the record before the execution, and answers a repeat after Step Functions forgot the execution without starting another', async () => {
    // Prepare
    const tripId = newTripId();
    const first = await post(tripOf(tripId));
    stepFunctions.end(executionArnOf(tripId), 'SUCCEEDED');
    await run(reconcile, ended(tripId, 'SUCCEEDED'));
    stepFunctions.executions.clear();

    // Act
    const repeat = await post(tripOf(tripId));
    const conflict = await post(tripOf(tripId, 'failPayment'));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(repeat).toEqual(first);
    expect(conflict.statusCode).toBe(409);
    expect(stepFunctions.starts).toHaveLength(1);
    expect((await itemsOf(tripId)).TRIP).toMatchObject({
      type: 'Trip',
      execution_arn: executionArnOf(tripId),
      input_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('starts the execution on a repeat when the first request wrote the record and failed before starting it', async () => {
    // Prepare: StartExecution unreachable for the first request.
    const tripId = newTripId();
    vi.mocked(sfn.send).mockRejectedValueOnce(
      Object.assign(new Error('unreachable'), { name: 'TimeoutError' }) as never,
    );

    // Act
    const failed = await post(tripOf(tripId));
    const retried = await post(tripOf(tripId));
    const again = await post(tripOf(tripId));

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(retried.statusCode).toBe(202);
    expect(again).toEqual(retried);
    expect(stepFunctions.starts).toHaveLength(1);
  });

  it('never starts an execution for a repeat once the start window has passed', async () => {
    // Prepare: a record whose first request never started its execution, six minutes ago.
    const tripId = newTripId();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 6 * 60_000);
    vi.mocked(sfn.send).mockRejectedValueOnce(new Error('unreachable') as never);
    await post(tripOf(tripId));
    vi.useRealTimers();
    stepFunctions = fakeStepFunctions();

    // Act
    const repeat = await post(tripOf(tripId));

    // Assess: the sweep, not a repeat, settles it.
    expect(repeat.statusCode).toBe(202);
    expect(stepFunctions.starts).toHaveLength(0);
  });
});

describe('the status, from the table', () => {
  it('is running while the record is open, whatever the items say at that instant', async () => {
    // Prepare: every step done, the end not yet reconciled.
    const trip = tripOf(newTripId());
    await post(trip);
    await halfway(trip);
    await run(confirmFlight, trip);

    // Act
    const { saga_status } = await status(trip.trip_id ?? '');

    // Assess
    expect(saga_status).toBe('running');
  });

  it('is never booked with a booking that is not confirmed, and never failed with something live', async () => {
    // Prepare: the execution reports success while the flight is still only pending.
    const pending = tripOf(newTripId());
    await post(pending);
    await halfway(pending);
    const aborted = tripOf(newTripId());
    await post(aborted);
    await run(reserveHotel, aborted);

    // Act
    await run(reconcile, ended(pending.trip_id ?? '', 'SUCCEEDED'));
    await run(reconcile, ended(aborted.trip_id ?? '', 'FAILED', undefined, 'BookingFailed'));

    // Assess
    expect(await status(pending.trip_id ?? '')).toMatchObject({ saga_status: 'needs_repair' });
    expect(await status(aborted.trip_id ?? '')).toMatchObject({
      saga_status: 'needs_repair',
      execution: { status: 'FAILED', error: 'BookingFailed' },
      leftovers: [expect.objectContaining({ compensation: 'CancelHotel', error: 'Saga.FAILED' })],
    });
  });
});

describe('the reconciler', () => {
  it('undoes an aborted saga and writes tombstones, so a late reserve cannot bring anything back', async () => {
    // Prepare
    const trip = tripOf(newTripId());
    await post(trip);
    await halfway(trip);

    // Act
    const first = await run(reconcile, ended(trip.trip_id ?? '', 'ABORTED'));
    const again = await run(reconcile, ended(trip.trip_id ?? '', 'ABORTED'));
    const late = await invokeFailing(reserveFlight as Handler, trip);

    // Assess: the event delivered again finds everything undone and says it did nothing.
    expect(first).toMatchObject({
      undone: ['RefundPayment', 'CancelFlight', 'CancelHotel'],
      concluded: true,
    });
    expect(again).toMatchObject({ undone: [], recorded: [], concluded: false });
    expect(late.name).toBe('BookingAlreadyCancelled');
    expect(await statusesOf(trip.trip_id ?? '')).toEqual({
      HOTEL: 'cancelled',
      FLIGHT: 'cancelled',
      PAYMENT: 'refunded',
      TRIP: undefined,
    });
    expect((await itemsOf(trip.trip_id ?? '')).TRIP).toMatchObject({
      execution_status: 'ABORTED',
      outcome: 'failed',
    });
  });

  it('changes nothing for an event delivered twice, or late after a repair', async () => {
    // Prepare: a failed saga that left the hotel held, recorded, then repaired.
    const trip = tripOf(newTripId());
    await post(trip);
    await run(reserveHotel, trip);
    const first = await run(reconcile, ended(trip.trip_id ?? '', 'FAILED'));
    const once = await itemsOf(trip.trip_id ?? '');
    const second = await run(reconcile, ended(trip.trip_id ?? '', 'FAILED'));
    const twice = await itemsOf(trip.trip_id ?? '');
    await run(repair, { trip_id: trip.trip_id });
    const repaired = await itemsOf(trip.trip_id ?? '');

    // Act: the same event, very late.
    await run(reconcile, ended(trip.trip_id ?? '', 'FAILED'));

    // Assess: the first event concluded the record (and says so); the repeat wrote nothing.
    expect(first).toMatchObject({ concluded: true, recorded: ['CancelHotel'] });
    expect(second).toMatchObject({ concluded: false, recorded: [] });
    expect(twice).toEqual(once);
    const late = await itemsOf(trip.trip_id ?? '');
    expect(late).toEqual(repaired);
    expect(late.TRIP).toMatchObject({ outcome: 'failed' });
  });

  it('records and counts what an undo step could not undo (DynamoDB refusing it), before anything else', async () => {
    // Prepare: CancelFlight's writes fail, as when DynamoDB is down for longer than the retries.
    const trip = tripOf(newTripId());
    await post(trip);
    await halfway(trip);
    const send = documentClient.send.bind(documentClient);
    vi.spyOn(documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof UpdateCommand && String(command.input.Key?.sk).startsWith('FLIGHT#')) {
        return Promise.reject(
          Object.assign(new Error('unavailable'), { name: 'InternalServerError' }),
        );
      }
      return send(command as never);
    }) as never);
    const counted = metricsWritten();

    // Act
    await run(reconcile, ended(trip.trip_id ?? '', 'TIMED_OUT', undefined, 'States.Timeout'));

    // Assess
    const items = await itemsOf(trip.trip_id ?? '');
    const leftover = Object.values(items).find((item) => item.type === 'Leftover');
    expect(leftover).toMatchObject({
      compensation: 'CancelFlight',
      repair_status: 'open',
      error: 'Saga.TIMED_OUT',
      cause: expect.stringContaining('InternalServerError'),
    });
    expect(counted()).toBe(1);
    expect(items.TRIP).toMatchObject({ execution_status: 'TIMED_OUT', outcome: 'needs_repair' });
    expect(await statusesOf(trip.trip_id ?? '')).toMatchObject({
      HOTEL: 'cancelled',
      PAYMENT: 'refunded',
      FLIGHT: 'pending',
    });
  });

  it('undoes by the items themselves when the trip document no longer parses (a schema tightened by a deploy)', async () => {
    // Prepare: a trip whose record holds a document today's schema refuses.
    const tripId = newTripId();
    const trip = tripOf(tripId);
    await run(reserveHotel, trip);
    await documentClient.send(
      new PutCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: tripId,
          sk: 'TRIP',
          type: 'Trip',
          trip_id: tripId,
          input: JSON.stringify({ ...trip, hotel: '' }),
          input_digest: 'x',
          execution_arn: executionArnOf(tripId),
          started_at: new Date().toISOString(),
          open_shard: 'OPEN#1',
        },
      }),
    );

    // Act
    await run(reconcile, ended(tripId, 'ABORTED', JSON.stringify({ ...trip, hotel: '' })));

    // Assess
    expect(await statusesOf(tripId)).toEqual({ HOTEL: 'cancelled', TRIP: undefined });
  });
});

describe('the reconciler, taking no event on its word', () => {
  /** A trip booked and concluded so: the reconciler saw its real end. */
  const bookedTrip = async () => {
    const trip = tripOf(newTripId('booked'));
    await post(trip);
    await halfway(trip);
    await run(confirmFlight, trip);
    await run(reconcile, ended(trip.trip_id ?? '', 'SUCCEEDED'));
    return trip.trip_id ?? '';
  };

  it('changes nothing for a forged or stale end of a booked trip: Step Functions says SUCCEEDED', async () => {
    // Prepare
    const tripId = await bookedTrip();
    const before = await itemsOf(tripId);

    // Act: an abort and a failure nobody's execution had.
    const aborted = await run(reconcile, statusChange(tripId, 'ABORTED'));
    const failed = await run(reconcile, statusChange(tripId, 'FAILED'));

    // Assess
    expect(aborted).toEqual({
      trip_id: tripId,
      ignored: 'Step Functions says the execution is SUCCEEDED',
    });
    expect(failed).toMatchObject({ ignored: expect.any(String) });
    expect(await itemsOf(tripId)).toEqual(before);
    expect((await status(tripId)).saga_status).toBe('booked');
  });

  it('changes nothing for an end of a saga still running, nor for an event naming another execution', async () => {
    // Prepare
    const trip = tripOf(newTripId('running'));
    await post(trip);
    await run(reserveHotel, trip);
    const tripId = trip.trip_id ?? '';
    const foreign = {
      ...statusChange(tripId, 'ABORTED'),
      detail: {
        ...statusChange(tripId, 'ABORTED').detail,
        executionArn: `${executionArnOf(tripId)}-other`,
      },
    };
    const before = await itemsOf(tripId);

    // Act
    const early = await run(reconcile, statusChange(tripId, 'FAILED'));
    endExecution(tripId, 'ABORTED');
    const other = await run(reconcile, foreign);

    // Assess
    expect(early).toMatchObject({ ignored: 'Step Functions says the execution is RUNNING' });
    expect(other).toMatchObject({ ignored: `the trip's execution is ${executionArnOf(tripId)}` });
    expect(await itemsOf(tripId)).toEqual(before);
    expect((await status(tripId)).saga_status).toBe('running');
  });

  it('marks the tombstones it writes after an abort: the status shows them apart from the undone bookings', async () => {
    // Prepare: an abort with the hotel held, the flight and the payment never made.
    const trip = tripOf(newTripId());
    const tripId = trip.trip_id ?? '';
    await post(trip);
    await run(reserveHotel, trip);

    // Act
    await run(reconcile, ended(tripId, 'ABORTED'));

    // Assess
    const items = await itemsOf(tripId);
    const bySort = (prefix: string) =>
      Object.values(items).find((item) => (item.sk ?? '').startsWith(prefix));
    expect(bySort('HOTEL#')).toMatchObject({
      transaction_status: 'cancelled',
      undone_from: 'pending',
    });
    expect(bySort('FLIGHT#')).toMatchObject({
      transaction_status: 'cancelled',
      undone_from: 'nothing',
    });
    expect(bySort('PAYMENT#')).toMatchObject({
      transaction_status: 'refunded',
      undone_from: 'nothing',
    });
    const shown = (await status(tripId)) as unknown as {
      bookings: { type: string; transaction_status: string }[];
      tombstones: { type: string; transaction_status: string }[];
    };
    expect(
      shown.bookings.map(({ type, transaction_status }) => [type, transaction_status]),
    ).toEqual([['Hotel', 'cancelled']]);
    expect(shown.tombstones.map(({ type }) => type).sort()).toEqual(['Flight', 'Payment']);
  });
});

describe('the sweep', () => {
  it('settles open trips no event settled: undoes one never started, concludes one that ended, leaves a running one', async () => {
    // Prepare
    const neverStarted = tripOf(newTripId('never'));
    const endedUnseen = tripOf(newTripId('unseen'));
    const running = tripOf(newTripId('running'));
    vi.mocked(sfn.send).mockRejectedValueOnce(new Error('unreachable') as never);
    await post(neverStarted);
    await run(reserveHotel, neverStarted);
    await post(endedUnseen);
    await run(reserveHotel, endedUnseen);
    await run(cancelHotel, endedUnseen);
    stepFunctions.end(executionArnOf(endedUnseen.trip_id ?? ''), 'FAILED', 'BookingFailed');
    await post(running);

    // Act
    const result = (await run(sweep, { older_than_seconds: 0 })) as {
      concluded: { trip_id: string; end: string; outcome: string }[];
    };

    // Assess
    const concluded = Object.fromEntries(
      result.concluded.map((trip) => [trip.trip_id, [trip.end, trip.outcome]]),
    );
    expect(concluded[neverStarted.trip_id ?? '']).toEqual(['NOT_STARTED', 'failed']);
    expect(concluded[endedUnseen.trip_id ?? '']).toEqual(['FAILED', 'failed']);
    expect(concluded[running.trip_id ?? '']).toBeUndefined();
    expect(await statusesOf(neverStarted.trip_id ?? '')).toMatchObject({ HOTEL: 'cancelled' });
    expect((await status(running.trip_id ?? '')).saga_status).toBe('running');
  });

  it('settles and announces the other trips when one cannot be settled, then fails naming it, its record left open', async () => {
    // Prepare: three sagas that ended unseen; Step Functions cannot describe the second one's.
    const trips = ['first', 'second', 'third'].map((label) => tripOf(newTripId(label)));
    for (const trip of trips) {
      await post(trip);
      await run(reserveHotel, trip);
      stepFunctions.end(executionArnOf(trip.trip_id ?? ''), 'FAILED', 'BookingFailed');
    }
    const unreachable = executionArnOf(trips[1]?.trip_id ?? '');
    const send = vi.mocked(sfn.send).getMockImplementation();
    vi.mocked(sfn.send).mockImplementation(((command: unknown) =>
      command instanceof DescribeExecutionCommand && command.input.executionArn === unreachable
        ? Promise.reject(Object.assign(new Error('unreachable'), { name: 'TimeoutError' }))
        : send?.(command as never, undefined as never, undefined as never)) as never);
    const { events } = fakeMessaging();

    // Act
    const error = await invokeFailing(sweep as Handler, { older_than_seconds: 0 });

    // Assess
    expect(error.name).toBe('TripsNotSwept');
    expect(error.message).toContain(`${trips[1]?.trip_id} (TimeoutError: unreachable)`);
    const announced = events.map((event) => JSON.parse(event.Detail ?? '{}').trip_id);
    for (const trip of [trips[0], trips[2]]) {
      expect((await status(trip?.trip_id ?? '')).saga_status).toBe('failed');
      expect(announced).toContain(trip?.trip_id);
    }
    expect((await status(trips[1]?.trip_id ?? '')).saga_status).toBe('running');
    expect(announced).not.toContain(trips[1]?.trip_id);
  });

  it('concludes booked a trip whose execution is gone after every booking was confirmed', async () => {
    // Prepare
    const trip = tripOf(newTripId());
    await post(trip);
    await halfway(trip);
    await run(confirmFlight, trip);
    stepFunctions.executions.clear();

    // Act
    await run(sweep, { older_than_seconds: 0 });

    // Assess
    expect(await status(trip.trip_id ?? '')).toMatchObject({
      saga_status: 'booked',
      execution: { status: 'SUCCEEDED' },
    });
  });
});

describe('the repair', () => {
  it('is refused while the saga runs', async () => {
    const trip = tripOf(newTripId());
    await post(trip);
    await run(reserveHotel, trip);

    const error = await invokeFailing(repair as Handler, { trip_id: trip.trip_id });

    expect(error.name).toBe('RepairRefused');
    expect(await statusesOf(trip.trip_id ?? '')).toEqual({ HOTEL: 'pending', TRIP: undefined });
  });

  it('never touches a trip whose execution still runs, though it was started on the Step Functions API (no record)', async () => {
    // Prepare
    const trip = tripOf(newTripId('direct'));
    const tripId = trip.trip_id ?? '';
    stepFunctions.executions.set(executionArnOf(tripId), {
      executionArn: executionArnOf(tripId),
      input: JSON.stringify(trip),
      status: 'RUNNING',
      startDate: new Date(),
    });
    await halfway(trip);
    const before = await itemsOf(tripId);

    // Act
    const error = await invokeFailing(repair as Handler, { trip_id: tripId });

    // Assess
    expect(error.name).toBe('RepairRefused');
    expect(await itemsOf(tripId)).toEqual(before);
  });

  it('writes nothing at all for a trip with nothing to repair, and reports nothing done', async () => {
    // Prepare: a saga whose hotel could not be reserved, undone by the saga, concluded failed.
    const trip = tripOf(newTripId());
    const tripId = trip.trip_id ?? '';
    await post(trip);
    await run(cancelHotel, trip);
    await run(reconcile, ended(tripId, 'FAILED', undefined, 'BookingFailed'));
    const before = await itemsOf(tripId);

    // Act
    const report = await run(repair, { trip_id: tripId });

    // Assess: no tombstone added for the flight and the payment, nothing a reader could see.
    expect(report).toEqual({
      trip_id: tripId,
      outcome: 'failed',
      undone: [],
      tombstones: [],
      resolved: [],
    });
    expect(await itemsOf(tripId)).toEqual(before);
  });

  it('undoes every live booking of an ended trip whether or not a leftover names it, and leaves a booked trip alone', async () => {
    // Prepare: a trip started outside the API with live bookings and no leftover, and a booked one.
    const unbooked = tripOf(newTripId());
    await halfway(unbooked);
    const booked = tripOf(newTripId());
    await post(booked);
    await halfway(booked);
    await run(confirmFlight, booked);
    await run(reconcile, ended(booked.trip_id ?? '', 'SUCCEEDED'));

    // Act
    const first = (await run(repair, { trip_id: unbooked.trip_id })) as { undone: string[] };
    const again = (await run(repair, { trip_id: unbooked.trip_id })) as { undone: string[] };
    await run(repair, { trip_id: booked.trip_id });

    // Assess
    expect(first.undone).toHaveLength(3);
    expect(again.undone).toEqual([]);
    expect(await statusesOf(unbooked.trip_id ?? '')).toEqual({
      HOTEL: 'cancelled',
      FLIGHT: 'cancelled',
      PAYMENT: 'refunded',
    });
    expect(await statusesOf(booked.trip_id ?? '')).toEqual({
      HOTEL: 'confirmed',
      FLIGHT: 'confirmed',
      PAYMENT: 'confirmed',
      TRIP: undefined,
    });
  });
});
