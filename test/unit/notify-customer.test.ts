/**
 * The outcome's announcement and the customer's message, handler by handler against the emulated
 * DynamoDB, with EventBridge and SNS recorded: the domain event's documented detail (and no
 * contact in it), the notice claimed before it is published, a sender that died holding a claim,
 * a publish that fails.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/commons/clients/dynamodb.ts';
import { sns } from '../../functions/commons/clients/sns.ts';
import { announceOutcomes } from '../../functions/commons/notices/announce.ts';
import { handler as confirmFlight } from '../../functions/confirm-flight.ts';
import { handler as confirmHotel } from '../../functions/confirm-hotel.ts';
import { handler as notify } from '../../functions/notify-customer.ts';
import { handler as reconcile } from '../../functions/reconcile-trip.ts';
import { handler as reserveFlight } from '../../functions/reserve-flight.ts';
import { handler as reserveHotel } from '../../functions/reserve-hotel.ts';
import { handler as startBooking } from '../../functions/start-booking.ts';
import { handler as takePayment } from '../../functions/take-payment.ts';
import { fakeMessaging } from '../support/fake-messaging.ts';
import { fakeStepFunctions } from '../support/fake-sfn.ts';
import { type Handler, invoke, invokeFailing, readEvent } from '../support/lambda.ts';
import { itemsOf, newTripId } from '../support/table.ts';

const CONTACT = 'sam.customer@example.org';
const postEvent = readEvent<APIGatewayProxyEventV2>('start-booking.json');

const run = (handler: unknown, event: unknown) => invoke(handler as Handler, event);

let messaging: ReturnType<typeof fakeMessaging>;
let stepFunctions: ReturnType<typeof fakeStepFunctions>;

beforeEach(() => {
  stepFunctions = fakeStepFunctions();
  messaging = fakeMessaging();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A trip booked through the API and every forward step, its success reconciled and announced. */
const bookedTrip = async () => {
  const tripId = newTripId('notify');
  const trip = {
    ...(JSON.parse(postEvent.body ?? '{}') as Record<string, string>),
    trip_id: tripId,
    run_type: 'success',
    contact: CONTACT,
  };
  const started = (await run(startBooking, { ...postEvent, body: JSON.stringify(trip) })) as {
    statusCode: number;
  };
  expect(started.statusCode).toBe(202);
  for (const step of [reserveHotel, reserveFlight, takePayment, confirmHotel, confirmFlight])
    await run(step, trip);
  const executionArn =
    [...stepFunctions.executions.keys()].find((arn) => arn.endsWith(`:${tripId}`)) ?? '';
  stepFunctions.end(executionArn, 'SUCCEEDED');
  const fixture = readEvent<{ detail: Record<string, unknown> }>('reconcile-trip.json');
  await run(reconcile, {
    ...fixture,
    detail: { ...fixture.detail, executionArn, name: tripId, status: 'SUCCEEDED', input: null },
  });
  return tripId;
};

/** The domain event as the bus delivers it to NotifyCustomerFunction. */
const delivered = (tripId: string) => ({
  ...readEvent('notify-customer.json'),
  detail: { trip_id: tripId },
});

const claimedAt = async (tripId: string, at: Date) =>
  documentClient.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: tripId, sk: 'NOTIFICATION#booked' },
      UpdateExpression: 'SET delivery_status = :sending, claimed_at = :at',
      ExpressionAttributeValues: { ':sending': 'sending', ':at': at.toISOString() },
    }),
  );

describe('the outcome event', () => {
  it('goes on the trip events bus with the documented detail, and without the contact', async () => {
    // Act
    const tripId = await bookedTrip();

    // Assess
    expect(messaging.events).toHaveLength(1);
    const [entry] = messaging.events;
    expect(entry).toMatchObject({
      EventBusName: 'TripEventsBus',
      Source: 'booking-saga',
      DetailType: 'BookingConfirmed',
    });
    expect(entry?.Detail).not.toContain(CONTACT);
    const detail = JSON.parse(entry?.Detail ?? '{}') as Record<string, unknown>;
    expect(Object.keys(detail).sort()).toEqual([
      'bookings',
      'ended_at',
      'execution_status',
      'notice',
      'outcome',
      'trip_id',
    ]);
    expect(detail).toMatchObject({
      trip_id: tripId,
      notice: 'booked',
      outcome: 'booked',
      execution_status: 'SUCCEEDED',
    });
    expect(detail.bookings).toEqual(
      ['Hotel', 'Flight', 'Payment'].map((type) =>
        expect.objectContaining({ type, transaction_status: 'confirmed' }),
      ),
    );
  });
});

describe('announcing several trips (the sweep)', () => {
  it('tries every trip, then fails naming the ones the bus refused', async () => {
    // Prepare
    const [refused, announced] = [await bookedTrip(), await bookedTrip()];
    messaging.events.length = 0;
    messaging.failures.putEvents = 1;

    // Act
    const error = await announceOutcomes([refused, announced]).catch((caught: Error) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'OutcomeNotAnnounced' });
    expect((error as Error).message).toContain(refused);
    expect((error as Error).message).not.toContain(announced);
    expect(messaging.events.map((entry) => JSON.parse(entry.Detail ?? '{}').trip_id)).toEqual([
      announced,
    ]);
  });
});

