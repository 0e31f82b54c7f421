/**
 * The races the crash points do not reach, a few orders of each (the long lane runs many more:
 * test/long/races.test.ts): two events for one trip, a forged end, the sweep against the
 * reconciler against the repair, duplicate deliveries to the notifier, a late task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceProperty, startRaces } from '../support/races.ts';

let races: Awaited<ReturnType<typeof startRaces>>;
beforeAll(async () => {
  races = await startRaces();
});
afterAll(async () => {
  await races?.close();
});

describe('a trip at its end, every handler at once, one call at a time in an order fast-check picks', () => {
  it('ends told once, with the truth, nothing live unless booked (seed 1, 12 orders)', async () => {
    await expect(raceProperty(races, { seed: 1, numRuns: 12 })).resolves.toBeUndefined();
  }, 120_000);
});
