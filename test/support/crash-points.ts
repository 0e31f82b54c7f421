/**
 * The crash-point harness (local/app/crash-points.ts) as a test runs it: a DynamoDB of its own
 * that every platform of the run shares (the crashed ones and the one that restarts), the
 * functions built once by the global setup, the report printed, and its figures asserted.
 */
import { expect, inject } from 'vitest';
import {
  type CrashPoint,
  type CrashReport,
  exploreCrashPoints,
  formatCrashReport,
  type Scenario,
} from '../../local/app/crash-points.ts';
import { startOwnDynamoDB } from './stack.ts';

export const exploreAndCheck = async (
  scenarios: readonly Scenario[],
  select?: (point: CrashPoint) => boolean,
): Promise<CrashReport> => {
  const dynamodb = await startOwnDynamoDB();
  try {
    const report = await exploreCrashPoints({
      scenarios,
      ...(select ? { select } : {}),
      stack: {
        dynamodb: { endpoint: dynamodb.endpoint },
        ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0 },
        build: { skip: true, dir: inject('buildDir') },
        retryDelayMs: 0,
        messaging: { onDelivery: () => undefined },
        environment: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
      },
    });
    console.log(formatCrashReport(report));
    // Assess
    expect(report.notReached).toEqual([]);
    expect(report.violations).toEqual([]);
    return report;
  } finally {
    await dynamodb.close();
  }
};