describe("the customer's message", () => {
  it('is sent once, to the contact, with a masked copy of the contact in the table', async () => {
    // Prepare
    const tripId = await bookedTrip();

    // Act
    const first = await run(notify, delivered(tripId));
    const again = await run(notify, delivered(tripId));

    // Assess
    expect(first).toMatchObject({ trip_id: tripId, notice: 'booked', sent: true });
    // Sent, the record owes nothing more: a second event finds nothing to do.
    expect(again).toEqual({ trip_id: tripId, notice: 'none', sent: false, resent: [] });
    expect((await itemsOf(tripId)).TRIP).not.toHaveProperty('notice_owed');
    expect(messaging.published).toHaveLength(1);
    expect(messaging.published[0]?.MessageAttributes?.contact?.StringValue).toBe(CONTACT);
    expect(messaging.published[0]?.Message).not.toContain(CONTACT);
    const items = await itemsOf(tripId);
    expect(items['NOTIFICATION#booked']).toMatchObject({
      delivery_status: 'sent',
      sent_to: 's***@example.org',
      subject: `Your trip ${tripId} is booked`,
    });
    expect(JSON.stringify(items['NOTIFICATION#booked'])).not.toContain(CONTACT);
  });

  it('is not sent while another sender holds a fresh claim, and is sent once when that sender died', async () => {
    // Prepare: another sender claimed it a moment ago.
    const tripId = await bookedTrip();
    await run(notify, delivered(tripId));
    messaging.published.length = 0;
    await claimedAt(tripId, new Date());

    // Act
    const inFlight = await invokeFailing(notify as Handler, delivered(tripId));
    const publishedWhileClaimed = messaging.published.length;
    await claimedAt(tripId, new Date(Date.now() - 120_000));
    const takenOver = await run(notify, delivered(tripId));
    await run(notify, delivered(tripId));

    // Assess
    expect(inFlight.name).toBe('NotificationInFlight');
    expect(publishedWhileClaimed).toBe(0);
    expect(takenOver).toMatchObject({ resent: ['booked'] });
    expect(messaging.published).toHaveLength(1);
    expect((await itemsOf(tripId))['NOTIFICATION#booked']?.delivery_status).toBe('sent');
  });

  it('sends again, after its sender died between publishing and marking it sent, the very text it claimed, and counts it', async () => {
    // Prepare: the first sender publishes, then dies before its mark (its call never returns).
    const tripId = await bookedTrip();
    const publish = vi.mocked(sns.send).getMockImplementation();
    vi.mocked(sns.send).mockImplementationOnce(((command: never) => {
      void publish?.(command, undefined as never, undefined as never);
      return new Promise(() => undefined);
    }) as never);
    void run(notify, delivered(tripId));
    await vi.waitFor(() => expect(messaging.published).toHaveLength(1));
    // Meanwhile the table changes: a text made now would differ from the one claimed.
    await documentClient.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: tripId, sk: 'TRIP' },
        UpdateExpression: 'SET execution_status = :aborted',
        ExpressionAttributeValues: { ':aborted': 'ABORTED' },
      }),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);

    // Act: the lease is over; the next delivery finishes the claim.
    const resent = await run(notify, delivered(tripId));
    const after = await run(notify, delivered(tripId));

    // Assess
    expect(resent).toMatchObject({ notice: 'booked', sent: false, resent: ['booked'] });
    expect(after).toMatchObject({ notice: 'none', resent: [] });
    expect(messaging.published).toHaveLength(2);
    expect(messaging.published[1]?.Subject).toBe(messaging.published[0]?.Subject);
    expect(messaging.published[1]?.Message).toBe(messaging.published[0]?.Message);
    expect(messaging.published[1]?.MessageAttributes?.contact?.StringValue).toBe(CONTACT);
    const items = await itemsOf(tripId);
    expect(items['NOTIFICATION#booked']).toMatchObject({ delivery_status: 'sent' });
    expect(items.TRIP).not.toHaveProperty('notice_owed');
  });

  it('gives its claim up when publishing fails, so the next delivery sends it, once', async () => {
    // Prepare
    const tripId = await bookedTrip();
    messaging.failures.publish = 1;

    // Act
    const failed = await invokeFailing(notify as Handler, delivered(tripId));
    const claim = (await itemsOf(tripId))['NOTIFICATION#booked'];
    await run(notify, delivered(tripId));
    await run(notify, delivered(tripId));

    // Assess
    expect(failed.name).toBe('ThrottledException');
    expect(claim).toMatchObject({
      delivery_status: 'sending',
      claimed_at: new Date(0).toISOString(),
    });
    expect(messaging.published).toHaveLength(1);
    expect((await itemsOf(tripId))['NOTIFICATION#booked']?.delivery_status).toBe('sent');
  });

  it('refuses an event that names no valid trip, and sends nothing', async () => {
    // Act
    const error = await invokeFailing(notify as Handler, {
      ...readEvent<Record<string, unknown>>('notify-customer.json'),
      detail: { trip_id: 'not a trip id!' },
    });

    // Assess
    expect(error.name).toBe('ParseError');
    expect(messaging.published).toEqual([]);
  });
});
