/**
 * Retry and Catch (concepts-error-handling), apart from the states: the first Retrier whose
 * ErrorEquals takes the error retries it while it has attempts left (each Retrier counts its
 * own), waiting IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds, with FULL
 * jitter a random part of that; then the first Catcher that takes it decides the next state.
 */
import {
  DEFAULT_BACKOFF_RATE,
  DEFAULT_INTERVAL_SECONDS,
  DEFAULT_JITTER_STRATEGY,
  DEFAULT_MAX_ATTEMPTS,
} from './defaults.ts';
import { errorMatches, type StatesError } from './errors.ts';
import type { Catcher, Retrier } from './types.ts';

/** The retry to make for `error`, given how many times each Retrier has retried; or none. */
export const retryFor = (
  retriers: Retrier[] | undefined,
  attempts: number[],
  error: StatesError,
): { index: number; delayMs: number } | undefined => {
  const index = (retriers ?? []).findIndex((retrier) => errorMatches(retrier.ErrorEquals, error));
  const retrier = retriers?.[index];
  if (!retrier) return undefined;
  const attempt = attempts[index] ?? 0;
  if (attempt >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) return undefined;
  const interval =
    (retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS) *
    (retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE) ** attempt;
  const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
  const jittered =
    (retrier.JitterStrategy ?? DEFAULT_JITTER_STRATEGY) === 'FULL'
      ? Math.random() * capped
      : capped;
  return { index, delayMs: jittered * 1000 };
};

/** The Catcher that takes `error`, if any. */
export const catcherFor = (catchers: Catcher[] | undefined, error: StatesError) =>
  (catchers ?? []).find((catcher) => errorMatches(catcher.ErrorEquals, error));
