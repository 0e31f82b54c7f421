/** States.ArrayLength(array): the number of items. */
import { expectArray, expectCount, type IntrinsicFunction } from '../arguments.ts';

export const arrayLength: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  return expectArray(name, args[0], 'the argument').length;
};
