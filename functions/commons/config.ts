/**
 * The functions' configuration: every environment variable they read is read and checked here,
 * and nowhere else. Nothing is read when this module loads: the one module that needs a value
 * reads it once, when it is itself loaded, and keeps it. So a function fails at start-up with a
 * ConfigurationError naming the variable when its own configuration is missing or wrong, and
 * never for a variable only another function needs (a bundle holds only its function's modules;
 * template.yaml gives each function what it reads, and test/unit/config.test.ts holds the two
 * to each other).
 */
import { ConfigurationError } from '#errors';

const required = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is not set`);
  }
  return value;
};

/** The bookings table every function reads and writes. */
export const tableName = (): string => required('TABLE_NAME');

/** The saga's state machine: its executions are started, described and named after it. */
export const stateMachineArn = (): string => required('STATE_MACHINE_ARN');

/** TripEventsBus, where a trip's end is announced. */
export const eventBusName = (): string => required('EVENT_BUS_NAME');

/** CustomerNotificationsTopic, where a customer's message is published. */
export const notificationsTopicArn = (): string => required('NOTIFICATIONS_TOPIC_ARN');

/** `FAILURE_INJECTION` is `enabled` for the demo and `disabled` for a real deployment. */
export const failureInjectionEnabled = (): boolean => {
  const value = required('FAILURE_INJECTION');
  if (value !== 'enabled' && value !== 'disabled') {
    throw new ConfigurationError(
      `FAILURE_INJECTION must be "enabled" or "disabled", not "${value}"`,
    );
  }
  return value === 'enabled';
};

/** How often a compensation fails at random (the reference's 40 %): between 0 and 1. */
export const compensationFailureRate = (): number => {
  const raw = required('COMPENSATION_FAILURE_RATE');
  const rate = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigurationError(`COMPENSATION_FAILURE_RATE must be between 0 and 1, not "${raw}"`);
  }
  return rate;
};

/** `FAILURE_SEED`, optional: the random failures repeat under the same seed. */
export const failureSeed = (): string | undefined => {
  const seed = process.env.FAILURE_SEED;
  if (seed === undefined || seed === '') return undefined;
  if (!Number.isSafeInteger(Number(seed))) {
    throw new ConfigurationError(`FAILURE_SEED must be an integer, not "${seed}"`);
  }
  return seed;
};

/**
 * How long a notice's claim is its sender's alone: longer than the notifier's Timeout, so a
 * claim this old belongs to a sender that is gone (template.yaml: NOTICE_CLAIM_LEASE_SECONDS).
 */
export const noticeClaimLeaseMs = (): number => {
  const raw = required('NOTICE_CLAIM_LEASE_SECONDS');
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigurationError(
      `NOTICE_CLAIM_LEASE_SECONDS must be a number of seconds above 0, not "${raw}"`,
    );
  }
  return seconds * 1000;
};

/**
 * For this long after a trip's record was written, a repeated request may start the execution
 * the first request did not get to start (it failed between the record and StartExecution). Step
 * Functions keeps an execution for 90 days, so within this window StartExecution under the trip's
 * name can only find the first request's execution, never start a second one. The sweep leaves
 * younger records alone (SWEEP_GRACE_SECONDS is longer). A rule, not a setting.
 */
export const START_WINDOW_SECONDS = 300;

/**
 * How old an open record must be before the sweep looks at it. Longer than the start window, so
 * the sweep and a repeated request never act on the same trip.
 */
export const sweepGraceSeconds = (): number => {
  const raw = required('SWEEP_GRACE_SECONDS');
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds <= START_WINDOW_SECONDS) {
    throw new ConfigurationError(
      `SWEEP_GRACE_SECONDS must be a whole number of seconds above the ${START_WINDOW_SECONDS} s start window, not "${raw}"`,
    );
  }
  return seconds;
};
