/**
 * States.ArrayRange(start, end, step): start, start + step, ... up to end included; integers, a
 * step other than 0, and at most 1,000 items; non-integers are rounded to the nearest integer.
 */
import {
  expectCount,
  expectRounded,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

export const MAX_ARRAY_RANGE_ITEMS = 1000;

export const arrayRange: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 3);
  const start = expectRounded(name, args[0], 'the start');
  const end = expectRounded(name, args[1], 'the end');
  const step = expectRounded(name, args[2], 'the step');
  if (step === 0) throw intrinsicFailure(name, 'the step must not be 0');
  const count = Math.max(0, Math.floor((end - start) / step) + 1);
  if (count > MAX_ARRAY_RANGE_ITEMS) {
    throw intrinsicFailure(
      name,
      `the range has ${count} items, more than ${MAX_ARRAY_RANGE_ITEMS}`,
    );
  }
  return Array.from({ length: count }, (_, index) => start + index * step);
};
