/** States.ArrayGetItem(array, index): the item at a zero-based index within the array. */
import {
  expectArray,
  expectCount,
  expectInteger,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

export const arrayGetItem: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const array = expectArray(name, args[0], 'the first argument');
  const index = expectInteger(name, args[1], 'the index');
  if (index < 0 || index >= array.length) {
    throw intrinsicFailure(name, `the index ${index} is outside the array's ${array.length} items`);
  }
  return array[index] ?? null;
};
