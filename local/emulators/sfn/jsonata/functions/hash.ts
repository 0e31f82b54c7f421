/**
 * $hash(data, algorithm): the hex digest of a string of at most 10,000 characters, by MD5, SHA-1,
 * SHA-256, SHA-384 or SHA-512: States.Hash's twin, with its table of algorithms.
 */
import { createHash } from 'node:crypto';
import { MAX_INTRINSIC_STRING } from '../../jsonpath/intrinsics/arguments.ts';
import { HASH_ALGORITHMS } from '../../jsonpath/intrinsics/functions/hash.ts';
import { FunctionError } from './errors.ts';

export const hash = (data: unknown, algorithm: unknown): string => {
  if (typeof data !== 'string') throw new FunctionError('$hash', 'the data must be a string');
  if (data.length > MAX_INTRINSIC_STRING) {
    throw new FunctionError(
      '$hash',
      `the data must have at most ${MAX_INTRINSIC_STRING} characters`,
    );
  }
  const nodeName =
    typeof algorithm === 'string' && Object.hasOwn(HASH_ALGORITHMS, algorithm)
      ? HASH_ALGORITHMS[algorithm]
      : undefined;
  if (!nodeName) {
    throw new FunctionError(
      '$hash',
      `the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
};

export const HASH_SIGNATURE = '<ss:s>';
