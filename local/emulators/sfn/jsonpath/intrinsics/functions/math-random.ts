/**
 * States.MathRandom(start, end[, seed]): an integer from start (included) to end (excluded); the
 * same seed gives the same number.
 */
import {
  expectCount,
  expectRounded,
  type IntrinsicFunction,
  intrinsicFailure,
} from '../arguments.ts';

/** A seeded generator in [0, 1) (mulberry32): the same seed, the same sequence. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const mathRandom: IntrinsicFunction = (args, name) => {
  expectCount(name, args, 2, 3);
  const start = expectRounded(name, args[0], 'the start');
  const end = expectRounded(name, args[1], 'the end');
  if (end <= start) throw intrinsicFailure(name, 'the end must be greater than the start');
  const random =
    args.length === 3 ? seededRandom(expectRounded(name, args[2], 'the seed')) : Math.random;
  return start + Math.floor(random() * (end - start));
};
