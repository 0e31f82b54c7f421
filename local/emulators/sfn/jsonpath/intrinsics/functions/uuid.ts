/** States.UUID(): a version 4 UUID. */
import { randomUUID } from 'node:crypto';
import { expectCount, type IntrinsicFunction } from '../arguments.ts';

export const uuid: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 0);
  return randomUUID();
};
