/**
 * Failure injection, as in the reference: a trip's `run_type` fails the forward step it names,
 * and compensations fail at random at COMPENSATION_FAILURE_RATE (the reference's 40 %).
 * FAILURE_INJECTION=disabled turns both off, whatever the input says.
 * FAILURE_SEED makes the random failures a repeatable sequence (tests, soak runs).
 */
import { failureInjectionEnabled, requireEnv } from '#commons/env.ts';
import {
  ConfigurationError,
  InjectedStepFailure,
  InjectedTransientFailure,
} from '#commons/errors.ts';
import type { FailureRunType, Trip } from '#commons/trip.ts';

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

const failureRate = (() => {
  const raw = requireEnv('COMPENSATION_FAILURE_RATE');
  const rate = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigurationError(`COMPENSATION_FAILURE_RATE must be between 0 and 1, not "${raw}"`);
  }
  return rate;
})();

/** mulberry32: a small, well-distributed PRNG, so a seed gives the same failures every run. */
const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const random = (() => {
  const seed = process.env.FAILURE_SEED;
  if (seed === undefined || seed === '') return Math.random;
  const value = Number(seed);
  if (!Number.isSafeInteger(value)) {
    throw new ConfigurationError(`FAILURE_SEED must be an integer, not "${seed}"`);
  }
  return seededRandom(value);
})();

/** Throws the step's named error when the trip asks this step to fail. */
export const failIfRequested = (trip: Trip, runType: FailureRunType): void => {
  if (!enabled || trip.run_type !== runType) return;
  const { error, message } = STEP_FAILURES[runType];
  throw new InjectedStepFailure(error, `${message} (run_type ${runType})`);
};

/** Throws a retryable error at the configured rate: compensations must survive it. */
export const failAtRandom = (step: string): void => {
  if (!enabled || failureRate === 0 || random() >= failureRate) return;
  throw new InjectedTransientFailure(`${step} failed at random (injected, rate ${failureRate})`);
};
