/**
 * A forward step whose write lands and whose Lambda then fails (it times out after writing) is
 * still fully compensated: the compensation chain starts at the failed step itself.
 */
import { describe, expect, it } from 'vitest';
import { BOOKING_KINDS, SAGA_STEPS } from '../../functions/commons/bookings/steps.ts';
import {
  REFERENCE_TRIP,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip/document.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { EXPECTED_PATH, MAKES } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';

const crashing = new Map<string, string>();

const platform = useTestStack({
  parameters: { CompensationFailureRate: '0' },
  // The trip's crashing step runs (its write lands), then its call fails as a Lambda timeout does.
  faults: ({ executionArn, state }) =>
    crashing.get(executionArn.split(':').at(-1) ?? '') === state
      ? {
          kind: 'fail-after',
          error: 'Sandbox.Timedout',
          cause: 'Task timed out after 10.00 seconds',
        }
      : undefined,
});

/** Each step, and the run type whose path compensates from the same step (the one failing it). */
const SAME_PATH = SAGA_STEPS.map(({ state, runType }) => [state, runType] as const);

describe.each(SAME_PATH)('a crash after %s wrote', (step, samePathAs) => {
  it('is compensated from that step on, and nothing stays live', async () => {
    // Act
    const run = await runTrip(platform, {
      input: (tripId) => {
        crashing.set(tripId, step);
        return toExecutionInput(
          TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP, run_type: 'success' }),
        );
      },
    });

    // Assess
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    expect(
      run.events.find((event) => event.type === 'TaskFailed')?.taskFailedEventDetails?.error,
    ).toBe('Sandbox.Timedout');
    expect(run.statesEntered).toEqual(EXPECTED_PATH[samePathAs]);
    expect(checkInvariant(run.description.status ?? '', run.description.error, items)).toEqual({
      outcome: 'undone',
      violations: [],
    });
    // The crashed step's own write landed first: written, then undone (two writes, not a tombstone).
    const made = MAKES.get(step);
    const written = made && BOOKING_KINDS[made].type;
    if (written) {
      const item = items.find((candidate) => candidate.type === written);
      expect(item?.created_at).toBeDefined();
      expect(item?.created_at).not.toBe(item?.updated_at);
    }
  });
});
