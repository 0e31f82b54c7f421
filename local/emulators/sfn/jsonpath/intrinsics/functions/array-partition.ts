/** States.ArrayPartition(array, size): chunks of `size` items, the last one shorter if need be. */
import {
  expectArray,
  expectCount,
  expectRounded,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

export const arrayPartition: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const array = expectArray(name, args[0], 'the first argument');
  const size = expectRounded(name, args[1], 'the chunk size');
  if (size <= 0) throw intrinsicFailure(name, 'the chunk size must be a positive integer');
  const chunks = [];
  for (let at = 0; at < array.length; at += size) chunks.push(array.slice(at, at + size));
  return chunks;
};
