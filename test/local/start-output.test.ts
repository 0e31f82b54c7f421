/**
 * What npm start prints while it runs (local/cli/start-output.ts), fed by a real platform: the
 * executions' history events as they are written, the functions' writes, the topics' messages.
 * One line per step and end, the booking app's words from its plugin, an expected failure with
 * its cause and no stack, an unexpected one with its stack, and the functions' JSON lines only
 * in the json format.
 */
import { randomUUID } from 'node:crypto';
import { stripVTControlCharacters, styleText } from 'node:util';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import { REFERENCE_TRIP } from '../../functions/commons/trip/document.ts';
import bookingPlugin from '../../local/app/plugin.ts';
import { MAX_LINE, shortId, startOutput } from '../../local/cli/start-output.ts';
import type { FunctionLogLine } from '../../local/emulators/lambda-runtime.ts';
import { runTrip, useTestStack, waitForExecution } from '../support/stack.ts';

const printed = { text: [] as string[], colored: [] as string[], json: [] as string[] };
const raw: FunctionLogLine[] = [];
const outputs = [
  startOutput({
    format: 'text',
    color: false,
    plugin: bookingPlugin,
    print: (line) => printed.text.push(line),
  }),
  startOutput({
    format: 'text',
    color: true,
    plugin: bookingPlugin,
    print: (line) => printed.colored.push(line),
  }),
  startOutput({
    format: 'json',
    color: false,
    plugin: bookingPlugin,
    print: (line) => printed.json.push(line),
    writeRaw: (write) => raw.push(write),
  }),
];

const platform = useTestStack({
  parameters: { CompensationFailureRate: '0' },
  // The functions log as they do by default: what the text format leaves out is there.
  environment: { POWERTOOLS_LOG_LEVEL: 'INFO' },
  onFunctionLog: (write) => {
    for (const output of outputs) output.functionLog(write);
  },
  stepFunctions: {
    onHistoryEvent: (execution, event) => {
      for (const output of outputs) output.historyEvent(execution, event);
    },
  },
  messaging: {
    onMessage: (message) => {
      for (const output of outputs) output.message(message);
    },
  },
});

/** The text lines about one trip, without their time of day (HH:MM:SS and a space). */
const linesOf = (tripId: string, lines = printed.text) =>
  lines
    .filter((line) => line.slice(9).startsWith(`${shortId(tripId)} `))
    .map((line) => line.slice(9));

