/**
 * How a Step Functions JSONata function fails: a JSONata-style error (code and message) that the
 * evaluation reports, as jsonata's own errors are, in its States.QueryEvaluationError cause.
 */
export class FunctionError extends Error {
  readonly code: string;

  constructor(functionName: string, rule: string) {
    super(`${functionName}: ${rule}`);
    this.code = 'SFN';
  }
}

export const isInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value);
