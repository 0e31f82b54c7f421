/**
 * The values Step Functions takes when a definition leaves a field out, and the limits it
 * documents, by name: one place to read (and change) them.
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */

/** Retrier defaults. */
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_INTERVAL_SECONDS = 1;
export const DEFAULT_BACKOFF_RATE = 2.0;
export const DEFAULT_JITTER_STRATEGY = 'NONE';

/** The error names that match more than their own name. */
export const WILDCARD_ERROR = 'States.ALL';
export const TASK_WILDCARD_ERROR = 'States.TaskFailed';

/** A Task without TimeoutSeconds: AWS's default, 99999999 s (never reached offline). */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

/** Inline Map: at most 40 iterations at once, whatever MaxConcurrency says (0 = as many as that). */
export const INLINE_MAP_CONCURRENCY = 40;

/** Intrinsic functions nest at most 10 deep in one field. */
export const MAX_INTRINSIC_NESTING = 10;

/** A Wait may last at most 99999999 seconds. */
export const MAX_WAIT_SECONDS = 99_999_999;

/** An execution's history holds at most 25,000 events; the execution fails at that size. */
export const MAX_HISTORY_EVENTS = 25_000;

/** Variables: 256 KiB one value and one Assign, 10 MiB in all, names of at most 80 characters. */
export const MAX_VARIABLE_BYTES = 262_144;
export const MAX_ASSIGN_BYTES = 262_144;
export const MAX_VARIABLES_BYTES = 10 * 1024 * 1024;
export const MAX_VARIABLE_NAME_LENGTH = 80;
