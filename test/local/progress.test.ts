/**
 * What `npm run book` prints while a saga runs: each state done or failed, each retry, the turn
 * to compensation, the end. Driven by real execution histories of the mocked test cases.
 */
import { describe, expect, it } from 'vitest';
import { describeEvent, newProgress } from '../../local/progress.ts';
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
