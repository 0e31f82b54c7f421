/** Small statistics for the bench: percentiles by nearest rank, rounding for the tables. */

export const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

export const median = (values: number[]) => percentile(values, 50);

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Runs `task` for every item, `width` at a time; results in the items' order. */
export const mapConcurrently = async <T, R>(
  items: T[],
  width: number,
  task: (item: T, index: number) => Promise<R>,
) => {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index] as T, index);
      }
    }),
  );
  return results;
};
