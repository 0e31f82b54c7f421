/**
 * $range(start, end, step): start, start + step, ... up to end included; integers, a step other
 * than 0, at most 1,000 items (as States.ArrayRange).
 */
import { FunctionError, isInteger } from './errors.ts';

export const MAX_RANGE_ITEMS = 1000;

export const range = (start: unknown, end: unknown, step: unknown): number[] => {
  if (!isInteger(start) || !isInteger(end) || !isInteger(step)) {
    throw new FunctionError('$range', 'start, end and step must be integers');
  }
  if (step === 0) throw new FunctionError('$range', 'the step must not be 0');
  const count = Math.max(0, Math.floor((end - start) / step) + 1);
  if (count > MAX_RANGE_ITEMS) {
    throw new FunctionError('$range', `the range has ${count} items, more than ${MAX_RANGE_ITEMS}`);
  }
  return Array.from({ length: count }, (_, index) => start + index * step);
};

export const RANGE_SIGNATURE = '<nnn:a<n>>';
