/**
 * The fast slice of the crash-point harness (the whole of it is `npm run test:long`): a booked
 * trip crashing before and after each of the notifier's calls, then a restart and the sweep. The
 * customer gets the message once, or the documented duplicate (the same text again, counted),
 * and the table owes nothing.
 */
import { describe, expect, it } from 'vitest';
import { exploreAndCheck } from '../support/crash-points.ts';

describe('crash points of the notifier', () => {
  it('before and after each of its calls, for a booked trip: told once (or the counted duplicate), 0 violations', async () => {
    const report = await exploreAndCheck(['success'], (point) =>
      point.call.startsWith('NotifyCustomerFunction'),
    );

    expect(report.explored).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
