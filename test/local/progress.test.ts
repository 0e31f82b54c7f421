/**
 * What `npm run book` prints while a saga runs: each state done or failed, each retry, the turn
 * to compensation, the end. Driven by real execution histories of the mocked test cases.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeEvent, newProgress } from '../../local/app/cli/progress.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { runTrip, useTestStack } from '../support/stack.ts';

const platform = useTestStack();

const storyOf = async (testCase: string) => {
  const { events } = await runTrip(platform, { testCase });
  const progress = newProgress();
  return events
    .flatMap((event) => describeEvent(event, progress))
    .map((line) => line.replace(/\s+/g, ' ').trim());
};

describe('the progress npm run book prints', () => {
  it('tells a booking that succeeded, step by step', async () => {
    expect(await storyOf('HappyPathTest')).toEqual([
      'ReserveHotel done',
      'ReserveFlight done',
      'TakePayment done',
      'ConfirmHotel done',
      'ConfirmFlight done',
      '✓ booked: hotel and flight confirmed, payment taken',
    ]);
  });

  it('tells the failure, the turn to compensation, each retry, and the end', async () => {
    expect(await storyOf('CompensationRetryRecoversTest')).toEqual([
      'ReserveHotel done',
      'ReserveFlight done',
      'TakePayment failed: PaymentFailed (Failed to take the payment (run_type failPayment))',
      '↩ compensating: undoing what may have happened, in reverse order',
      'RefundPayment retry 1 after InjectedTransientFailure (RefundPayment failed at random (injected, rate 0.4))',
      'RefundPayment retry 2 after InjectedTransientFailure (RefundPayment failed at random (injected, rate 0.4))',
      'RefundPayment done after 2 retries',
      'CancelFlight done',
      'CancelHotel done',
      '✗ BookingFailed: The booking could not be completed; every step that ran has been undone.',
    ]);
  });

  it('tells a compensation that gave up, its record, and the end that needs repair', async () => {
    const story = await storyOf('CompensationExhaustedTest');

    expect(story.filter((line) => line.startsWith('RefundPayment retry'))).toHaveLength(15);
    expect(story.slice(-5)).toEqual([
      'RefundPayment failed: InjectedTransientFailure (RefundPayment failed at random (injected, rate 0.4))',
      'RecordRefundPaymentLeftover done',
      'CancelFlight done',
      'CancelHotel done',
      expect.stringMatching(/^✗ BookingNeedsRepair: /),
    ]);
  });
});

describe('npm run book', () => {
  it("books through the local API and prints the progress, then the trip's items", async () => {
    // Act: the script as a person runs it, against this test's platform.
    const { stdout } = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'book',
        '--',
        '--run-type',
        'failHotelConfirmation',
        '--api',
        platform.stack.endpoints.api,
        '--sfn-endpoint',
        platform.stack.endpoints.sfn,
      ],
      { cwd: PROJECT_ROOT },
    );

    // Assess
    const lines = stdout.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines).toContain(
      'ConfirmHotel failed: HotelConfirmationFailed (Failed to confirm the hotel booking (run_type failHotelConfirmation))',
    );
    expect(lines).toContain('↩ compensating: undoing what may have happened, in reverse order');
    expect(lines.some((line) => /^RefundPayment done( after \d+ retr(y|ies))?$/.test(line))).toBe(
      true,
    );
    expect(lines).toContain('Saga status: failed');
    expect(
      lines.filter((line) => /^(Hotel|Flight) cancelled [0-9a-f]{32}$/.test(line)),
    ).toHaveLength(2);
    expect(lines.filter((line) => /^Payment refunded [0-9a-f]{32}$/.test(line))).toHaveLength(1);
  });

  it('says so when the API refuses the booking', async () => {
    const failure = await promisify(execFile)(
      'npm',
      [
        'run',
        '--silent',
        'book',
        '--',
        '--run-type',
        'failEverything',
        '--api',
        platform.stack.endpoints.api,
        '--sfn-endpoint',
        platform.stack.endpoints.sfn,
      ],
      { cwd: PROJECT_ROOT },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('The API refused the booking (400)');
    expect(failure.stderr).toContain('run_type');
  });
});
