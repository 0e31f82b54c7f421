/**
 * DynamoDB Local's JVM killed under a running platform (issue 20: the platform answered 500 on
 * every port for good). With a data folder it is started again on that data, and a request
 * that arrives meanwhile waits and is answered; in memory its table is gone, and the platform
 * says so once (onFatal: npm start prints it and exits 1) while its DynamoDB port answers 503.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.ts';
import { bookThroughApi } from '../support/raw-http.ts';
import { clientsFor, startTestStack } from '../support/stack.ts';

const stacks: LocalStack[] = [];
const folders: string[] = [];

afterAll(async () => {
  for (const stack of stacks) await stack.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Kills the platform's JVM as `kill -9` would, and waits until the process is gone. */
const killJvm = async (pid: number) => {
  process.kill(pid, 'SIGKILL');
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('DynamoDB Local ends under a platform', () => {
  it('with a data folder: started again on the same data, the request made meanwhile answered, and new bookings go on', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-jvm-ends-'));
    folders.push(dataDir);
    const said: string[] = [];
    const stack = await startTestStack({ dataDir, log: (line) => said.push(line) });
    stacks.push(stack);
    const platform = { stack, clients: clientsFor(stack), tripsRun: 0 };
    const before = await bookThroughApi(platform, 'before-the-end');
    const firstPid = stack.dynamodb.jvm?.pid ?? 0;

    // Act: the kill, then at once a read of the trip booked before it
    await killJvm(firstPid);
    const status = await fetch(`${stack.endpoints.api}/trips/${before.tripId}`);
    const after = await bookThroughApi(platform, 'after-the-end');

    // Assess
    expect(status.status).toBe(200);
    expect(((await status.json()) as { saga_status: string }).saga_status).toBe('booked');
    expect(stack.dynamodb.jvm?.pid).not.toBe(firstPid);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^DynamoDB Local \\(pid ${firstPid}\\) ended \\(killed by SIGKILL\\); starting it again on the data in ${dataDir}`,
          ),
        ),
        `DynamoDB Local started again (pid ${stack.dynamodb.jvm?.pid}) on the data in ${dataDir}`,
      ]),
    );
    expect(
      after.items
        .filter((item) => item.type !== 'Trip' && item.type !== 'Notification')
        .map((item) => item.transaction_status),
    ).toEqual(['confirmed', 'confirmed', 'confirmed']);
    platform.clients.sfn.destroy();
    platform.clients.dynamodb.destroy();
  }, 60_000);

  it('in memory: named once as fatal, with what to do, and its port answers 503, never a hang or a 500 forever', async () => {
    // Prepare
    const fatal: string[] = [];
    const stack = await startTestStack({
      dynamodb: { engine: 'local' },
      onFatal: (line) => fatal.push(line),
    });
    stacks.push(stack);
    const pid = stack.dynamodb.jvm?.pid ?? 0;

    // Act
    await killJvm(pid);
    await expect.poll(() => fatal.length, { interval: 10 }).toBe(1);
    const answer = await fetch(stack.endpoints.dynamodb, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });

    // Assess
    expect(fatal).toEqual([
      `DynamoDB Local (pid ${pid}) ended (killed by SIGKILL): the table was in its memory and is gone. Start again (npm start); --data-dir keeps the table across such an end`,
    ]);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).not.toBeNull();
    expect(await answer.json()).toEqual({
      __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
      message: fatal[0],
    });
  }, 60_000);
});
