/** States.StringToJson(text): the JSON value the text holds. */
import type { Json } from '../../../engine/types.ts';
import {
  expectCount,
  expectString,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

export const stringToJson: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  const text = expectString(name, args[0], 'the argument');
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw intrinsicFailure(name, 'the argument is not JSON text');
  }
};
