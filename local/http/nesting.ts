/**
 * How deep JSON nests, measured without recursion: the emulators recurse over their input
 * (structuredClone, JSON.stringify, validators) and overflow the call stack on a few thousand
 * levels, and JSON.parse itself takes some 100 ms per MB of deep nesting, so input is measured
 * before it reaches them.
 */
import { offThread } from './off-thread.ts';

/** Whether a parsed `value` nests objects and arrays deeper than `limit`, walked without recursion. */
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

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether JSON text (as bytes, or a string) nests objects and arrays deeper than `limit`, read
 * once without parsing it: brackets inside strings do not count. Some 2 ms per MB, and it stops
 * at the first bracket past the limit, so a body can be refused before JSON.parse spends its
 * time on it. Text that is not JSON is measured all the same (JSON.parse refuses it later).
 */
export const textNestsDeeperThan = (text: Uint8Array | string, limit: number): boolean => {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let inString = false;
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at] as number;
    if (inString) {
      if (byte === BACKSLASH) at++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth++;
      if (depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--;
  }
  return false;
};

/** Up to this size, text is measured on the calling thread (a few ms at most). */
const MEASURED_IN_PLACE_BYTES = 256 * 1024;

/**
 * textNestsDeeperThan, in the checking thread (./off-thread.ts) for large text. Its first part
 * is measured here first: text nested too deep there (the usual hostile shape) is refused at
 * once, without copying the whole to that thread.
 */
export const nestsTooDeep = async (bytes: Uint8Array, limit: number): Promise<boolean> => {
  if (textNestsDeeperThan(bytes.subarray(0, MEASURED_IN_PLACE_BYTES), limit)) return true;
  if (bytes.length <= MEASURED_IN_PLACE_BYTES) return false;
  return offThread<boolean>(new URL(import.meta.url), 'textNestsDeeperThan', bytes, limit);
};
