/** States.ArrayUnique(array): the items without repeats, each kept where it first appears. */

import type { Json } from '../../../engine/types.ts';
import { expectArray, expectCount, type IntrinsicFunction } from '../arguments.ts';

/** A value's JSON text with its object keys sorted: equal JSON values, equal keys. */
const canonical = (value: Json): string =>
  JSON.stringify(value, (_key, inner: Json) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );

export const arrayUnique: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 1);
  const seen = new Set<string>();
  return expectArray(name, args[0], 'the argument').filter((item) => {
    const key = canonical(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};
