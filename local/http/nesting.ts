/**
 * How deep a parsed JSON value nests, walked with a stack of its own: the emulators recurse over
 * their input (structuredClone, validators) and overflow the call stack on a few thousand levels,
 * so input is measured before it reaches them.
 */

/** Whether `value` nests objects and arrays deeper than `limit`, walked without recursion. */
export const nestsDeeperThan = (value: unknown, limit: number): boolean => {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const member of Object.values(next.value)) pending.push({ value: member, depth });
  }
  return false;
};
