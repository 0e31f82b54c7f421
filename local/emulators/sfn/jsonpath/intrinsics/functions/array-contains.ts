/** States.ArrayContains(array, value): whether the array holds a value equal to `value`. */
import { expectArray, expectCount, type IntrinsicFunction, sameJson } from '../arguments.ts';

export const arrayContains: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const array = expectArray(name, args[0], 'the first argument');
  const value = args[1] ?? null;
  return array.some((item) => sameJson(item, value));
};
