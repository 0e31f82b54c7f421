/**
 * $random([seed]): a number from 0 (included) to 1 (excluded); with an integer seed, the same
 * number for the same seed (JSONata's own $random takes no seed).
 */
import { FunctionError, isInteger } from './errors.ts';

/** mulberry32: a small seeded generator, the same sequence for the same seed. */
const seeded = (seed: number) => {
  let state = (seed + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  state = (t ^ (t >>> 14)) >>> 0;
  return state / 4294967296;
};

export const random = (seed?: unknown): number => {
  if (seed === undefined) return Math.random();
  if (!isInteger(seed)) throw new FunctionError('$random', 'the seed must be an integer');
  return seeded(seed);
};

export const RANDOM_SIGNATURE = '<n?:n>';
