/**
 * Adversarial schedules: at every failure point, each compensation on its chain fails its first
 * k attempts, for k = 0 .. MaxAttempts + 1. Up to MaxAttempts the booking is fully undone; beyond,
 * the execution ends BookingNeedsRepair, the rest of the chain still ran, the leftover shows in
 * GET /trips/{id}, and a repair brings the leftovers to zero.
 */

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import {
  COMPENSATION_NAMES,
  SAGA_STEPS,
  undoChainAfter,
} from '../../functions/commons/bookings/steps.ts';
import {
  REFERENCE_TRIP,
  type RunType,
  TripSchema,
  toExecutionInput,
} from '../../functions/commons/trip/document.ts';
import { isLeftover, isLive } from '../../functions/commons/trip/rules.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { readSagaDefinition } from '../../local/app/saga.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { EXPECTED_PATH, FAILS_LAST_STEP } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';

/** Each trip's schedule: which compensation fails, and how many of its first attempts. */
const schedules = new Map<string, { compensation: string; failures: number }>();
/** Trips whose ConfirmFlight never answers: their saga runs until it is stopped. */
const hanging = new Set<string>();

const platform = useTestStack({
  // Only the schedule fails compensations here, not the random 40 %.
  parameters: { CompensationFailureRate: '0' },
  faults: ({ executionArn, state, invocation }) => {
    if (state === 'ConfirmFlight' && hanging.has(executionArn.split(':').at(-1) ?? ''))
      return { kind: 'hang' };
    const schedule = schedules.get(executionArn.split(':').at(-1) ?? '');
    if (schedule?.compensation !== state || invocation >= schedule.failures) return undefined;
    return {
      kind: 'fail',
      error: 'InjectedTransientFailure',
      cause: `${state} attempt ${invocation + 1} of ${schedule.failures} scheduled to fail`,
    };
  },
});

// From the ASL: the retrier that catches everything on a compensation.
const compensationRetries =
  readSagaDefinition().States.CancelHotel?.Retry?.find((retrier) =>
    retrier.ErrorEquals.includes('States.ALL'),
  )?.MaxAttempts ?? 0;

/** Each run type that fails a step, and the compensations that failure runs. */
const FAILURE_POINTS: [RunType, string[]][] = SAGA_STEPS.map(({ state, runType }) => [
  runType,
  undoChainAfter(state),
]);

const book = async (runType: RunType, compensation: string, failures: number) => {
  let tripId = '';
  const run = await runTrip(platform, {
    input: (id) => {
      tripId = id;
      schedules.set(id, { compensation, failures });
      return toExecutionInput(
        TripSchema.parse({ trip_id: id, ...REFERENCE_TRIP, run_type: runType }),
      );
    },
  });
  const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
  const failed = run.events.filter((event, index) => {
    if (event.type !== 'TaskFailed') return false;
    const entered = run.events
      .slice(0, index)
      .findLast((earlier) => earlier.type === 'TaskStateEntered');
    return entered?.stateEnteredEventDetails?.name === compensation;
  }).length;
  return { ...run, items, failed };
};

const getTrip = async (tripId: string) => {
  const response = await fetch(`${platform.stack.endpoints.api}/trips/${tripId}`);
  return (await response.json()) as { saga_status: string; leftovers: Record<string, string>[] };
};

describe.each(FAILURE_POINTS)('after %s', (runType, chain) => {
  it.each(chain)(
    '%s failing its first k attempts: undone up to MaxAttempts, recorded beyond',
    async (compensation) => {
      // Act: k = 0 .. MaxAttempts + 1, all at once.
      const ks = Array.from({ length: compensationRetries + 2 }, (_, k) => k);
      const runs = await Promise.all(ks.map((k) => book(runType, compensation, k)));

      // Assess
      expect(compensationRetries).toBe(15);
      for (const [k, run] of runs.entries()) {
        const label = `${compensation} failing ${k} time(s)`;
        if (k <= compensationRetries) {
          expect(run.failed, label).toBe(k);
          expect(run.statesEntered, label).toEqual(EXPECTED_PATH[runType]);
          expect(run.description.error, label).toBe('BookingFailed');
          expect(checkInvariant('FAILED', run.description.error, run.items).outcome, label).toBe(
            'undone',
          );
        } else {
          // Every attempt failed: recorded, and the chain went on to the end.
          const path = EXPECTED_PATH[runType].flatMap((state) =>
            state === compensation
              ? [state, `Record${state}Leftover`]
              : state === 'BookingFailed'
                ? ['BookingNeedsRepair']
                : [state],
          );
          expect(run.failed, label).toBe(compensationRetries + 1);
          expect(run.statesEntered, label).toEqual(path);
          expect(run.description.error, label).toBe('BookingNeedsRepair');
          expect(checkInvariant('FAILED', run.description.error, run.items).outcome, label).toBe(
            'recorded',
          );
          expect(run.items.filter(isLeftover), label).toEqual([
            expect.objectContaining({
              compensation,
              repair_status: 'open',
              error: 'InjectedTransientFailure',
            }),
          ]);
          const status = await getTrip(run.tripId);
          expect(status.saga_status, label).toBe('needs_repair');
          expect(
            status.leftovers.map((leftover) => leftover.compensation),
            label,
          ).toEqual([compensation]);
        }
      }
    },
  );
});

