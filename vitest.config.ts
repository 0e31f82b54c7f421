import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
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
  },
});
