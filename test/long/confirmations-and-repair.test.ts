/**
 * Every crash point of a booking whose hotel or flight confirmation fails, and of a trip that
 * needs repair (its end event lost, the sweep settling it, then the repair): a crash before and
 * after every AWS call of the whole path, each recovered by a restart and the sweep, each trip
 * checked from the table and from what its customer received. `npm run test:long`.
 */
import { describe, expect, it } from 'vitest';
import { exploreAndCheck } from '../support/crash-points.ts';

describe('every crash point', () => {
  it('of each confirmation failure and of a repair: 0 violations', async () => {
    const scenarios = ['failHotelConfirmation', 'failFlightsConfirmation', 'repair'] as const;

    const report = await exploreAndCheck(scenarios);

    const calls = Object.values(report.calls).reduce((sum, count) => sum + count, 0);
    expect(report.explored).toBe(2 * calls);
  });
});
