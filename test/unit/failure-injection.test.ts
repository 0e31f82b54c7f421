/**
 * Failure injection's configuration: random compensation failures at the configured rate,
 * repeatable under a seed, and everything off when FAILURE_INJECTION is disabled. Each case loads
 * the handlers afresh, as a new Lambda execution environment with that configuration would.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Handler, invoke, readEvent } from '../support/lambda.ts';
import { itemsOf, newTripId, statusesOf } from '../support/table.ts';

const loadHandlers = async (env: Record<string, string>) => {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return {
    cancelHotel: (await import('../../functions/cancel-hotel.ts')).handler as Handler,
    reserveHotel: (await import('../../functions/reserve-hotel.ts')).handler as Handler,
  };
};

/** Calls the handler `times` times; returns "ok" or the error's name for each call. */
const outcomes = async (handler: Handler, event: unknown, times: number) => {
  const seen: string[] = [];
  for (let call = 0; call < times; call++) {
    seen.push(
      await invoke(handler, event).then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    );
  }
  return seen;
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('random compensation failures', () => {
  it('fail at about the configured rate, with a retryable named error, and write nothing', async () => {
    const { cancelHotel } = await loadHandlers({
      COMPENSATION_FAILURE_RATE: '0.4',
      FAILURE_SEED: '7',
    });
    // A fixed trip id: under a seed the draws depend on the trip, and a random id would make
    // the rate itself random (about one run in 500 outside 0.3 to 0.5).
    const trip = { ...readEvent('cancel-hotel.json'), trip_id: 'trip-failure-rate-seed-7' };

    const seen = await outcomes(cancelHotel, trip, 200);
    const failures = seen.filter((outcome) => outcome !== 'ok');

    expect(new Set(failures)).toEqual(new Set(['InjectedTransientFailure']));
    expect(failures.length / seen.length).toBeGreaterThan(0.3);
    expect(failures.length / seen.length).toBeLessThan(0.5);
    expect(await statusesOf(trip.trip_id)).toEqual({ HOTEL: 'cancelled' });
  });

  it('follow the same sequence under the same seed', async () => {
    const trip = { ...readEvent('cancel-hotel.json'), trip_id: 'trip-failure-sequence' };
    const env = { COMPENSATION_FAILURE_RATE: '0.4', FAILURE_SEED: '12345' };

    const first = await outcomes((await loadHandlers(env)).cancelHotel, trip, 30);
    const second = await outcomes((await loadHandlers(env)).cancelHotel, trip, 30);
    const otherSeed = await outcomes(
      (await loadHandlers({ ...env, FAILURE_SEED: '54321' })).cancelHotel,
      trip,
      30,
    );

    expect(second).toEqual(first);
    expect(otherSeed).not.toEqual(first);
  });

  it('at rate 1 every call fails and nothing is written', async () => {
    const { cancelHotel } = await loadHandlers({ COMPENSATION_FAILURE_RATE: '1' });
    const trip = { ...readEvent('cancel-hotel.json'), trip_id: newTripId() };

    const seen = await outcomes(cancelHotel, trip, 5);

    expect(seen).toEqual(Array(5).fill('InjectedTransientFailure'));
    expect(await itemsOf(trip.trip_id)).toEqual({});
  });
});

describe('with FAILURE_INJECTION=disabled', () => {
  it('a run type fails nothing and compensations never fail at random', async () => {
    const { reserveHotel, cancelHotel } = await loadHandlers({
      FAILURE_INJECTION: 'disabled',
      COMPENSATION_FAILURE_RATE: '1',
    });
    const trip = {
      ...readEvent('reserve-hotel.json'),
      trip_id: newTripId(),
      run_type: 'failHotelReservation',
    };

    await invoke(reserveHotel, trip);
    const cancels = await outcomes(cancelHotel, trip, 5);

    expect(cancels).toEqual(Array(5).fill('ok'));
    expect(await statusesOf(trip.trip_id)).toEqual({ HOTEL: 'cancelled' });
  });
});

describe('configuration', () => {
  it.each([
    [{ FAILURE_INJECTION: 'maybe' }, /FAILURE_INJECTION must be "enabled" or "disabled"/],
    [{ COMPENSATION_FAILURE_RATE: '1.5' }, /COMPENSATION_FAILURE_RATE must be between 0 and 1/],
    [{ COMPENSATION_FAILURE_RATE: '' }, /COMPENSATION_FAILURE_RATE is not set/],
    [{ FAILURE_SEED: 'abc' }, /FAILURE_SEED must be an integer/],
    [{ TABLE_NAME: '' }, /TABLE_NAME is not set/],
  ])('%o stops the function at start-up with a clear error', async (env, message) => {
    await expect(loadHandlers(env)).rejects.toThrow(message);
  });

  it.each(['300', '60', 'soon'])(
    'SWEEP_GRACE_SECONDS=%s (not above the 300 s start window) stops the sweep at start-up',
    async (grace) => {
      // The sweep must never act on a trip a repeated request may still start (config.ts: START_WINDOW_SECONDS).
      vi.resetModules();
      vi.stubEnv('SWEEP_GRACE_SECONDS', grace);

      await expect(import('../../functions/sweep-trips.ts')).rejects.toThrow(
        /SWEEP_GRACE_SECONDS must be a whole number of seconds above the 300 s start window/,
      );
    },
  );
});
