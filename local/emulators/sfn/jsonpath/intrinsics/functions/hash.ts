/**
 * States.Hash(data, algorithm): the hex digest of a string of at most 10,000 characters, by MD5,
 * SHA-1, SHA-256, SHA-384 or SHA-512.
 */
import { createHash } from 'node:crypto';
import {
  expectCount,
  expectShortString,
  expectString,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

/** The algorithms Step Functions names, and Node's names for them. */
export const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export const hash: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2);
  const data = expectShortString(name, args[0], 'the data');
  const algorithm = expectString(name, args[1], 'the algorithm');
  const nodeName = Object.hasOwn(HASH_ALGORITHMS, algorithm)
    ? HASH_ALGORITHMS[algorithm]
    : undefined;
  if (!nodeName) {
    throw intrinsicFailure(
      name,
      `the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(nodeName).update(data, 'utf8').digest('hex');
};
