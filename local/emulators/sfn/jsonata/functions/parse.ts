/** $parse(text): the JSON value a JSON text holds (Step Functions' replacement for $eval). */
import { FunctionError } from './errors.ts';

export const parse = (text: unknown): unknown => {
  if (typeof text !== 'string') throw new FunctionError('$parse', 'the argument must be a string');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FunctionError('$parse', `the argument is not JSON text: ${(error as Error).message}`);
  }
};

export const PARSE_SIGNATURE = '<s:j>';