/** Books through the HTTP API (so the customer is told), and waits for the execution's end. */
const book = async (runType: string) => {
  const tripId = `speaks-${randomUUID()}`;
  const response = await fetch(`${platform.stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      trip_id: tripId,
      ...REFERENCE_TRIP,
      run_type: runType,
      contact: 'jane@example.com',
    }),
  });
  expect(response.status).toBe(202);
  const { execution_arn } = (await response.json()) as { execution_arn: string };
  await waitForExecution(platform.clients.sfn, execution_arn);
  return tripId;
};

describe('what npm start prints', () => {
  it("tells a mocked test case's steps, one line each, then its end", async () => {
    const { tripId } = await runTrip(platform, { testCase: 'HappyPathTest' });

    const id = shortId(tripId);
    expect(id).toBe(tripId.slice(0, 'HappyPathTest-'.length + 8));
    expect(linesOf(tripId)).toEqual([
      `${id} ▶ BookingSaga #HappyPathTest (mocked responses)`,
      `${id}   ✓ ReserveHotel`,
      `${id}   ✓ ReserveFlight`,
      `${id}   ✓ TakePayment`,
      `${id}   ✓ ConfirmHotel`,
      `${id}   ✓ ConfirmFlight`,
      expect.stringMatching(new RegExp(`^${id} ■ SUCCEEDED in \\d+\\.\\d+ s$`)),
    ]);
  });

  it('says a caught failure with its error and cause, and how often a step was retried', async () => {
    const { tripId } = await runTrip(platform, { testCase: 'CompensationRetryRecoversTest' });

    const id = shortId(tripId);
    expect(linesOf(tripId).slice(1)).toEqual([
      `${id}   ✓ ReserveHotel`,
      `${id}   ✓ ReserveFlight`,
      `${id}   ✗ TakePayment  PaymentFailed: Failed to take the payment (run_type failPayment)`,
      `${id}   ✓ RefundPayment (2 retries)`,
      `${id}   ✓ CancelFlight`,
      `${id}   ✓ CancelHotel`,
      expect.stringMatching(
        new RegExp(
          `^${id} ■ FAILED in [\\d.]+ s: BookingFailed: The booking could not be completed; every step that ran has been undone\\.$`,
        ),
      ),
    ]);
  });

  it("a run type's failure: the plugin's words at the start, the cause, no stack, the customer's message masked, no JSON", async () => {
    const tripId = await book('failHotelReservation');
    const id = shortId(tripId);
    // The customer is told after the end: the reconciler, the bus, the notifier.
    await vi.waitFor(() => expect(linesOf(tripId).at(-1)).toContain('✉'), { timeout: 10_000 });

    expect(linesOf(tripId)).toEqual([
      `${id} ▶ BookingSaga: run type failHotelReservation: the hotel reservation fails on purpose`,
      `${id}   ✗ ReserveHotel  HotelReservationFailed: Failed to reserve the hotel (run_type failHotelReservation)`,
      `${id}   ✓ CancelHotel`,
      expect.stringMatching(new RegExp(`^${id} ■ FAILED in [\\d.]+ s: BookingFailed: `)),
      `${id} ✉ to j***@example.com: We could not book your trip: the hotel could not be reserved.`,
    ]);
    // The functions logged (a warning for the failure asked for, among others): not printed.
    expect(raw.some(({ text }) => text.includes(tripId) && text.includes('"level":"WARN"'))).toBe(
      true,
    );
    const all = printed.text.join('\n');
    expect(all).not.toMatch(/^\s*\{/m);
    expect(all).not.toMatch(/^\s+at /m);
    expect(all).not.toContain('jane@example.com');
  });

  it("prints an error a function did not expect with its stack, as the function's own line", async () => {
    const tripId = `unexpected-${randomUUID()}`;
    // No trip document: the first step's input fails its schema (a ParseError, logged as an error).
    const { executionArn = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: platform.stack.stateMachineArn,
        name: tripId,
        input: JSON.stringify({ trip_id: tripId }),
      }),
    );
    await waitForExecution(platform.clients.sfn, executionArn);

    const error = printed.text.findIndex((line) =>
      line.slice(9).startsWith('ReserveHotelFunction ✗ step failed: ParseError'),
    );
    expect(error).toBeGreaterThanOrEqual(0);
    expect(printed.text[error + 1]).toMatch(/^ {4}at /);
    // The step's line says it too, with its cause and without the stack.
    expect(linesOf(tripId)).toContain(
      `${shortId(tripId)}   ✗ ReserveHotel  ParseError: Failed to parse schema`,
    );
  });

  it('keeps every line short, colours only when asked, and prints JSON only in the json format', () => {
    expect(printed.text.length).toBeGreaterThan(20);
    for (const line of printed.text) expect(line.length).toBeLessThanOrEqual(MAX_LINE);
    expect(printed.text.join('\n')).not.toContain('\u001b[');
    // The same lines, coloured: a step done in green.
    const bare = (lines: string[]) => lines.map((line) => stripVTControlCharacters(line).slice(9));
    expect(bare(printed.colored)).toEqual(bare(printed.text));
    const [green] = styleText('green', '.', { validateStream: false }).split('.');
    expect(printed.colored.find((line) => line.includes('✓ ReserveHotel'))).toContain(green);
    // json: the functions' lines as they wrote them, and the messages; no step lines.
    expect(printed.json.some((line) => line.includes('▶') || line.includes('✓'))).toBe(false);
    expect(printed.json.some((line) => line.includes('✉'))).toBe(true);
    const written = raw.flatMap(({ text }) => text.split('\n').filter((line) => line !== ''));
    expect(written.length).toBeGreaterThan(5);
    for (const line of written) expect(JSON.parse(line)).toHaveProperty('level');
  });
});
