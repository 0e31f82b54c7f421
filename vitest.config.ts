import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { TEST_TIMEOUT_MS } from './test/support/patience.ts';

const GLOBAL_SETUP = 'test/support/global-setup.ts';
const E2E = 'test/e2e/**/*.test.ts';
const LONG = 'test/long/**/*.test.ts';
// Files that import the functions' modules in-process (whose clients and environment are read
// once, at import) or tell callers apart by the SDK's User-Agent: each gets fresh modules.
const OWN_MODULES = [
  'test/unit/**/*.test.ts',
  'test/local/messaging.test.ts',
  'test/reliability/least-privilege.test.ts',
];

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
      NOTICE_CLAIM_LEASE_SECONDS: '60',
      NOTIFICATIONS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:CustomerNotificationsTopic',
      POWERTOOLS_SERVICE_NAME: 'booking-saga',
      POWERTOOLS_METRICS_NAMESPACE: 'BookingSaga',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
    // Only a hang reaches these (test/support/patience.ts), never a slow run on a busy machine.
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    // An environment variable a test stubs is put back after it, whatever runs next.
    unstubEnvs: true,
    // Every core: most test files wait on their in-process platform as much as they compute.
    maxWorkers: availableParallelism(),
    // Each project has its own global setup and files (a root globalSetup would run once for
    // both, and a root include would be added to each project's).
    projects: [
      // Everything but the end-to-end lane, on AWS's DynamoDB Local (one JVM for the whole run).
      {
        extends: true,
        test: {
          name: 'dynamodb-local',
          globalSetup: [GLOBAL_SETUP],
          include: ['test/**/*.test.ts'],
          exclude: [E2E, LONG, ...OWN_MODULES],
          // These files start platforms and talk to them over their ports: they share the
          // modules a worker has loaded (the SDK, the emulators), which halves the suite's time.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'dynamodb-local-isolated',
          globalSetup: [GLOBAL_SETUP],
          include: OWN_MODULES,
        },
      },
      // The end-to-end lane (`npm run test:e2e`): the project's own processes (npm start, the
      // command-line tools), the AWS CLI and Chromium, started for real. Most of the suite's
      // time; the same platform's behaviour is tested in-process by the other files.
      {
        extends: true,
        test: {
          name: 'e2e',
          globalSetup: [GLOBAL_SETUP],
          include: [E2E],
        },
      },
      // The long lane (`npm run test:long`): every crash point of the whole path, enumerated
      // (each a platform of its own, crashed, then one restart), the races over five seeds, the
      // soaks, the adversarial schedules, concurrency and the late reserves: minutes of CPU, so
      // apart from npm test, which keeps a slice of the crash points and one seed of the races
      // (test/reliability/crash-points.test.ts, test/unit/races.test.ts) to stay near a minute.
      {
        extends: true,
        test: {
          name: 'long',
          globalSetup: [GLOBAL_SETUP],
          include: [LONG],
          testTimeout: 1_800_000,
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
          // The orders of handlers at a trip's end: what they test is the handlers' order, not
          // DynamoDB's behaviour, which the other unit tests hold on dynalite.
          exclude: ['test/unit/races.test.ts'],
        },
      },
    ],
  },
});
