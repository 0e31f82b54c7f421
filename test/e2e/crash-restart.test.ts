/**
 * `npm start --data-dir` killed with SIGKILL while bookings run, twice, at seeded random moments,
 * and restarted on its folder: every trip that was in flight ends undone or recorded with no
 * manual step, every trip that got a 202 has its record, and a trip id used before the crash is
 * still that trip's (an identical repeat is the same saga, another document is 409, and neither
 * starts an execution). Checked from the table, through the DynamoDB port.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { isLive } from '../../functions/commons/trip/rules.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { startNpmStart, stopNpmStarts } from '../support/npm-start.ts';
import { mapConcurrently, seededRandom } from '../support/reliability.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-crash-'));

afterAll(() => {
  stopNpmStarts();
  rmSync(dataDir, { recursive: true, force: true });
});

/** npm start on its folder (support/npm-start.ts: ports from the system, read from the banner). */
const start = async (build: boolean) => {
  const npmStart = await startNpmStart(
    [
      ...['--data-dir', dataDir, '--retry-delay-ms', '200'],
      ...(build ? [] : ['--skip-build']),
      ...['--parameter-overrides', 'LogLevel=SILENT'],
    ],
    {
      onOutput: (chunk, stream) => {
        if (stream === 'stderr') process.stderr.write(`[npm start] ${chunk}`);
      },
    },
  );
  return {
    child: npmStart.child,
    api: npmStart.url('HTTP API'),
    sfn: npmStart.url('Step Functions'),
    dynamodb: npmStart.url('DynamoDB'),
  };
};

const crashed = new Set<ChildProcess>();

/** kill -9 of the whole process group: npm and the platform's node, nothing said to either. */
const crash = async (child: ChildProcess) => {
  if (crashed.has(child)) return;
  crashed.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-(child.pid ?? 0), 'SIGKILL');
  await exited;
};

describe('a crash of npm start with --data-dir', () => {
  it('ends every trip that was in flight undone or recorded after a restart, and keeps each trip id one saga', async () => {
    const random = seededRandom(20261130);
    const accepted = new Map<string, Record<string, string>>();

    const book = async (index: number, crashAfter: number, child: ChildProcess) => {
      const trip = {
        ...REFERENCE_TRIP,
        trip_id: `crash-${index}-${randomUUID()}`,
        run_type: RUN_TYPES[index % RUN_TYPES.length] ?? 'success',
      };
      try {
        const response = await fetch(`${api}/trips`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(trip),
        });
        if (response.status === 202) accepted.set(trip.trip_id, trip);
      } catch {
        // The platform died under this request: whatever it did must still be settled.
      }
      if (accepted.size >= crashAfter) await crash(child);
    };

    const post = (body: Record<string, string>) =>
      fetch(`${api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // Prepare: three trips booked to their end before anything crashes.
    let platform = await start(true);
    let { child, api } = platform;
    const bookedBefore = Array.from({ length: 3 }, () => ({
      ...REFERENCE_TRIP,
      trip_id: `before-${randomUUID()}`,
      run_type: 'success',
    }));
    for (const trip of bookedBefore) expect((await post(trip)).status).toBe(202);
    for (const trip of bookedBefore) {
      let status = '';
      while (status !== 'booked') {
        status = (
          (await (await fetch(`${api}/trips/${trip.trip_id}`)).json()) as {
            saga_status: string;
          }
        ).saga_status;
        if (status !== 'booked') await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    // Act: two crashes, each at a random moment under load, each followed by a restart.
    for (const round of [0, 1]) {
      const crashAfter = accepted.size + 10 + random.integer(20);
      const running = child;
      await mapConcurrently(
        Array.from({ length: 40 }, (_, index) => round * 40 + index),
        8,
        (index) => book(index, crashAfter, running),
      );
      await crash(running);
      platform = await start(false);
      ({ child, api } = platform);
    }

    // Assess, from the table: the restart settled every trip before its API answered.
    const config = { region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    const dynamodb = new DynamoDBClient({
      ...config,
      endpoint: platform.dynamodb,
    });
    const sfn = new SFNClient({ ...config, endpoint: platform.sfn });
    // The whole table read raw, on purpose not through the functions' reader: after crashes,
    // what is stored is checked as it is (only the rules of what is live come from the code).
    const items: Record<string, string | undefined>[] = [];
    let startKey: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: 'BookingsTable', ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? [])
        items.push(
          Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S])),
        );
      startKey = page.LastEvaluatedKey as typeof startKey;
    } while (startKey);
    const byTrip = Map.groupBy(items, (item) => item.pk ?? '');

    expect(accepted.size).toBeGreaterThan(20);
    const violations: string[] = [];
    let settledInFlight = 0;
    for (const tripId of accepted.keys()) {
      const tripItems = byTrip.get(tripId) ?? [];
      const record = tripItems.find((item) => item.sk === 'TRIP');
      if (!record) {
        violations.push(`${tripId} got 202 and has no record`);
        continue;
      }
      if (!record.execution_status) violations.push(`${tripId} is still open`);
      if (record.execution_status === 'NOT_STARTED') settledInFlight += 1;
      const check = checkInvariant(
        record.execution_status ?? 'RUNNING',
        record.execution_error || undefined,
        tripItems,
      );
      for (const violation of check.violations) violations.push(`${tripId}: ${violation}`);
      // Nothing live that no leftover names: the restart undid what the crash left.
      if (record.outcome !== 'booked' && record.execution_status === 'NOT_STARTED') {
        for (const item of tripItems.filter(isLive))
          violations.push(`${tripId}: ${item.sk} live after the restart`);
      }
    }
    expect(violations).toEqual([]);
    // The crashes did catch sagas in flight, and the restarts settled them.
    expect(settledInFlight).toBeGreaterThan(0);

    // A trip id used before the crashes is still that trip's: an identical repeat is the same
    // saga, another document under it is 409, and neither starts anything.
    for (const trip of bookedBefore) {
      const record = byTrip.get(trip.trip_id)?.find((item) => item.sk === 'TRIP');
      expect(record).toMatchObject({ execution_status: 'SUCCEEDED', outcome: 'booked' });
      const same = await post(trip);
      const other = await post({ ...trip, run_type: 'failPayment' });
      expect(same.status).toBe(202);
      expect(((await same.json()) as { execution_arn: string }).execution_arn).toBe(
        record?.execution_arn,
      );
      expect(other.status).toBe(409);
      const statuses = (byTrip.get(trip.trip_id) ?? [])
        .filter((item) => item.sk !== 'TRIP' && item.type !== 'Notification')
        .map((item) => item.transaction_status);
      expect(statuses).toEqual(['confirmed', 'confirmed', 'confirmed']);
      // Neither request wrote anything to the trip (the rest of the table is still being told:
      // the restart's sweep set off the customers' notices).
      const { Items: now = [] } = await dynamodb.send(
        new QueryCommand({
          TableName: 'BookingsTable',
          KeyConditionExpression: 'pk = :trip',
          ExpressionAttributeValues: { ':trip': { S: trip.trip_id } },
          ConsistentRead: true,
        }),
      );
      expect(now).toHaveLength(byTrip.get(trip.trip_id)?.length ?? -1);
    }
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga',
      }),
    );
    expect(executions).toEqual([]);
    dynamodb.destroy();
    sfn.destroy();
    await crash(child);
  });
});
