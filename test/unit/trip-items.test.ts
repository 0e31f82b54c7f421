/**
 * Reading a trip (functions/commons/trip/items.ts), against the emulated DynamoDB: every page of
 * a trip's items, each parsed by the schema of its kind, a malformed item refused with an error
 * that names it (and the reconciler then changing nothing), items of no kind the saga writes
 * left out, and the live rule the tools and the tests share with the functions.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/commons/clients/dynamodb.ts';
import { queryTripItems } from '../../functions/commons/trip/items.ts';
import { readTrip } from '../../functions/commons/trip/read.ts';
import { isLive } from '../../functions/commons/trip/rules.ts';
import { handler as reconcile } from '../../functions/reconcile-trip.ts';
import { handler as reserveHotel } from '../../functions/reserve-hotel.ts';
import { fakeMessaging } from '../support/fake-messaging.ts';
import { fakeStepFunctions } from '../support/fake-sfn.ts';
import { type Handler, invoke, invokeFailing, readEvent } from '../support/lambda.ts';
import { itemsOf, newTripId } from '../support/table.ts';

const TABLE_NAME = process.env.TABLE_NAME ?? '';

const reservedTrip = async () => {
  const trip = { ...readEvent<Record<string, string>>('reserve-hotel.json'), trip_id: newTripId() };
  const { booking_id } = (await invoke(reserveHotel as Handler, trip)) as { booking_id: string };
  return { tripId: trip.trip_id ?? '', sk: `HOTEL#${booking_id}` };
};

/** Sets the booking's status attribute to a value no transition writes. */
const setStatus = (tripId: string, sk: string, status: unknown) =>
  documentClient.send(
    new UpdateCommand({
      TableName: TABLE_NAME,
      Key: { pk: tripId, sk },
      UpdateExpression: 'SET transaction_status = :status',
      ExpressionAttributeValues: { ':status': status },
    }),
  );

const put = (item: Record<string, unknown>) =>
  documentClient.send(new PutCommand({ TableName: TABLE_NAME, Item: item }));

beforeEach(() => {
  fakeStepFunctions();
  fakeMessaging();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reading a trip', () => {
  it('reads every page of a trip that does not fit in one', async () => {
    // Prepare: pages of one item each (a Query answers at most 1 MB per page).
    const { tripId } = await reservedTrip();
    for (const sk of ['NOTE#1', 'NOTE#2', 'NOTE#3']) await put({ pk: tripId, sk });
    const send = documentClient.send.bind(documentClient);
    const pages = vi.spyOn(documentClient, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof QueryCommand) command.input.Limit = 1;
      return send(command as never);
    }) as never);

    // Act
    const items = await queryTripItems(documentClient, TABLE_NAME, tripId);

    // Assess
    expect(items.map((item) => item.sk)).toEqual(Object.keys(await itemsOf(tripId)));
    expect(items).toHaveLength(4);
    expect(pages.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a booking that does not parse with an error naming the item and the attribute', async () => {
    // Prepare: a hotel booking whose status no transition writes.
    const { tripId, sk } = await reservedTrip();
    await setStatus(tripId, sk, 'on hold');

    // Act
    const reading = readTrip(tripId);

    // Assess
    await expect(reading).rejects.toMatchObject({
      name: 'MalformedItem',
      message: expect.stringMatching(
        new RegExp(`^Item ${sk} of trip ${tripId} is malformed: transaction_status `),
      ),
    });
  });

  it('stops the reconciler at a malformed item, with that error, before it changes anything', async () => {
    // Prepare: a booking whose status attribute is a number, not a string.
    const { tripId, sk } = await reservedTrip();
    await setStatus(tripId, sk, 1);
    const before = await itemsOf(tripId);
    const fixture = readEvent<{ detail: Record<string, unknown> }>('reconcile-trip.json');

    // Act
    const error = await invokeFailing(reconcile as Handler, {
      ...fixture,
      detail: { ...fixture.detail, name: tripId, status: 'ABORTED', input: null },
    });

    // Assess
    expect(error.name).toBe('MalformedItem');
    expect(error.message).toContain(`Item ${sk} of trip ${tripId}`);
    expect(await itemsOf(tripId)).toEqual(before);
  });

  it('leaves out items of no kind the saga writes', async () => {
    // Prepare: an item planted under the trip's key, with no type.
    const { tripId, sk } = await reservedTrip();
    await put({ pk: tripId, sk: 'HOTEL#planted' });

    // Act
    const items = await readTrip(tripId);

    // Assess
    expect(items.bookings.map((booking) => booking.sk)).toEqual([sk]);
    expect(items.leftovers).toEqual([]);
    expect(items.record).toBeUndefined();
  });
});

describe('the live rule', () => {
  it.each([
    ['Hotel', 'pending', true],
    ['Hotel', 'confirmed', true],
    ['Hotel', 'cancelled', false],
    ['Flight', 'pending', true],
    ['Flight', 'cancelled', false],
    ['Payment', 'confirmed', true],
    ['Payment', 'refunded', false],
    ['Leftover', 'confirmed', false],
  ])('a %s item that is %s is live: %s', (type, transaction_status, live) => {
    expect(isLive({ type, transaction_status })).toBe(live);
  });
});
