/**
 * Where the data lives: in memory by default, or in a folder with --data-dir, where the table
 * outlives a restart, or in an external DynamoDB (DYNAMODB_ENDPOINT). Executions are kept in
 * memory either way.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import {
  clientsFor,
  startOwnDynamoDB,
  startTestStack,
  tripItems,
  waitForExecution,
} from '../support/stack.ts';

let dataDir: string;

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const bookThrough = async (api: string, tripId: string) => {
  const response = await fetch(`${api}/?tripID=${tripId}`);
  return (await response.json()) as { execution_arn: string };
};

describe('the data folder', () => {
  it('keeps the trip and its bookings across a restart, its status true after the execution is gone', async () => {
    // Prepare
    dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-data-'));
    const tripId = `kept-${Date.now()}`;
    const first = await startTestStack({ dataDir });
    const { execution_arn } = await bookThrough(first.endpoints.api, tripId);
    await waitForExecution(clientsFor(first).sfn, execution_arn);
    await first.close();
    const files = readdirSync(dataDir);

    // Act
    const second = await startTestStack({ dataDir });
    const response = await fetch(`${second.endpoints.api}/trips/${tripId}`);
    const trip = (await response.json()) as {
      saga_status: string;
      execution: unknown;
      bookings: { transaction_status: string }[];
    };
    const executions = await second.stepFunctions?.listExecutions({
      stateMachineArn: second.stateMachineArn,
    });
    await second.close();

    // Assess: DynamoDB Local's SQLite file, one database for every client of the platform, the
    // closed executions that left memory, and the platform's note of which file holds the table.
    expect(files).toEqual(['Local_us-east-1.db', 'closed-executions.jsonl', 'local-platform.json']);
    expect(response.status).toBe(200);
    expect(executions?.executions).toEqual([]);
    expect(trip.saga_status).toBe('booked');
    expect(trip.execution).toMatchObject({ execution_arn, status: 'SUCCEEDED' });
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

describe('DYNAMODB_ENDPOINT', () => {
  it('puts the table and the bookings in an external DynamoDB instead of starting one', async () => {
    // Prepare: a DynamoDB of its own, as DynamoDB Local would be.
    dataDir = mkdtempSync(join(tmpdir(), 'booking-saga-external-'));
    const external = await startOwnDynamoDB();
    const tripId = `external-${Date.now()}`;

    // Act
    const stack = await startTestStack({ dynamodb: { endpoint: external.endpoint } });
    const { execution_arn } = await bookThrough(stack.endpoints.api, tripId);
    await waitForExecution(clientsFor(stack).sfn, execution_arn);
    await stack.close();

    // Assess: the bookings are in the external DynamoDB, which outlives the platform.
    const client = new DynamoDBClient({
      endpoint: external.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const items = await tripItems(client, 'BookingsTable', tripId);
    client.destroy();
    await external.close();
    expect(stack.endpoints.dynamodb).toBe(external.endpoint);
    expect(
      items
        // The customer's notification, written once the end is reconciled, is not the point here.
        .filter((item) => item.type !== 'Notification')
        .map((item) => [item.type, item.transaction_status]),
    ).toEqual([
      ['Flight', 'confirmed'],
      ['Hotel', 'confirmed'],
      ['Payment', 'confirmed'],
      ['Trip', undefined],
    ]);
  });
});
