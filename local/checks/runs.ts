/**
 * How the soaks and the reliability tests run many requests: a seeded random source (the same
 * seed gives the same runs, whatever the concurrency) and a runner that keeps a fixed number of
 * them in flight.
 */

/** A seeded random source (mulberry32): the same seed gives the same sequence. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const integer = (below: number) => Math.floor(next() * below);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[integer(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  /** `count` distinct items, in random order. */
  const sample = <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items];
    const chosen: T[] = [];
    while (chosen.length < count && pool.length > 0)
      chosen.push(...pool.splice(integer(pool.length), 1));
    return chosen;
  };
  return { next, integer, pick, sample };
};

export type Random = ReturnType<typeof seededRandom>;

/** Runs `work` on every item with at most `limit` at a time; the results keep the items' order. */
export const mapConcurrently = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
