/**
 * The randomized soak (`npm run soak`), small enough for every test run: seeded random run types
 * and 40 % compensation failures, the invariant checked after every execution.
 */
import { describe, expect, inject, it } from 'vitest';
import { RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { soak, soakWithFaults } from '../../local/app/cli/soak.ts';
import { HANG_MS, TEST_TIMEOUT_MS } from '../support/patience.ts';
import { dynamodbFor } from '../support/stack.ts';

// The functions built once, and a database of its own in the run's DynamoDB, for each soak.
const prebuilt = () => ({ build: { skip: true, dir: inject('buildDir') }, ...dynamodbFor() });

describe('the soak', () => {
  it('runs 100 seeded bookings with random failures and leaves no trip half-done', async () => {
    // Act
    const report = await soak({ runs: 100, seed: 11, stack: prebuilt() });

    // Assess
    expect(report.violations).toEqual([]);
    for (const runType of RUN_TYPES) {
      const { booked, undone, recorded, violated } = report.outcomes[runType];
      // About 17 of each run type.
      expect(booked + undone + recorded, runType).toBeGreaterThan(5);
      expect(violated, runType).toBe(0);
      // A success is booked; a failure is undone (or, practically never, recorded for repair).
      expect(runType === 'success' ? undone + recorded : booked, runType).toBe(0);
    }
    // About 83 failing bookings x 2.4 compensations x 0.4/0.6 retries each: some 130.
    expect(report.compensationFailures).toBeGreaterThan(65);
  });

  it('gives the same runs for the same seed, whatever the concurrency', async () => {
    const oneAtATime = await soak({ runs: 25, seed: 5, concurrency: 1, stack: prebuilt() });
    const sixteenAtOnce = await soak({ runs: 25, seed: 5, concurrency: 16, stack: prebuilt() });
    const otherSeed = await soak({ runs: 25, seed: 6, concurrency: 16, stack: prebuilt() });

    expect(sixteenAtOnce.outcomes).toEqual(oneAtATime.outcomes);
    expect(sixteenAtOnce.compensationFailures).toBe(oneAtATime.compensationFailures);
    expect(otherSeed.compensationFailures).not.toBe(oneAtATime.compensationFailures);
  });

  // Each stuck run waits out its timeout, some one after another in a slot: the time for them.
  it(
    'with faults from outside the saga (--faults all): every trip settled from the table, nothing live after sweep and repair, every customer told once per outcome',
    async () => {
      // Act: stuck tasks wait out a timeout no run that is not stuck reaches, however busy the
      // machine (at the soak's own, slow runs may time out under load and BookingNeedsRepair go
      // unreached); a lease of a second (not the CLI's 12 s), so that the last wait is short.
      const report = await soakWithFaults({
        runs: 200,
        seed: 7,
        stack: prebuilt(),
        executionTimeoutMs: HANG_MS / 2,
        leaseSeconds: 1,
      });

      // Assess
      expect(report.violations).toEqual([]);
      expect(report.leftAfterRepair).toEqual([]);
      expect(report.noticeViolations).toEqual([]);
      expect(report.messages).toBeGreaterThanOrEqual(200);
      // The reconciler and the notifier crashed between their writes, some 40 times.
      expect(
        (report.crashes.ReconcileTripFunction ?? 0) + (report.crashes.NotifyCustomerFunction ?? 0),
      ).toBeGreaterThan(20);
      expect(report.outcomes.open).toBeUndefined();
      // The faults reached every way an execution ends.
      expect(Object.keys(report.ends).sort()).toEqual(
        expect.arrayContaining([
          'ABORTED',
          'BookingFailed',
          'BookingNeedsRepair',
          'SUCCEEDED',
          'TIMED_OUT',
        ]),
      );
      expect(report.faults.fail + report.faults.stop + report.faults.hang).toBeGreaterThan(60);
    },
    2 * TEST_TIMEOUT_MS,
  );
});
