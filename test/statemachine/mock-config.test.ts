/**
 * Every path of the saga, one MockConfigFile.json test case each, as Step Functions Local runs
 * them: StartExecution on `<stateMachineArn>#<TestCase>` through the Step Functions API, then the
 * exact sequence of states entered, the end status and error, read from the execution history.
 * With SFN_ENDPOINT set, the same tests run against AWS's Step Functions Local.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import type { FailureRunType } from '../../functions/commons/bookings/steps.ts';
import { MOCK_CONFIG_PATH } from '../../local/app/saga.ts';
import { readMockConfig, testCaseOf } from '../../local/emulators/sfn/mock-config.ts';
import { EXPECTED_PATH, FORWARD, recordOf, UNDO_ORDER } from '../support/saga-paths.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';

const platform = useTestStack();

/** Runs the test case on a fresh trip; returns what the history shows. */
const runTestCase = (testCase: string) => runTrip(platform, { testCase });

/** How many events of `type` each task state had (TaskFailed: its failed attempts). */
const countByState = (events: Awaited<ReturnType<typeof runTestCase>>['events'], type: string) => {
  const counts: Record<string, number> = {};
  let current = '';
  for (const event of events) {
    if (event.type === 'TaskStateEntered') current = event.stateEnteredEventDetails?.name ?? '';
    if (event.type === type) counts[current] = (counts[current] ?? 0) + 1;
  }
  return counts;
};
const failuresByState = (events: Awaited<ReturnType<typeof runTestCase>>['events']) =>
  countByState(events, 'TaskFailed');

/** The undo chain after RefundPayment gave up: its leftover recorded, the rest undone. */
const REFUND_LEFT_OVER = [
  'RefundPayment',
  recordOf('RefundPayment'),
  ...UNDO_ORDER.slice(UNDO_ORDER.indexOf('RefundPayment') + 1),
  'CheckLeftovers',
  'BookingNeedsRepair',
];

/** The test case that fails each run type's step: its path is that run type's. */
const FAILURE_TEST_CASES: Record<FailureRunType, string> = {
  failHotelReservation: 'HotelReservationFailureTest',
  failFlightsReservation: 'FlightReservationFailureTest',
  failPayment: 'PaymentFailureTest',
  failHotelConfirmation: 'HotelConfirmationFailureTest',
  failFlightsConfirmation: 'FlightConfirmationFailureTest',
};
const failureCases = Object.entries(FAILURE_TEST_CASES) as [FailureRunType, string][];

describe('MockConfigFile.json', () => {
  it('has a test case for every path this suite proves, and no other', () => {
    const config = JSON.parse(readFileSync(MOCK_CONFIG_PATH, 'utf8'));
    expect(Object.keys(config.StateMachines.BookingSaga.TestCases).sort()).toEqual(
      [
        'HappyPathTest',
        ...Object.values(FAILURE_TEST_CASES),
        'CompensationRetryRecoversTest',
        'CompensationExhaustedTest',
        'CompensationParseErrorTest',
        'RetryOnServiceExceptionTest',
      ].sort(),
    );
  });
});

describe.each([
  ['HappyPathTest', EXPECTED_PATH.success, 'SUCCEEDED', undefined],
  ...failureCases.map(
    ([runType, testCase]) => [testCase, EXPECTED_PATH[runType], 'FAILED', 'BookingFailed'] as const,
  ),
  // The retries happen inside RefundPayment: the path is the payment failure's.
  ['CompensationRetryRecoversTest', EXPECTED_PATH.failPayment, 'FAILED', 'BookingFailed'],
  [
    'CompensationExhaustedTest',
    [...FORWARD.slice(0, 3), ...REFUND_LEFT_OVER],
    'FAILED',
    'BookingNeedsRepair',
  ],
  // ConfirmHotel fails; the refund's ParseError is never retried.
  [
    'CompensationParseErrorTest',
    [...FORWARD.slice(0, 4), ...REFUND_LEFT_OVER],
    'FAILED',
    'BookingNeedsRepair',
  ],
  ['RetryOnServiceExceptionTest', EXPECTED_PATH.success, 'SUCCEEDED', undefined],
] as const)('%s', (testCase, path, status, error) => {
  it(`enters ${path.length} states in order and ends ${status}${error ? ` with ${error}` : ''}`, async () => {
    const run = await runTestCase(testCase);

    expect(run.statesEntered).toEqual(path);
    expect(run.description.status).toBe(status);
    expect(run.description.error).toBe(error);
  });
});