describe('the repair', () => {
  const lambda = () =>
    new LambdaClient({
      endpoint: platform.stack.endpoints.lambda,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });

  /** `npm run repair` as an operator runs it, against this file's platform. */
  const repairCli = (...args: string[]) =>
    promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'repair',
        '--',
        ...args,
        '--lambda-endpoint',
        platform.stack.endpoints.lambda,
        '--dynamodb-endpoint',
        platform.stack.endpoints.dynamodb,
        '--table-name',
        platform.stack.tableName,
      ],
      { cwd: PROJECT_ROOT },
    );

  it('npm run repair undoes what the leftover names, brings the leftovers to zero, and repeats harmlessly', async () => {
    // Prepare: a payment failure whose refund never succeeds: the payment tombstone is missing.
    const run = await book('failPayment', 'RefundPayment', compensationRetries + 1);
    expect((await getTrip(run.tripId)).saga_status).toBe('needs_repair');
    const repair = () => repairCli(run.tripId);

    // Act
    const first = await repair();
    const second = await repair();

    // Assess
    // No payment was ever taken: the repair guards it with a tombstone, and says it undid nothing.
    expect(first.stdout).toMatch(
      new RegExp(
        `^Trip ${run.tripId}: failed\\. Undone: nothing live\\. Never made, guarded by a tombstone: PAYMENT#[0-9a-f]{32}\\. Leftovers resolved: RefundPayment \\([0-9a-f]{32}\\)\\.`,
      ),
    );
    expect(second.stdout).toBe(`Trip ${run.tripId}: nothing to repair (failed).\n`);
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    expect(checkInvariant('FAILED', 'BookingNeedsRepair', items).outcome).toBe('repaired');
    expect(items.find((item) => item.type === 'Payment')).toMatchObject({
      transaction_status: 'refunded',
      undone_from: 'nothing',
    });
    const status = await getTrip(run.tripId);
    expect(status.saga_status).toBe('failed');
    expect(status.leftovers).toEqual([
      expect.objectContaining({ repair_status: 'resolved', resolved_at: expect.any(String) }),
    ]);
  });

  it('npm run repair without a trip id repairs every trip that needs it, then finds none; --help explains', async () => {
    // Prepare: two trips needing repair; and a saga started on the Step Functions API (no
    // record), still running at ConfirmFlight with its hotel confirmed and its payment taken.
    const needing = await Promise.all([
      book('failPayment', 'CancelHotel', compensationRetries + 1),
      book('failFlightsConfirmation', 'CancelFlight', compensationRetries + 1),
    ]);
    const runningId = `repair-running-${randomUUID()}`;
    hanging.add(runningId);
    const { executionArn: runningArn = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: platform.stack.stateMachineArn,
        name: runningId,
        input: toExecutionInput(TripSchema.parse({ trip_id: runningId, ...REFERENCE_TRIP })),
      }),
    );
    const runningItems = () =>
      tripItems(platform.clients.dynamodb, platform.stack.tableName, runningId);
    // At ConfirmFlight, where it hangs: the hotel confirmed (three live is not enough: the
    // hotel is still pending after TakePayment, and its confirmation would land under the repair).
    await vi.waitFor(async () => {
      const items = await runningItems();
      expect(items.filter(isLive)).toHaveLength(3);
      expect(items.find((item) => item.type === 'Hotel')?.transaction_status).toBe('confirmed');
    });
    const before = await runningItems();
    const cli = repairCli;

    // Act
    const all = await cli();
    const again = await cli();
    const help = await cli('--help');

    // Assess: the running saga named and left alone, however it was started.
    expect(all.stdout).toContain(`Trip ${runningId}: left alone, its execution is still running.`);
    expect(await runningItems()).toEqual(before);
    const running = await platform.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: runningArn }),
    );
    expect(running.status).toBe('RUNNING');
    await platform.clients.sfn.send(new StopExecutionCommand({ executionArn: runningArn }));

    // Assess
    for (const run of needing) {
      expect(all.stdout).toContain(`Trip ${run.tripId}: failed.`);
      const items = await tripItems(
        platform.clients.dynamodb,
        platform.stack.tableName,
        run.tripId,
      );
      expect(items.filter(isLive)).toEqual([]);
    }
    expect(again.stdout).toBe(`Trip ${runningId}: left alone, its execution is still running.\n`);
    expect(help.stdout).toMatch(/^Usage: npm run repair -- \[<tripId>\]/);
  });

  it('repairs every exhausted compensation of a trip, whichever it was', async () => {
    // Prepare: one trip per compensation that gave up, after a flight confirmation failure.
    const runs = await Promise.all(
      COMPENSATION_NAMES.map((compensation) =>
        book(FAILS_LAST_STEP, compensation, compensationRetries + 1),
      ),
    );
    const client = lambda();

    // Act
    for (const run of runs) {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: 'RepairTripFunction',
          Payload: JSON.stringify({ trip_id: run.tripId }),
        }),
      );
      expect(response.FunctionError).toBeUndefined();
    }
    client.destroy();

    // Assess: nothing live anywhere, every leftover resolved.
    for (const run of runs) {
      const items = await tripItems(
        platform.clients.dynamodb,
        platform.stack.tableName,
        run.tripId,
      );
      expect(checkInvariant('FAILED', 'BookingNeedsRepair', items)).toEqual({
        outcome: 'repaired',
        violations: [],
      });
    }
  });
});
