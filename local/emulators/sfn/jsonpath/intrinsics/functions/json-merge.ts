/**
 * States.JsonMerge(a, b, false): a shallow merge of two objects, b's keys winning. Step Functions
 * supports the shallow mode only: the third argument must be false.
 */
import {
  expectCount,
  expectObject,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

export const jsonMerge: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 3);
  const first = expectObject(name, args[0], 'the first argument');
  const second = expectObject(name, args[1], 'the second argument');
  if (args[2] !== false) throw intrinsicFailure(name, 'the deep merge flag must be false');
  return { ...first, ...second };
};
