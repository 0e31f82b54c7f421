/**
 * $hash(data, algorithm): the hex digest of a string of at most 10,000 characters, by MD5, SHA-1,
 * SHA-256, SHA-384 or SHA-512 (as States.Hash).
 */
import { createHash } from 'node:crypto';
import { FunctionError } from './errors.ts';

const ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export const MAX_HASH_INPUT = 10_000;

export const hash = (data: unknown, algorithm: unknown): string => {
  if (typeof data !== 'string') throw new FunctionError('$hash', 'the data must be a string');
  if (data.length > MAX_HASH_INPUT) {
    throw new FunctionError('$hash', `the data must have at most ${MAX_HASH_INPUT} characters`);
  }
  const nodeName =
    typeof algorithm === 'string' && Object.hasOwn(ALGORITHMS, algorithm)
      ? ALGORITHMS[algorithm]
      : undefined;
  if (!nodeName) {
    throw new FunctionError(
      '$hash',
      `the algorithm must be one of ${Object.keys(ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
};

export const HASH_SIGNATURE = '<ss:s>';
