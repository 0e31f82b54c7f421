/**
 * Duplicate delivery: every task invoked twice with the same input leaves the same table and
 * returns the same result; whole executions whose every task call is delivered twice end exactly
 * as they would have.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import {
  REFERENCE_TRIP,
  RUN_TYPES,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip/document.ts';
import { isLeftover } from '../../functions/commons/trip/rules.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { EXPECTED_PATH, FORWARD, MAKES, UNDO_ORDER } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';
import { newTripId } from '../support/table.ts';

const platform = useTestStack({
  parameters: { CompensationFailureRate: '0' },
  // Every task call of every execution is delivered twice.
  faults: () => ({ kind: 'duplicate' }),
});

const invokeTwice = async (functionName: string, payload: unknown) => {
  const lambda = new LambdaClient({
    endpoint: platform.stack.endpoints.lambda,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const tripId =
    (payload as { trip_id?: string; trip?: { trip_id: string } }).trip_id ??
    (payload as { trip: { trip_id: string } }).trip.trip_id;
  const call = async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }),
    );
    const result = JSON.parse(new TextDecoder().decode(response.Payload)) as unknown;
    const table = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
    return { error: response.FunctionError, result, table };
  };
  const first = await call();
  const second = await call();
  lambda.destroy();
  return { first, second };
};

describe('every task, invoked twice with the same input', () => {
  const trip = TripSchema.parse({
    trip_id: newTripId('twice'),
    ...REFERENCE_TRIP,
    run_type: 'success',
  });
  const undone = TripSchema.parse({
    trip_id: newTripId('twice-undone'),
    ...REFERENCE_TRIP,
    run_type: 'success',
  });

  // Each state's function is named after it (template.yaml).
  const functionOf = (state: string) => `${state}Function`;
  it.each([
    // The whole forward path on one trip.
    ...FORWARD.map((state) => [functionOf(state), trip] as const),
    // On another, the steps that make a booking, then every compensation.
    ...[...MAKES.keys()].map((state) => [functionOf(state), undone] as const),
    ...UNDO_ORDER.map((compensation) => [functionOf(compensation), undone] as const),
    [
      'RecordLeftoverFunction',
      {
        compensation: 'CancelHotel',
        trip: undone,
        failure: { Error: 'InjectedTransientFailure', Cause: 'test' },
      },
    ],
  ] as const)(
    '%s leaves the same table and returns the same result the second time',
    async (functionName, payload) => {
      // Act: in saga order, each step on the state the previous ones left.
      const { first, second } = await invokeTwice(functionName, payload);

      // Assess
      expect(first.error).toBeUndefined();
      expect(second.error).toBeUndefined();
      expect(second.result).toEqual(first.result);
      expect(second.table).toEqual(first.table);
    },
  );

  it('RepairTripFunction leaves the same table the second time, and reports that it did nothing', async () => {
    // Act
    const { first, second } = await invokeTwice('RepairTripFunction', { trip_id: undone.trip_id });

    // Assess: its report says what that call did; the second did nothing.
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(second.result).toEqual({
      trip_id: undone.trip_id,
      outcome: (first.result as { outcome: string }).outcome,
      undone: [],
      tombstones: [],
      resolved: [],
    });
    expect(second.table).toEqual(first.table);
  });
});

describe('executions whose every task call is delivered twice', () => {
  it.each(RUN_TYPES)('%s takes its usual path and leaves the usual table', async (runType) => {
    const run = await runTrip(platform, {
      input: (tripId) =>
        toExecutionInput(
          TripSchema.parse({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType }),
        ),
    });

    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    expect(run.statesEntered).toEqual(EXPECTED_PATH[runType]);
    expect(checkInvariant(run.description.status ?? '', run.description.error, items)).toEqual({
      outcome: runType === 'success' ? 'booked' : 'undone',
      violations: [],
    });
    expect(items.filter(isLeftover)).toEqual([]);
  });
});
