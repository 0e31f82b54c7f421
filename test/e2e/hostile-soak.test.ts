/**
 * A short run of `npm run soak -- --hostile` (issue 20): the real npm start under seeded hostile
 * traffic on every port for some seconds, bookings going on meanwhile. It must not end, stall
 * (a probe over 1 s), leave a request hanging, or answer a 5xx of its own; and every booking
 * made meanwhile must reach its end. The long run (10 minutes, its figures in bench/hostile-soak.md)
 * is the same command.
 */
import { describe, expect, it } from 'vitest';
import {
  formatHostileReport,
  hostileSoak,
  hostileSoakPassed,
} from '../../local/app/cli/hostile-soak.ts';

const SECONDS = 20;

describe('npm run soak -- --hostile, for a few seconds', () => {
  it('ends no process, stalls no port, leaves no request hanging, and every booking meanwhile ends', async ({
    annotate,
  }) => {
    // Act
    const report = await hostileSoak({
      seconds: SECONDS,
      seed: 20,
      concurrency: 4,
      runaway: false,
    });

    // Assess
    const text = formatHostileReport(report);
    await annotate(text);
    expect(report.crashes, text).toEqual([]);
    expect(
      report.probes.filter((probe) => probe.stalls > 0).map((probe) => probe.name),
      text,
    ).toEqual([]);
    expect(report.traffic.unanswered, text).toEqual([]);
    expect(report.traffic.serverErrors, text).toEqual([]);
    expect(report.traffic.requests).toBeGreaterThan(50);
    expect(Object.keys(report.traffic.results).sort()).toEqual([
      'api',
      'console',
      'dynamodb',
      'lambda',
      'messaging',
      'sfn',
    ]);
    expect(report.bookings.notEnded, text).toEqual([]);
    expect(report.bookings.ended).toBeGreaterThan(0);
    expect(hostileSoakPassed(report)).toBe(true);
  }, 180_000);
});
