/**
 * Where the data lives: in memory by default, or in a folder with --data-dir, where the table
 * outlives a restart. Executions are kept in memory either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientsFor, startTestStack, waitForExecution } from '../support/stack.ts';

let dataDir: string;

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const bookThrough = async (api: string, tripId: string) => {
  const response = await fetch(`${api}/?tripID=${tripId}`);
  return (await response.json()) as { execution_arn: string };
};

describe('the data folder', () => {
  it("keeps the trip's bookings across a restart; the execution is gone with the process", async () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-data-'));
    const tripId = `kept-${Date.now()}`;
    const first = await startTestStack({ dataDir });
    const { execution_arn } = await bookThrough(first.endpoints.api, tripId);
    await waitForExecution(clientsFor(first).sfn, execution_arn);
    await first.close();

    // Act
    const second = await startTestStack({ dataDir });
    const response = await fetch(`${second.endpoints.api}/trips/${tripId}`);
    const trip = (await response.json()) as {
      execution: unknown;
      bookings: { transaction_status: string }[];
    };
    await second.close();

    // Assess
    expect(response.status).toBe(200);
    expect(trip.execution).toBeNull();
    expect(trip.bookings.map((booking) => booking.transaction_status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
    ]);
  });

  it('is not used by default: a restarted platform starts with an empty table', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-unused-'));
    const tripId = `forgotten-${Date.now()}`;
    const first = await startTestStack();
    const { execution_arn } = await bookThrough(first.endpoints.api, tripId);
    await waitForExecution(clientsFor(first).sfn, execution_arn);
    await first.close();

    const second = await startTestStack();
    const response = await fetch(`${second.endpoints.api}/trips/${tripId}`);
    await second.close();

    expect(response.status).toBe(404);
  });
});
