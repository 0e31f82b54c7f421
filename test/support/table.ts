/**
 * Reading the bookings table straight from the emulated DynamoDB, independently of the code under
 * test, to assert on what a test's trip left there. Deliberately not through the functions' own
 * reader (functions/commons/trip/items.ts): the unit tests check that reader's writes and reads,
 * and a fault in it must not hide itself here.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export type Item = Record<string, string>;

/** Every item of the trip, keyed by sort key. */
export const itemsOf = async (tripId: string): Promise<Record<string, Item>> => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :trip',
      ExpressionAttributeValues: { ':trip': { S: tripId } },
      ConsistentRead: true,
    }),
  );
  return Object.fromEntries(
    Items.map((item) => {
      const flat = Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? '']));
      return [flat.sk ?? '', flat];
    }),
  );
};

/** The status of each of the trip's items, keyed by sort-key prefix (HOTEL, FLIGHT, ...). */
export const statusesOf = async (tripId: string): Promise<Record<string, string | undefined>> => {
  const items = Object.values(await itemsOf(tripId));
  return Object.fromEntries(
    items.map((item) => [
      (item.sk ?? '').split('#')[0] ?? '',
      item.transaction_status ?? item.repair_status,
    ]),
  );
};

/** A trip id no other test uses. */
export const newTripId = (label = 'trip') => `${label}-${randomUUID()}`;
