/**
 * A request the API refuses, and why: its own module (no logger, no middleware), so that what
 * validates a request can be shared with the local console without loading a handler's kit.
 */

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

export const badRequest = (errors: FieldError[]) =>
  new ClientError(400, 'The request is invalid', errors);
