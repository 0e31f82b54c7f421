/**
 * Bounded memory: the built-in Step Functions keeps only the newest closed executions (npm start
 * --keep-executions); an older one answers ExecutionDoesNotExist, as AWS does once an execution
 * is past its retention. The table keeps every booking. With --data-dir, each execution that
 * leaves memory is kept whole in the folder's closed-executions.jsonl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETAINED_EXECUTIONS } from '../../local/emulators/sfn/service.ts';
import { ARCHIVE_FILE, type LocalStack } from '../../local/stack.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { listExecutions } from '../support/reliability.ts';
import {
  clientsFor,
  runTrip,
  startTestStack,
  type TestPlatform,
  tripItems,
} from '../support/stack.ts';

let stack: LocalStack | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await stack?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  stack = undefined;
  dataDir = undefined;
});

const start = async (options: Parameters<typeof startTestStack>[0]): Promise<TestPlatform> => {
  stack = await startTestStack(options);
  return { stack, clients: clientsFor(stack), tripsRun: 0 };
};

/** Books `count` trips one after another, each to its end; returns them oldest first. */
const bookTrips = async (platform: TestPlatform, count: number) => {
  const trips = [];
  for (let index = 0; index < count; index++) trips.push(await runTrip(platform));
  // An execution leaves memory once its history is whole, just after it is seen to end.
  const last = trips.at(-1)?.executionArn ?? '';
  await platform.stack.stepFunctions?.execution(last).done;
  await new Promise((resolve) => setImmediate(resolve));
  return trips;
};

const describeStatus = (platform: TestPlatform, executionArn: string) =>
  platform.clients.sfn.send(new DescribeExecutionCommand({ executionArn })).then(
    (description) => description.status,
    (error: Error) => error.name,
  );

describe('closed executions beyond the retention', () => {
  it('leave memory oldest first: DescribeExecution answers ExecutionDoesNotExist, the bookings stay', async () => {
    // Prepare
    const platform = await start({ stepFunctions: { retainedExecutions: 3 } });

    // Act
    const trips = await bookTrips(platform, 5);

    // Assess
    const statuses = await Promise.all(
      trips.map((trip) => describeStatus(platform, trip.executionArn)),
    );
    expect(statuses).toEqual([
      'ExecutionDoesNotExist',
      'ExecutionDoesNotExist',
      'SUCCEEDED',
      'SUCCEEDED',
      'SUCCEEDED',
    ]);
    const listed = (await listExecutions(platform)).map((execution) => execution.executionArn);
    expect(listed.sort()).toEqual(
      trips
        .slice(2)
        .map((trip) => trip.executionArn)
        .sort(),
    );
    for (const trip of trips) {
      const items = await tripItems(
        platform.clients.dynamodb,
        platform.stack.tableName,
        trip.tripId,
      );
      const bookings = items.filter((item) => item.transaction_status !== undefined);
      expect(bookings.map((item) => item.transaction_status)).toEqual([
        'confirmed',
        'confirmed',
        'confirmed',
      ]);
    }
  });

  it('with a data folder, are kept there whole: description and history, one JSON line each', async () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-retention-'));
    // On dynalite: the archive is the Step Functions emulator's, whatever keeps the table (a
    // data folder would otherwise start a DynamoDB Local JVM of its own).
    const platform = await start({
      stepFunctions: { retainedExecutions: 1 },
      dataDir,
      dynamodb: { engine: 'dynalite' },
    });

    // Act
    const trips = await bookTrips(platform, 3);
    await platform.stack.close();
    stack = undefined;

    // Assess
    const archived = readFileSync(join(dataDir, ARCHIVE_FILE), 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            description: { executionArn: string; status: string; input: string };
            events: { type: string }[];
          },
      );
    expect(archived.map((execution) => execution.description.executionArn)).toEqual(
      trips.slice(0, 2).map((trip) => trip.executionArn),
    );
    for (const [index, execution] of archived.entries()) {
      expect(execution.description.status).toBe('SUCCEEDED');
      expect(execution.events.map((event) => event.type)).toEqual(
        trips[index]?.events.map((event) => event.type),
      );
    }
  });
});

describe('npm start --keep-executions', () => {
  it('is listed in --help with its default, and takes only a whole number', () => {
    // Act
    const help = execFileSync(process.execPath, ['local/cli/start.ts', '--help'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    const wrong = spawnSync(process.execPath, ['local/cli/start.ts', '--keep-executions', 'many'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });

    // Assess
    expect(help).toMatch(
      new RegExp(`--keep-executions <count>[\\s\\S]*\\(default ${DEFAULT_RETAINED_EXECUTIONS}\\)`),
    );
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--keep-executions must be a whole number, not "many"');
  });
});
