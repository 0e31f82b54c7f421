/**
 * States.MathAdd(a, b): the sum of two integers from -2147483648 to 2147483647; a non-integer
 * is rounded to the nearest integer first.
 */
import {
  expectCount,
  expectRounded,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

const MIN = -2_147_483_648;
const MAX = 2_147_483_647;

export const mathAdd: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const [a, b] = [
    expectRounded(name, args[0], 'the first argument'),
    expectRounded(name, args[1], 'the second argument'),
  ];
  if ([a, b].some((value) => value < MIN || value > MAX)) {
    throw intrinsicFailure(name, `the arguments must be integers from ${MIN} to ${MAX}`);
  }
  return a + b;
};
