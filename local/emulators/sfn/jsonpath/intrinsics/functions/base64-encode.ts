/** States.Base64Encode(string): the string's UTF-8 bytes in base64; at most 10,000 characters in. */
import { expectCount, expectShortString, type IntrinsicFunction } from '../arguments.ts';

export const base64Encode: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  return Buffer.from(expectShortString(name, args[0], 'the argument'), 'utf8').toString('base64');
};
