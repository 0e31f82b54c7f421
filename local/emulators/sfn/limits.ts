/**
 * Step Functions' limits on data, as the local service enforces them: 256 KB for an execution's
 * input and for what a task is given or returns, and (the platform's own) how deep an
 * execution's input may nest. StartExecution checks the input here; the task runner checks
 * payloads and results.
 */
import { nestsDeeperThan } from '../../http/nesting.ts';
import { StepFunctionsError } from './errors.ts';

export const MAX_PAYLOAD_BYTES = 262_144;

export const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** Whether a value, as the JSON Step Functions passes on, is over the 256 KB limit. */
export const overPayloadLimit = (value: unknown) =>
  byteLength(JSON.stringify(value ?? null)) > MAX_PAYLOAD_BYTES;

/**
 * How deep an execution's input may nest. The engine clones and stringifies data recursively, and
 * input nesting a few thousand levels overflows the call stack (4,500 nested arrays fit in 9 KB,
 * well under the 256 KB limit): refused up front, far below that and far above any real input.
 */
export const MAX_INPUT_NESTING = 256;

/** StartExecution's `input`: a JSON text within the limits, and its value; else AWS's error. */
export const parseExecutionInput = (request: unknown): { input: string; parsed: unknown } => {
  const input = request === undefined ? '{}' : request;
  if (typeof input !== 'string') {
    throw new StepFunctionsError(
      'ValidationException',
      "Value at 'input' failed to satisfy constraint: Member must be a string",
    );
  }
  if (byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new StepFunctionsError(
      'ValidationException',
      "Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch (error) {
    throw new StepFunctionsError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
    );
  }
  if (nestsDeeperThan(parsed, MAX_INPUT_NESTING)) {
    throw new StepFunctionsError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: 'the input nests deeper than ${MAX_INPUT_NESTING} levels, the most the offline platform runs'`,
    );
  }
  return { input, parsed };
};
