/** States.Array(...values): the values, in order, as one array. */
import type { IntrinsicFunction } from '../arguments.ts';

export const statesArray: IntrinsicFunction = (args) => [...args];
