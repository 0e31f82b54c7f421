/**
 * The races the crash points do not reach, over many orders (fast-check's scheduler): two events
 * for one trip, a forged end, the sweep against the reconciler against the repair, duplicate
 * deliveries to the notifier, a late task; each order checked from the table and from what the
 * customer received. The seeds are fixed: a failure names its seed and its order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceProperty, startRaces } from '../support/races.ts';

const SEEDS = [1, 2, 3, 4, 5];
const RUNS_PER_SEED = 60;

let races: Awaited<ReturnType<typeof startRaces>>;
beforeAll(async () => {
  races = await startRaces();
});
afterAll(async () => {
  await races?.close();
});

describe('a trip at its end, every handler at once, one call at a time', () => {
  it.each(SEEDS)(`seed %i, ${RUNS_PER_SEED} orders: 0 violations`, async (seed) => {
    await expect(raceProperty(races, { seed, numRuns: RUNS_PER_SEED })).resolves.toBeUndefined();
  });
});
