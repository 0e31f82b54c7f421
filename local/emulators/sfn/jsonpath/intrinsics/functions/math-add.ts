/** States.MathAdd(a, b): the sum of two integers. */
import { expectCount, expectInteger, type IntrinsicFunction } from '../arguments.ts';

export const mathAdd: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  return (
    expectInteger(name, args[0], 'the first argument') +
    expectInteger(name, args[1], 'the second argument')
  );
};
