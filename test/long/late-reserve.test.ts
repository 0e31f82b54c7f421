/**
 * A reserve that arrives after its cancel (delayed, or racing it) never revives the booking:
 * cancelled is final. 1,000 of each, hotel and flight alike.
 */
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, TripSchema } from '../../functions/commons/trip/document.ts';
import { useTestStack } from '../support/stack.ts';

const platform = useTestStack();

/** Calls the function in-process, as the Lambda runtime would; returns its outcome. */
const call = async (functionName: string, payload: unknown) => {
  const fn = platform.stack.lambda.find(functionName);
  if (!fn) throw new Error(`No function ${functionName}`);
  const result = await fn.invoke(payload);
  return result.ok ? 'ok' : result.error.errorType;
};

const statusOf = async (tripId: string, type: string) => {
  const { tripItems } = await import('../support/stack.ts');
  const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
  return items.find((item) => item.type === type)?.transaction_status;
};

/** Runs `task` for 0..count-1, `width` at a time. */
const inBatches = async <T>(count: number, width: number, task: (index: number) => Promise<T>) => {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, offset) =>
      task(start + offset),
    );
    results.push(...(await Promise.all(batch)));
  }
  return results;
};

const kinds = [
  ['hotel', 'ReserveHotelFunction', 'CancelHotelFunction', 'Hotel'],
  ['flight', 'ReserveFlightFunction', 'CancelFlightFunction', 'Flight'],
] as const;

// The compensations' random failures would only add retries; these calls are not retried.
const tripFor = (label: string, index: number) =>
  TripSchema.parse({
    trip_id: `${label}-${index}-${Date.now()}`,
    ...REFERENCE_TRIP,
    run_type: 'success',
  });

describe('a reserve after its cancel', () => {
  it('fails with BookingAlreadyCancelled and leaves the booking cancelled, 200 times out of 200', async () => {
    // Act: one after the other, so the order is fixed; the race is the next test's.
    const outcomes = await inBatches(200, 50, async (index) => {
      const [, reserve, cancel, type] = kinds[index % 2] ?? kinds[0];
      const trip = tripFor('late', index);
      let cancelled = await call(cancel, trip);
      while (cancelled === 'InjectedTransientFailure') cancelled = await call(cancel, trip);
      const reserved = await call(reserve, trip);
      return { cancelled, reserved, status: await statusOf(trip.trip_id, type) };
    });

    // Assess
    expect(outcomes.filter(({ cancelled }) => cancelled !== 'ok')).toEqual([]);
    expect(outcomes.filter(({ reserved }) => reserved !== 'BookingAlreadyCancelled')).toEqual([]);
    expect(outcomes.filter(({ status }) => status !== 'cancelled')).toEqual([]);
  });

  it('racing its cancel, ends cancelled whichever lands first, 1,000 times out of 1,000', async () => {
    // Act: reserve and cancel sent at the same moment.
    const outcomes = await inBatches(1000, 50, async (index) => {
      const [, reserve, cancel, type] = kinds[index % 2] ?? kinds[0];
      const trip = tripFor('race', index);
      const cancelUntilDone = async () => {
        let outcome = await call(cancel, trip);
        while (outcome === 'InjectedTransientFailure') outcome = await call(cancel, trip);
        return outcome;
      };
      const [reserved] = await Promise.all([call(reserve, trip), cancelUntilDone()]);
      return { reserved, status: await statusOf(trip.trip_id, type) };
    });

    // Assess: the reserve either landed before the cancel or found the tombstone; never revived.
    expect(outcomes.filter(({ status }) => status !== 'cancelled')).toEqual([]);
    expect(new Set(outcomes.map(({ reserved }) => reserved))).toEqual(
      new Set(
        outcomes
          .map(({ reserved }) => reserved)
          .filter((r) => r === 'ok' || r === 'BookingAlreadyCancelled'),
      ),
    );
  });
});
