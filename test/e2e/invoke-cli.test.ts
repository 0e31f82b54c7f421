/**
 * `npm run invoke -- <FunctionLogicalId> <event.json>`, as `sam local invoke -e` is used: one
 * function, freshly built, with its template environment, against the local DynamoDB.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { createTables, type LocalDynamoDB } from '../../local/emulators/dynamodb.ts';
import { PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';
import { startOwnDynamoDB, tripItems } from '../support/stack.ts';

const run = promisify(execFile);

// Its own DynamoDB: the fixtures' trip id is shared with other tests' tables.
let dynamodb: Pick<LocalDynamoDB, 'endpoint' | 'close'>;

beforeAll(async () => {
  dynamodb = await startOwnDynamoDB();
  await createTables(dynamodb.endpoint, readTemplate());
});

afterAll(async () => {
  await dynamodb.close();
});

const invoke = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'invoke', '--', ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        DYNAMODB_ENDPOINT: dynamodb.endpoint,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('npm run invoke', () => {
  it('runs a function with a fixture and prints its result', async () => {
    // Act
    const { code, stdout } = await invoke('ReserveHotelFunction', 'events/reserve-hotel.json');

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      status: 'ok',
      booking_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const client = new DynamoDBClient({
      endpoint: dynamodb.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    expect(await tripItems(client, 'BookingsTable', 'example-trip-1')).toEqual([
      expect.objectContaining({ type: 'Hotel', transaction_status: 'pending' }),
    ]);
    client.destroy();
  });

  it('runs it again with the same fixture: the same booking, not an error', async () => {
    // Act
    const first = await invoke('ReserveHotelFunction', 'events/reserve-hotel.json');
    const again = await invoke('ReserveHotelFunction', 'events/reserve-hotel.json');

    // Assess
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(first.stdout));
  });

  it("prints a function's error as one line, its name and message, no stack, and exits 1", async () => {
    // Act
    const { code, stdout, stderr } = await invoke('ConfirmFlightFunction', 'events/get-trip.json');

    // Assess
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^ConfirmFlightFunction failed: ParseError: Failed to parse schema/,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('names the functions when asked for one the template does not have', async () => {
    const { code, stderr } = await invoke('NoSuchFunction', 'events/reserve-hotel.json');

    expect(code).toBe(2);
    expect(stderr).toContain('No function NoSuchFunction in template.yaml');
    expect(stderr).toContain('ReserveHotelFunction');
  });

  it('says where DynamoDB was expected when it is not there', async () => {
    const { code, stderr } = await run(
      'npm',
      ['run', '--silent', 'invoke', '--', 'ReserveHotelFunction', 'events/reserve-hotel.json'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );

    expect(code).toBe(2);
    expect(stderr).toContain('DynamoDB is not reachable at http://127.0.0.1:9');
  });
});
