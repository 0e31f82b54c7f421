/**
 * Every named error of the functions. A Lambda function's error reaches Step Functions (or the
 * event's retry and its failure destination) as `errorType` = the error's `name`, which is what
 * the ASL's `ErrorEquals` matches and what the execution history shows; the API answers a
 * `ClientError` with its status. Each class sets `name` explicitly: minified bundles rename
 * classes, so the constructor's name cannot be relied on.
 */

/** A saga step that was asked to fail by the trip's `run_type` (failure injection). */
export class InjectedStepFailure extends Error {
  override readonly name: string;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A compensation that failed at random (failure injection); the ASL retries it. */
export class InjectedTransientFailure extends Error {
  override readonly name = 'InjectedTransientFailure';
}

/** A reserve or confirm that found its booking already cancelled: it must not bring it back. */
export class BookingAlreadyCancelled extends Error {
  override readonly name = 'BookingAlreadyCancelled';
}

/** A confirm for a booking that was never reserved. */
export class BookingNotFound extends Error {
  override readonly name = 'BookingNotFound';
}

/** A payment taken after it was refunded: it must not be charged again. */
export class PaymentAlreadyRefunded extends Error {
  override readonly name = 'PaymentAlreadyRefunded';
}

/** The function's configuration (environment) is missing or invalid: fail at start-up. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** An item read from the table that does not have the shape its kind must have. */
export class MalformedItem extends Error {
  override readonly name = 'MalformedItem';
}

/** The sweep could not settle some trips: their records stay open for the next sweep. */
export class TripsNotSwept extends Error {
  override readonly name = 'TripsNotSwept';
}

/** A repair refused: the trip's saga is still running. */
export class RepairRefused extends Error {
  override readonly name = 'RepairRefused';
}

/**
 * The bus refused the event: the caller fails. Lambda runs the reconciler's or the sweep's event
 * twice more (the reconciler's, failed three times, goes to the operators' topic); the notice is
 * still owed, so the sweep announces it again.
 */
export class OutcomeNotAnnounced extends Error {
  override readonly name = 'OutcomeNotAnnounced';
}

/**
 * Another sender holds the notice's claim: Lambda retries the event a minute later (twice at
 * most, then it goes to the operators' topic), and the retry finds it sent; the sweep announces
 * a notice still owed again.
 */
export class NotificationInFlight extends Error {
  override readonly name = 'NotificationInFlight';
}

export interface FieldError {
  field: string;
  rule: string;
}

/** A request the API refuses: answered with `statusCode` and a JSON body naming what is wrong. */
export class ClientError extends Error {
  override readonly name = 'ClientError';
  readonly statusCode: number;
  readonly errors: FieldError[];

  constructor(statusCode: number, message: string, errors: FieldError[] = []) {
    super(message);
    this.statusCode = statusCode;
    this.errors = errors;
  }
}

/** The API's 400: the request is invalid, each field named with the rule it breaks. */
export const badRequest = (errors: FieldError[]) =>
  new ClientError(400, 'The request is invalid', errors);

/** Whether `error` is an error of that name (an AWS SDK error's name is its exception's). */
export const hasName = (error: unknown, name: string): boolean =>
  error instanceof Error && error.name === name;

/** An error as one line of text for a record or a log: its name and message. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
