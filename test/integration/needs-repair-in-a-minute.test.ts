/**
 * docs/repair.md's quick way to a trip that needs repair, run as written there: the mocked test case
 * and the trip document of its commands, started on a platform that keeps `npm start`'s own
 * retry schedule (the ASL's real backoff, no override). The trip ends needing repair at once,
 * with its leftover in the table and in GET /trips/{id}, and `npm run repair` mends it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { runTrip, tripItems, useTestStack } from '../support/stack.ts';

const platform = useTestStack({
  // npm start's default: every retry waits the ASL's backoff. Nothing here may retry.
  retryDelayMs: undefined,
  // The demo's random cancel failures would only add real waits of the real cancels; the path
  // to the leftover needs none.
  parameters: { CompensationFailureRate: '0' },
});

/** The docs section's commands: the test case it starts and its input for a trip id. */
const documentedCommands = () => {
  const page = readFileSync(join(PROJECT_ROOT, 'docs', 'repair.md'), 'utf8');
  const section = page.split('## A trip that needs repair, in a minute')[1] ?? '';
  const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const testCase = /stateMachine:BookingSaga#(\w+)"/.exec(commands)?.[1];
  // The shell splices "$TRIP" into the single-quoted JSON: '{"trip_id":"'"$TRIP"'",...}'.
  const input = /--input '(.*)'\s*$/m.exec(commands)?.[1];
  if (!testCase || !input) throw new Error('docs/repair.md lost its needs-repair commands');
  return { testCase, input: (tripId: string) => input.replace(`'"$TRIP"'`, tripId) };
};

const getTrip = async (tripId: string) => {
  const response = await fetch(`${platform.stack.endpoints.api}/trips/${tripId}`);
  return {
    status: response.status,
    body: (await response.json()) as {
      saga_status: string;
      bookings: Record<string, string>[];
      leftovers: Record<string, string>[];
    },
  };
};

const statuses = (bookings: Record<string, string>[]) =>
  Object.fromEntries(bookings.map((booking) => [booking.type, booking.transaction_status]));

describe("docs/repair.md's trip that needs repair, in a minute", () => {
  it('ends needing repair at once under the real retry schedule; npm run repair mends it', async () => {
    // Prepare
    const { testCase, input } = documentedCommands();

    // Act: the execution the page starts
    const run = await runTrip(platform, { testCase, input });
    await platform.stack.events.idle();
    const before = await getTrip(run.tripId);
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, run.tripId);

    // Assess: BookingNeedsRepair, with no retry, so no real wait (each task scheduled once: a
    // count, where a time would depend on how busy the machine is)
    expect(testCase).toBe('CompensationParseErrorTest');
    expect(run.description).toMatchObject({ status: 'FAILED', error: 'BookingNeedsRepair' });
    const attempts = run.events.filter((event) => event.type === 'TaskScheduled').length;
    const tasksEntered = run.events.filter((event) => event.type === 'TaskStateEntered').length;
    expect(attempts).toBe(tasksEntered);
    // the status API: needs_repair, the leftover open, the payment still taken
    expect(before.status).toBe(200);
    expect(before.body.saga_status).toBe('needs_repair');
    expect(statuses(before.body.bookings)).toEqual({
      Hotel: 'cancelled',
      Flight: 'cancelled',
      Payment: 'confirmed',
    });
    expect(before.body.leftovers).toEqual([
      expect.objectContaining({
        compensation: 'RefundPayment',
        error: 'ParseError',
        repair_status: 'open',
      }),
    ]);
    // the table: the leftover item names the payment
    const payment = items.find((item) => item.type === 'Payment');
    expect(items.filter((item) => item.type === 'Leftover')).toEqual([
      expect.objectContaining({
        sk: `LEFTOVER#${payment?.sk}`,
        booking_sk: payment?.sk,
        repair_status: 'open',
      }),
    ]);

    // Act: the repair the page runs next
    const repair = await promisify(execFile)(
      'npm',
      [
        ...['run', '--silent', 'repair', '--', run.tripId],
        ...['--lambda-endpoint', platform.stack.endpoints.lambda],
        ...['--dynamodb-endpoint', platform.stack.endpoints.dynamodb],
        ...['--table-name', platform.stack.tableName],
      ],
      { cwd: PROJECT_ROOT },
    );
    const after = await getTrip(run.tripId);

    // Assess: the payment refunded, the leftover resolved, the trip failed
    expect(repair.stdout).toBe(
      `Trip ${run.tripId}: failed. Undone: ${payment?.sk}. Never made, guarded by a tombstone: none. Leftovers resolved: RefundPayment (${payment?.id}).\n`,
    );
    expect(after.body.saga_status).toBe('failed');
    expect(statuses(after.body.bookings)).toEqual({
      Hotel: 'cancelled',
      Flight: 'cancelled',
      Payment: 'refunded',
    });
    expect(after.body.leftovers).toEqual([
      expect.objectContaining({ compensation: 'RefundPayment', repair_status: 'resolved' }),
    ]);
  });
});
