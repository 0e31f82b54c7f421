/**
 * Whole executions with the real handlers and the emulated DynamoDB, for every run type, with
 * the template's 40 % random compensation failures (seeded, so a run repeats exactly). After
 * each execution the table satisfies the invariant: all confirmed, or nothing live, or the
 * leftovers recorded.
 */
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  type RunType,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip/document.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { EXPECTED_PATH } from '../support/saga-paths.ts';
import { RANDOM_FAILURES, runTrip, tripItems, useTestStack } from '../support/stack.ts';

// The template's defaults: failure injection on, compensations fail 40 % of the time (seeded).
const platform = useTestStack(RANDOM_FAILURES);

const book = async (runType: RunType) => {
  const run = await runTrip(platform, {
    input: (tripId) =>
      toExecutionInput(TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType })),
  });
  const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
  const statuses = Object.fromEntries(items.map((item) => [item.type, item.transaction_status]));
  return { ...run, items, statuses };
};

/** What each run type leaves in the table. */
const expectedStatuses: Record<RunType, Record<string, string>> = {
  success: { Hotel: 'confirmed', Flight: 'confirmed', Payment: 'confirmed' },
  // The cancel leaves a tombstone: a late reserve can never bring the room back.
  failHotelReservation: { Hotel: 'cancelled' },
  failFlightsReservation: { Hotel: 'cancelled', Flight: 'cancelled' },
  failPayment: { Hotel: 'cancelled', Flight: 'cancelled', Payment: 'refunded' },
  failHotelConfirmation: { Hotel: 'cancelled', Flight: 'cancelled', Payment: 'refunded' },
  failFlightsConfirmation: { Hotel: 'cancelled', Flight: 'cancelled', Payment: 'refunded' },
};

describe.each(RUN_TYPES)('a booking with run type %s', (runType) => {
  it('takes its path, ends as it should, and leaves the table satisfying the invariant', async () => {
    // Act
    const run = await book(runType);

    // Assess
    expect(run.statesEntered).toEqual(EXPECTED_PATH[runType]);
    expect(run.description.status).toBe(runType === 'success' ? 'SUCCEEDED' : 'FAILED');
    expect(run.description.error).toBe(runType === 'success' ? undefined : 'BookingFailed');
    expect(run.statuses).toEqual(expectedStatuses[runType]);
    expect(checkInvariant(run.description.status ?? '', run.description.error, run.items)).toEqual({
      outcome: runType === 'success' ? 'booked' : 'undone',
      violations: [],
    });
  });
});

describe('under 40 % compensation failures', () => {
  it('every compensation recovers by retrying, and twenty failed bookings all end fully undone', async () => {
    // Act
    const runs = await Promise.all(
      Array.from({ length: 20 }, () => book('failFlightsConfirmation')),
    );

    // Assess
    const injected = runs.flatMap((run) =>
      run.events.filter(
        (event) => event.taskFailedEventDetails?.error === 'InjectedTransientFailure',
      ),
    );
    // 20 bookings x 3 compensations at 40 %: about 40 failed attempts, every one retried.
    expect(injected.length).toBeGreaterThan(10);
    for (const run of runs) {
      expect(run.statesEntered).toEqual(EXPECTED_PATH.failFlightsConfirmation);
      expect(
        checkInvariant(run.description.status ?? '', run.description.error, run.items).outcome,
      ).toBe('undone');
    }
  });
});
