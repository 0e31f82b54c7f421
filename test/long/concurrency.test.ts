/**
 * Requests that race: a hundred identical POST /trips for one trip id start one execution and
 * book once; a different trip document under a trip id in use is refused with 409, as soon as
 * its execution started and after it ended; fifty trips started at once, with seeded run types and the
 * template's 40 % compensation failures (seeded), each end booked or fully undone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '../../functions/commons/trip/document.ts';
import { isLive } from '../../functions/commons/trip/rules.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { listExecutions, seededRandom } from '../support/reliability.ts';
import {
  type EndedExecution,
  RANDOM_FAILURES,
  tripItems,
  useTestStack,
  waitForExecution,
} from '../support/stack.ts';

const SEED = 20_261_127;

// The template's defaults (failure injection on, compensations fail 40 % of the time), seeded.
const platform = useTestStack({
  parameters: RANDOM_FAILURES.parameters,
  environment: { FAILURE_SEED: String(SEED) },
});

interface Started {
  status: number;
  body: { trip_id?: string; execution_arn?: string; errors?: { field: string; rule: string }[] };
}

const postTrip = async (trip: Record<string, unknown>): Promise<Started> => {
  const response = await fetch(`${platform.stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(trip),
  });
  return { status: response.status, body: (await response.json()) as Started['body'] };
};

const tripOf = (tripId: string, runType: RunType = 'success') => ({
  trip_id: tripId,
  ...REFERENCE_TRIP,
  run_type: runType,
});

const itemsOf = (tripId: string) =>
  tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);

const executionsNamed = async (name: string) =>
  (await listExecutions(platform)).filter((execution) => execution.name === name);

describe('one trip id, many requests at once', () => {
  it('a hundred identical POST /trips start exactly one execution, and it books the trip once', async () => {
    // Prepare
    const trip = tripOf(`same-${randomUUID()}`);

    // Act
    const answers = await Promise.all(Array.from({ length: 100 }, () => postTrip(trip)));
    const [first] = answers;
    const ended = await waitForExecution(platform.clients.sfn, first?.body.execution_arn ?? '');

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(100).fill(202));
    expect(new Set(answers.map((answer) => answer.body.execution_arn))).toEqual(
      new Set([first?.body.execution_arn]),
    );
    expect(await executionsNamed(trip.trip_id)).toHaveLength(1);
    expect(ended.description.status).toBe('SUCCEEDED');
    await platform.stack.events.idle();
    const items = await itemsOf(trip.trip_id);
    expect(items.map((item) => [item.type, item.transaction_status]).sort()).toEqual([
      ['Flight', 'confirmed'],
      ['Hotel', 'confirmed'],
      // The customer told once, that it is booked.
      ['Notification', undefined],
      ['Payment', 'confirmed'],
      ['Trip', undefined],
    ]);
    expect(items.find((item) => item.type === 'Notification')).toMatchObject({
      notice: 'booked',
      delivery_status: 'sent',
    });
    expect(items.find((item) => item.type === 'Trip')).toMatchObject({
      execution_status: 'SUCCEEDED',
      outcome: 'booked',
    });
    expect(checkInvariant('SUCCEEDED', undefined, items)).toEqual({
      outcome: 'booked',
      violations: [],
    });
  });

  it('a different trip document under a trip id already booked gets 409, at once after the start and after the end, and starts nothing', async () => {
    // Prepare
    const trip = tripOf(`taken-${randomUUID()}`);
    const booked = await postTrip(trip);
    const executionsBefore = (await listExecutions(platform)).length;
    const conflicting = [
      { ...trip, hotel: 'another hotel' },
      { ...trip, run_type: 'failPayment' },
      { ...trip, check_out: '2021-07-13T14:00:00.000Z' },
      { ...trip, rental: undefined, rental_from: undefined, rental_to: undefined },
    ];

    // Act
    const atOnce = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        postTrip(conflicting[index % conflicting.length] ?? {}),
      ),
    );
    const ended = await waitForExecution(platform.clients.sfn, booked.body.execution_arn ?? '');
    const afterwards = await Promise.all(conflicting.map(postTrip));

    // Assess
    expect(booked.status).toBe(202);
    for (const answer of [...atOnce, ...afterwards]) {
      expect(answer.status).toBe(409);
      expect(answer.body.errors).toEqual([
        { field: 'trip_id', rule: 'is already used by another trip document' },
      ]);
    }
    expect((await listExecutions(platform)).length).toBe(executionsBefore);
    expect(await executionsNamed(trip.trip_id)).toHaveLength(1);
    expect(JSON.parse(ended.description.input ?? '{}')).toEqual(trip);
    await platform.stack.events.idle();
    const items = (await itemsOf(trip.trip_id)).filter(
      (item) => item.type !== 'Trip' && item.type !== 'Notification',
    );
    expect(items.map((item) => item.transaction_status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
    ]);
    expect(items.find((item) => item.type === 'Hotel')?.hotel).toBe(trip.hotel);
  });
});

describe('fifty trips started at once', () => {
  it('each ends as its run type says, booked or fully undone, under 40 % compensation failures', async () => {
    // Prepare
    const random = seededRandom(SEED);
    const trips = Array.from({ length: 50 }, (_, index) =>
      tripOf(`mix-${SEED}-${index}`, random.pick(RUN_TYPES)),
    );

    // Act
    const answers = await Promise.all(trips.map(postTrip));
    const runs: EndedExecution[] = [];
    // One at a time: they all run meanwhile, and only one poller loads the platform.
    for (const answer of answers) {
      runs.push(await waitForExecution(platform.clients.sfn, answer.body.execution_arn ?? ''));
    }
    const items = await Promise.all(trips.map((trip) => itemsOf(trip.trip_id)));

    // Assess
    expect(new Set(trips.map((trip) => trip.run_type))).toEqual(new Set(RUN_TYPES));
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(202));
    const outcomes = trips.map((trip, index) => {
      const { status = '', error } = runs[index]?.description ?? {};
      return {
        trip_id: trip.trip_id,
        status,
        error,
        ...checkInvariant(status, error, items[index] ?? []),
      };
    });
    expect(outcomes).toEqual(
      trips.map((trip) =>
        trip.run_type === 'success'
          ? {
              trip_id: trip.trip_id,
              status: 'SUCCEEDED',
              error: undefined,
              outcome: 'booked',
              violations: [],
            }
          : {
              trip_id: trip.trip_id,
              status: 'FAILED',
              error: 'BookingFailed',
              outcome: 'undone',
              violations: [],
            },
      ),
    );
    // The compensations did fail at random, and every failure was retried away.
    const injected = runs.flatMap((run) =>
      run.events.filter(
        (event) => event.taskFailedEventDetails?.error === 'InjectedTransientFailure',
      ),
    );
    expect(injected.length).toBeGreaterThan(0);
  });
});

describe('clients polling the status while sagas run', () => {
  it('never read a torn status (180 clients on 18 sagas): running until the end, then one outcome that its own bookings bear out', async () => {
    // Prepare: 18 trips, each run type three times; 10 clients polling each one as fast as they can.
    const trips = RUN_TYPES.flatMap((runType) =>
      // No random part in the ids: the seeded draws of their compensations are the same each run.
      Array.from({ length: 3 }, (_, index) => tripOf(`polled-${runType}-${index}`, runType)),
    );
    type Seen = {
      saga_status: string;
      bookings: { type: string; transaction_status: string }[];
    };
    const poll = async (tripId: string, until: () => boolean) => {
      const seen: Seen[] = [];
      while (!until()) {
        const response = await fetch(`${platform.stack.endpoints.api}/trips/${tripId}`);
        if (response.status === 200) seen.push((await response.json()) as Seen);
      }
      return seen;
    };

    // Act
    let settled = false;
    const polled = trips.flatMap((trip) =>
      Array.from({ length: 10 }, () => poll(trip.trip_id, () => settled)),
    );
    await Promise.all(trips.map(postTrip));
    for (const trip of trips) {
      const started = await postTrip(trip);
      await waitForExecution(platform.clients.sfn, started.body.execution_arn ?? '');
    }
    await platform.stack.events.idle();
    settled = true;
    const observations = (await Promise.all(polled)).flat();
    const finals = await Promise.all(
      trips.map(async (trip) => {
        const response = await fetch(`${platform.stack.endpoints.api}/trips/${trip.trip_id}`);
        return ((await response.json()) as Seen).saga_status;
      }),
    );

    // Assess: each answer is consistent in itself, and each trip's answers run running* -> final.
    expect(observations.length).toBeGreaterThan(trips.length * 10);
    for (const seen of observations) {
      if (seen.saga_status === 'booked') {
        expect(seen.bookings.map((booking) => booking.transaction_status)).toEqual([
          'confirmed',
          'confirmed',
          'confirmed',
        ]);
      }
      if (seen.saga_status === 'failed') expect(seen.bookings.filter(isLive)).toEqual([]);
    }
    expect(new Set(observations.map((seen) => seen.saga_status))).toEqual(
      new Set(['running', 'booked', 'failed']),
    );
    expect(finals).toEqual(
      trips.map((trip) => (trip.run_type === 'success' ? 'booked' : 'failed')),
    );
  });
});
