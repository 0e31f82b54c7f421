/**
 * Failure injection, as in the reference: a trip's `run_type` fails the forward step it names,
 * and compensations fail at random at COMPENSATION_FAILURE_RATE (the reference's 40 %).
 * FAILURE_INJECTION=disabled turns both off, whatever the input says.
 * FAILURE_SEED makes the random failures repeatable (tests, soak runs).
 */
import { createHash } from 'node:crypto';
import { compensationFailureRate, failureInjectionEnabled, failureSeed } from '#config';
import { InjectedStepFailure, InjectedTransientFailure } from '#errors';
import type { FailureRunType, Trip } from '#trip/document.ts';

/** The error each run type raises: its name is what the execution history shows. */
export const STEP_FAILURES: Record<FailureRunType, { error: string; message: string }> = {
  failHotelReservation: { error: 'HotelReservationFailed', message: 'Failed to reserve the hotel' },
  failFlightsReservation: {
    error: 'FlightReservationFailed',
    message: 'Failed to reserve the flights',
  },
  failPayment: { error: 'PaymentFailed', message: 'Failed to take the payment' },
  failHotelConfirmation: {
    error: 'HotelConfirmationFailed',
    message: 'Failed to confirm the hotel booking',
  },
  failFlightsConfirmation: {
    error: 'FlightConfirmationFailed',
    message: 'Failed to confirm the flights',
  },
};

const enabled = failureInjectionEnabled();

const failureRate = compensationFailureRate();

/**
 * Under FAILURE_SEED, whether a call fails depends only on the seed, the trip, the step and how
 * many times this step was called for this trip: the same runs fail the same way, however many
 * executions run at once and in whatever order their calls arrive.
 */
const seeded = (() => {
  const seed = failureSeed();
  if (seed === undefined) return undefined;
  const calls = new Map<string, number>();
  return (step: string, tripId: string) => {
    const key = `${tripId}\u0000${step}`;
    const call = calls.get(key) ?? 0;
    calls.set(key, call + 1);
    const digest = createHash('sha256').update(`${seed}\u0000${key}\u0000${call}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  };
})();

/** Throws the step's named error when the trip asks this step to fail. */
export const failIfRequested = (trip: Trip, runType: FailureRunType): void => {
  if (!enabled || trip.run_type !== runType) return;
  const { error, message } = STEP_FAILURES[runType];
  throw new InjectedStepFailure(error, `${message} (run_type ${runType})`);
};

/** Throws a retryable error at the configured rate: compensations must survive it. */
export const failAtRandom = (step: string, trip: Trip): void => {
  if (!enabled || failureRate === 0) return;
  const draw = seeded ? seeded(step, trip.trip_id) : Math.random();
  if (draw >= failureRate) return;
  throw new InjectedTransientFailure(`${step} failed at random (injected, rate ${failureRate})`);
};
