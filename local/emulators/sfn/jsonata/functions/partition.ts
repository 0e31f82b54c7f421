/**
 * $partition(array, size): the array in chunks of `size` items (States.ArrayPartition's JSONata
 * twin); a non-integer size is rounded down.
 */
import { FunctionError } from './errors.ts';

export const partition = (array: unknown, requested: unknown): unknown[][] => {
  if (!Array.isArray(array)) {
    throw new FunctionError('$partition', 'the first argument must be an array');
  }
  const size = typeof requested === 'number' ? Math.floor(requested) : Number.NaN;
  if (!Number.isInteger(size) || size <= 0) {
    throw new FunctionError('$partition', 'the chunk size must be a positive integer');
  }
  const chunks: unknown[][] = [];
  for (let at = 0; at < array.length; at += size) chunks.push(array.slice(at, at + size));
  return chunks;
};

export const PARTITION_SIGNATURE = '<jn:a>';
