/**
 * The offline platform for a test: started in-process on free ports, from the functions built
 * once by the global setup, with retries that do not wait, on a database of its own in the run's
 * DynamoDB Local JVM (its own proxy, its own namespace: a restart of the platform finds an empty
 * table, as npm start's in-memory table is). A platform with a data folder starts a DynamoDB Local
 * of its own, which keeps its data there. SFN_ENDPOINT runs the same tests
 * against an external Step Functions Local (which must reach this Lambda API: LAMBDA_PORT, 3001
 * by default, is then fixed so its LAMBDA_ENDPOINT can name it).
 */

import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import type { TableItem } from '../../functions/commons/table/item.ts';
import { queryTripItems } from '../../functions/commons/trip/items.ts';
import bookingPlugin from '../../local/app/plugin.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { readHistory } from '../../local/aws/read-history.ts';
import type { CallRecorder } from '../../local/checks/calls.ts';
import { type FaultPlan, injectFaults } from '../../local/checks/faults.ts';
import { startDynamoDB } from '../../local/emulators/dynamodb-backend.ts';
import { type LocalStack, type StackOptions, startStack } from '../../local/stack.ts';
import { HANG_MS } from './patience.ts';

export const externalStepFunctions = process.env.SFN_ENDPOINT;

/** Where a test platform keeps its table, unless the test names a DynamoDB. */
export const dynamodbFor = (options: StackOptions = {}): StackOptions => {
  if (options.dynamodb) return {};
  if (inject('dynamodbBackend') === 'dynalite') return { dynamodb: { engine: 'dynalite' } };
  return {
    dynamodb: options.dataDir ? { engine: 'local' } : { sharedJvm: inject('dynamodbLocalJvm') },
  };
};

/** A DynamoDB of the test's own, as an external one would be: a database of its own in the run's. */
export const startOwnDynamoDB = async () => {
  const dynamodb = await startDynamoDB({
    ...(inject('dynamodbBackend') === 'dynalite'
      ? { choice: 'dynalite' }
      : { sharedJvm: inject('dynamodbLocalJvm') }),
    port: 0,
    host: '127.0.0.1',
  });
  return { endpoint: dynamodb.endpoint, close: async () => dynamodb.close?.() };
};

/** A test platform's options: the stack's, and the checks attached to it once it runs. */
export interface TestStackOptions extends StackOptions {
  /** Faults played on the built-in Step Functions' task calls (local/checks/faults.ts). */
  faults?: FaultPlan;
  /** Records the calls the platform's emulators serve (local/checks/calls.ts). */
  recorder?: CallRecorder;
}

/**
 * The demo's random compensation failures (the template's CompensationFailureRate, 40 %) only
 * where a test asks for them, with the rate and a seed (RANDOM_FAILURES): elsewhere they would
 * only add retries, and whether a compensation exhausts its retries would be a draw. And always
 * seeded, so a test's draws depend on its trip ids alone: give those ids no clock or random part.
 */
const NO_RANDOM_FAILURES = { CompensationFailureRate: '0' };
export const FAILURE_SEED = '20261126';
export const RANDOM_FAILURES = {
  parameters: { CompensationFailureRate: '0.4' },
  environment: { FAILURE_SEED },
} as const;

export const startTestStack = async ({
  faults,
  recorder,
  ...options
}: TestStackOptions = {}): Promise<LocalStack> => {
  const stack = await startStack({
    ...dynamodbFor(options),
    ports: {
      api: 0,
      dynamodb: 0,
      sfn: 0,
      lambda: externalStepFunctions ? Number(process.env.LAMBDA_PORT ?? 3001) : 0,
    },
    // The booking app's own offline parts, as npm start gets them from package.json.
    plugin: bookingPlugin,
    build: { skip: true, dir: inject('buildDir') },
    retryDelayMs: 0,
    // Step Functions Local in Docker calls the Lambda API as host.docker.internal.
    ...(externalStepFunctions
      ? {
          stepFunctions: { endpoint: externalStepFunctions },
          allowedHosts: ['host.docker.internal'],
        }
      : {}),
    ...options,
    parameters: { ...NO_RANDOM_FAILURES, ...options.parameters },
    // The functions' own logs would drown the test report.
    environment: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      FAILURE_SEED,
      ...options.environment,
    },
  });
  // Attached from outside, before any test acts: the emulators take no parameter for them.
  recorder?.observe(stack);
  if (faults) injectFaults(stack, faults);
  return stack;
};

export const clientsFor = (stack: LocalStack) => {
  const config = { region: process.env.AWS_REGION ?? 'us-east-1', credentials: LOCAL_CREDENTIALS };
  return {
    sfn: new SFNClient({ ...config, endpoint: stack.endpoints.sfn }),
    dynamodb: new DynamoDBClient({ ...config, endpoint: stack.endpoints.dynamodb }),
  };
};

export interface EndedExecution {
  description: DescribeExecutionCommandOutput;
  events: HistoryEvent[];
  /** The names of the states entered, in order. */
  statesEntered: string[];
}

/** Waits for the execution to end (polling DescribeExecution), then reads its whole history. */
export const waitForExecution = async (
  sfn: SFNClient,
  executionArn: string,
  timeoutMs = HANG_MS,
): Promise<EndedExecution> => {
  const deadline = Date.now() + timeoutMs;
  let description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  while (description.status === 'RUNNING') {
    if (Date.now() > deadline)
      throw new Error(`${executionArn} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  }
  const events = await readHistory(sfn, executionArn);
  const statesEntered = events
    .filter((event) => event.type?.endsWith('StateEntered'))
    .map((event) => event.stateEnteredEventDetails?.name ?? '');
  return { description, events, statesEntered };
};

/** A test file's platform: started before its tests, stopped after them. */
export interface TestPlatform {
  stack: LocalStack;
  clients: ReturnType<typeof clientsFor>;
  /** How many trips runTrip has started on it: the next trip's number. */
  tripsRun: number;
}

export const useTestStack = (options: TestStackOptions = {}): TestPlatform => {
  const platform = {} as TestPlatform;
  beforeAll(async () => {
    platform.stack = await startTestStack(options);
    platform.clients = clientsFor(platform.stack);
    platform.tripsRun = 0;
  });
  afterAll(async () => {
    await platform.stack?.close();
  });
  return platform;
};

const referenceTrip = JSON.parse(
  readFileSync(new URL('../../events/reserve-hotel.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/**
 * Books the reference trip (or `input`) under a fresh trip id through the Step Functions API,
 * as `<stateMachineArn>#<testCase>` when a test case is named, and waits for the end. The id is
 * the platform's next number (its table is its own), so that seeded draws are the same each run.
 */
export const runTrip = async (
  platform: TestPlatform,
  options: { testCase?: string; input?: (tripId: string) => string } = {},
) => {
  const { stack, clients } = platform;
  platform.tripsRun += 1;
  const tripId = `${options.testCase ?? 'trip'}-run-${platform.tripsRun}`;
  const { executionArn = '' } = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: options.testCase
        ? `${stack.stateMachineArn}#${options.testCase}`
        : stack.stateMachineArn,
      name: tripId,
      input: options.input
        ? options.input(tripId)
        : JSON.stringify({ ...referenceTrip, trip_id: tripId }),
    }),
  );
  return { tripId, executionArn, ...(await waitForExecution(clients.sfn, executionArn)) };
};

/** Every item of a trip as stored, read by the functions' own reader (every page). */
export const tripItems = (
  client: DynamoDBClient,
  tableName: string,
  tripId: string,
): Promise<TableItem[]> => queryTripItems(DynamoDBDocumentClient.from(client), tableName, tripId);
