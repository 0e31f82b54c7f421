/**
 * Every crash point of one booking of each forward-failure run type and of a booked trip (each
 * followed by the late duplicate of its end event): a crash before and after every AWS call of
 * the whole path, each recovered by a restart and the sweep, each trip checked from the table
 * and from what its customer received. `npm run test:long`; the other scenarios are in
 * confirmations-and-repair.test.ts, so the two run side by side.
 */
import { describe, expect, it } from 'vitest';
import { exploreAndCheck } from '../support/crash-points.ts';

describe('every crash point', () => {
  it('of a booked trip and of each reservation or payment failure: 0 violations', async () => {
    const scenarios = [
      'success',
      'failHotelReservation',
      'failFlightsReservation',
      'failPayment',
    ] as const;

    const report = await exploreAndCheck(scenarios);

    const calls = Object.values(report.calls).reduce((sum, count) => sum + count, 0);
    expect(report.explored).toBe(2 * calls);
  });
});
