import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const GLOBAL_SETUP = 'test/support/global-setup.ts';

export default defineConfig({
  test: {
    setupFiles: ['test/support/environment.ts'],
    env: {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      TABLE_NAME: 'BookingsTable',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga',
      FAILURE_INJECTION: 'enabled',
      // Random compensation failures are off unless a test turns them on (with a seed).
      COMPENSATION_FAILURE_RATE: '0',
      SWEEP_GRACE_SECONDS: '900',
      EVENT_BUS_NAME: 'TripEventsBus',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:CustomerNotificationsTopic',
      POWERTOOLS_SERVICE_NAME: 'booking-saga',
      POWERTOOLS_METRICS_NAMESPACE: 'BookingSaga',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    testTimeout: 20_000,
    // Every core: most test files wait on their in-process platform as much as they compute.
    maxWorkers: availableParallelism(),
    // Each project has its own global setup and files (a root globalSetup would run once for
    // both, and a root include would be added to each project's).
    projects: [
      // Everything, on AWS's DynamoDB Local (one JVM for the whole run).
      {
        extends: true,
        test: {
          name: 'dynamodb-local',
          globalSetup: [GLOBAL_SETUP],
          include: ['test/**/*.test.ts'],
        },
      },
      // The tests about DynamoDB's behaviour again, on dynalite, the platform's no-Java fallback.
      {
        extends: true,
        test: {
          name: 'dynalite',
          globalSetup: [GLOBAL_SETUP],
          include: [
            'test/unit/**/*.test.ts',
            'test/local/dynamodb.test.ts',
            // What dynalite's front refuses before dynalite could crash on it.
            'test/reliability/hostile-input.test.ts',
          ],
        },
      },
    ],
  },
});
