/** States.Base64Decode(base64): the decoded text; at most 10,000 characters in, base64 only. */
import {
  expectCount,
  expectShortString,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const base64Decode: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  const text = expectShortString(name, args[0], 'the argument');
  if (!BASE64.test(text)) throw intrinsicFailure(name, 'the argument is not base64 data');
  return Buffer.from(text, 'base64').toString('utf8');
};
