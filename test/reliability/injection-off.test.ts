/**
 * With FailureInjection=disabled (a real deployment), no request can force a failure and the
 * compensations never fail at random, even with the failure rate left at 1.
 */
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip/document.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { EXPECTED_PATH } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';

const failingPayments = new Set<string>();

const platform = useTestStack({
  parameters: { FailureInjection: 'disabled', CompensationFailureRate: '1' },
  // A real failure, not an injected one, to make the compensations run.
  faults: ({ executionArn, state }) =>
    state === 'TakePayment' && failingPayments.has(executionArn.split(':').at(-1) ?? '')
      ? { kind: 'fail', error: 'Lambda.Unknown', cause: 'The payment provider is down' }
      : undefined,
});

describe('with failure injection disabled', () => {
  it.each(RUN_TYPES.filter((runType) => runType !== 'success'))(
    'the API refuses run type %s with 400 and starts nothing',
    async (runType) => {
      const post = await fetch(`${platform.stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...REFERENCE_TRIP, run_type: runType }),
      });
      const get = await fetch(`${platform.stack.endpoints.api}/?runType=${runType}`);

      expect(post.status).toBe(400);
      expect(get.status).toBe(400);
      const body = (await post.json()) as { errors: { field: string }[] };
      expect(body.errors).toEqual([expect.objectContaining({ field: 'run_type' })]);
    },
  );

  it.each(RUN_TYPES)(
    'an execution started directly with run type %s books anyway',
    async (runType) => {
      const run = await runTrip(platform, {
        input: (tripId) =>
          toExecutionInput(
            TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType }),
          ),
      });

      expect(run.statesEntered).toEqual(EXPECTED_PATH.success);
      expect(run.description.status).toBe('SUCCEEDED');
    },
  );

  it('compensations never fail at random, even at rate 1', async () => {
    const run = await runTrip(platform, {
      input: (tripId) => {
        failingPayments.add(tripId);
        return toExecutionInput(TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP }));
      },
    });

    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    expect(run.statesEntered).toEqual(EXPECTED_PATH.failPayment);
    expect(
      run.events.filter(
        (event) => event.taskFailedEventDetails?.error === 'InjectedTransientFailure',
      ),
    ).toEqual([]);
    expect(checkInvariant(run.description.status ?? '', run.description.error, items).outcome).toBe(
      'undone',
    );
  });
});