describe('retries in the history', () => {
  it('a compensation that fails twice is retried in place and succeeds on its third attempt', async () => {
    const run = await runTestCase('CompensationRetryRecoversTest');

    expect(failuresByState(run.events)).toEqual({ TakePayment: 1, RefundPayment: 2 });
    expect(countByState(run.events, 'TaskScheduled').RefundPayment).toBe(3);
  });

  it('an exhausted compensation made 16 attempts, then its leftover was recorded by the real function', async () => {
    const run = await runTestCase('CompensationExhaustedTest');

    expect(failuresByState(run.events)).toEqual({ TakePayment: 1, RefundPayment: 16 });
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    expect(items).toEqual([
      expect.objectContaining({
        type: 'Leftover',
        compensation: 'RefundPayment',
        booking_sk: expect.stringMatching(/^PAYMENT#[0-9a-f]{32}$/),
        error: 'InjectedTransientFailure',
        repair_status: 'open',
      }),
    ]);
  });

  it('a compensation that cannot parse its input is never retried: its leftover is recorded at once, the payment left live', async () => {
    const run = await runTestCase('CompensationParseErrorTest');

    // One attempt, whatever the retry schedule: the ASL's ParseError retrier has MaxAttempts 0.
    expect(countByState(run.events, 'TaskScheduled').RefundPayment).toBe(1);
    expect(failuresByState(run.events)).toMatchObject({ ConfirmHotel: 1, RefundPayment: 1 });
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);
    const payment = items.find((item) => item.type === 'Payment');
    expect(items.filter((item) => item.type === 'Leftover')).toEqual([
      expect.objectContaining({
        compensation: 'RefundPayment',
        booking_sk: payment?.sk,
        error: 'ParseError',
        repair_status: 'open',
      }),
    ]);
    // The forward steps ran for real: the hotel and the flight were really cancelled, the
    // payment really taken and never refunded.
    expect(payment?.transaction_status).not.toBe('refunded');
    expect(
      items
        .filter((item) => item.type === 'Hotel' || item.type === 'Flight')
        .map((item) => item.transaction_status),
    ).toEqual(['cancelled', 'cancelled']);
  });

  it('a transient Lambda.ServiceException on a forward step is retried, not compensated', async () => {
    const run = await runTestCase('RetryOnServiceExceptionTest');

    const failed = run.events.find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      error: 'Lambda.ServiceException',
      resourceType: 'lambda',
      resource: 'invoke',
    });
    expect(failuresByState(run.events)).toEqual({ ReserveHotel: 1 });
  });
});

describe('a test case the configuration does not have', () => {
  it('is refused with ValidationException and starts nothing', async () => {
    await expect(
      platform.clients.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: `${platform.stack.stateMachineArn}#NoSuchTest`,
          input: '{}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('a mocked response whose key spans a billion invocations', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mock-config-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const write = (responses: Record<string, unknown>) => {
    const path = join(folder, 'MockConfigFile.json');
    writeFileSync(
      path,
      JSON.stringify({
        StateMachines: { M: { TestCases: { T: { S: 'R' } } } },
        MockedResponses: { R: responses },
      }),
    );
    return path;
  };

  // A range read as the billion entries it covers would not end before the test's timeout.
  it('is read at once, and answers each invocation from the range that covers it', () => {
    // Prepare
    const path = write({
      '1000000000': { Return: 'last' },
      '0-999999999': { Throw: { Error: 'Busy' } },
    });

    // Act
    const testCase = testCaseOf(readMockConfig(path), 'M', 'T');

    // Assess
    expect(testCase?.responseFor('S', 0)).toEqual({ Throw: { Error: 'Busy' } });
    expect(testCase?.responseFor('S', 999_999_999)).toEqual({ Throw: { Error: 'Busy' } });
    expect(testCase?.responseFor('S', 1_000_000_000)).toEqual({ Return: 'last' });
    expect(testCase?.responseFor('S', 1_000_000_001)).toBe('missing');
    expect(testCase?.responseFor('Other', 0)).toBeUndefined();
  });

  it('overlapping another key is still refused, at the first invocation both claim', () => {
    const path = write({
      '999999999-1000000005': { Return: 'late' },
      '0-999999999': { Return: 'early' },
    });

    expect(() => readMockConfig(path)).toThrow(
      `${path}: R has two responses for invocation 999999999`,
    );
  });
});
