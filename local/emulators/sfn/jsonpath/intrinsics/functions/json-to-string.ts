/** States.JsonToString(value): the value as JSON text. */
import { expectCount, type IntrinsicFunction } from '../arguments.ts';

export const jsonToString: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  return JSON.stringify(args[0] ?? null);
};
