/**
 * Telling the customer: each concluded trip's domain event goes on TripEventsBus, and
 * NotifyCustomerFunction sends one message per notice to the customer notifications topic,
 * however often and in whatever order the events come. A customer told "needs repair" is told
 * again once the repair is done, in a message that says it follows the first. A status change
 * Step Functions does not confirm changes nothing and tells nothing. A running trip gets nothing.
 * The customer's contact reaches the topic, never a log.
 *
 * Checked from the topic's messages (what the customer would get), the table's notification
 * records and GET /trips/{id}.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, type RunType } from '../../functions/commons/trip/document.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import type { FaultPlan } from '../../local/checks/faults.ts';
import {
  externalStepFunctions,
  tripItems,
  useTestStack,
  waitForExecution,
} from '../support/stack.ts';

const CONTACT = 'jane.doe+trips@example.com';
/** Trips whose CancelFlight fails every attempt: their saga ends needing repair. */
const LEFTOVER = 'leftover-';

const faults: FaultPlan = ({ executionArn, state }) =>
  state === 'CancelFlight' && executionArn.includes(`:${LEFTOVER}`)
    ? { kind: 'fail', error: 'Lambda.ServiceException', cause: 'Unavailable (injected)' }
    : undefined;

// Everything the functions log, at the most talkative level, caught here instead of printed.
const logged: string[] = [];
const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
beforeAll(() => {
  const capture = (chunk: unknown) => {
    logged.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
});
afterAll(() => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});

describe.skipIf(externalStepFunctions)('telling the customer', () => {
  const platform = useTestStack({
    faults,
    environment: { POWERTOOLS_LOG_LEVEL: 'DEBUG' },
  });

  const api = (path: string, init?: RequestInit) =>
    fetch(`${platform.stack.endpoints.api}${path}`, init);

  /** Books a trip through the API and waits until its end has been reconciled and told. */
  const book = async (
    runType: RunType,
    prefix = 'notify-',
    contact: string | undefined = CONTACT,
  ) => {
    const trip = {
      ...REFERENCE_TRIP,
      trip_id: `${prefix}${randomUUID()}`,
      run_type: runType,
      ...(contact ? { contact } : {}),
    };
    const response = await api('/trips', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trip),
    });
    expect(response.status).toBe(202);
    const { execution_arn } = (await response.json()) as { execution_arn: string };
    await waitForExecution(platform.clients.sfn, execution_arn);
    await platform.stack.events.idle();
    return { tripId: trip.trip_id, executionArn: execution_arn };
  };

  /** What the customer of a trip got, in order: notice and text. */
  const messagesOf = (tripId: string) =>
    platform.stack.topics.messages
      .filter((message) => message.attributes.trip_id === tripId)
      .map((message) => ({
        notice: message.attributes.notice,
        subject: message.subject,
        message: message.message,
        contact: message.attributes.contact,
      }));

  const notificationItems = async (tripId: string) =>
    (await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId)).filter(
      (item) => item.type === 'Notification',
    );

  const statusOf = async (tripId: string) =>
    (await (await api(`/trips/${tripId}`)).json()) as {
      saga_status: string;
      bookings: Record<string, string>[];
      notifications: Record<string, string>[];
    };

  /** The domain event NotifyCustomerFunction receives, as the bus delivers it. */
  const domainEvent = (tripId: string, detailType: string) =>
    platform.stack.events.envelope({
      source: 'booking-saga',
      'detail-type': detailType,
      detail: { trip_id: tripId },
    });

  /** AWS's status change event of a trip's execution, as if Step Functions sent it (again). */
  const statusChange = (tripId: string, executionArn: string, status: string) => ({
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn: platform.stack.stateMachineArn,
      name: tripId,
      status,
      input: null,
      error: null,
    },
  });

  const repair = async (tripId: string) => {
    const lambda = new LambdaClient({
      region: process.env.AWS_REGION ?? 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      endpoint: platform.stack.endpoints.lambda,
    });
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: 'RepairTripFunction',
        Payload: JSON.stringify({ trip_id: tripId }),
      }),
    );
    lambda.destroy();
    expect(result.FunctionError).toBeUndefined();
    await platform.stack.events.idle();
  };

  /**
   * Holds every event bound for NotifyCustomerFunction (delayed in transit) until `release`
   * delivers them in the order the test picks.
   */
  const holdNotifier = () => {
    const fn = platform.stack.lambda.find('NotifyCustomerFunction');
    if (!fn) throw new Error('No NotifyCustomerFunction');
    const held: unknown[] = [];
    fn.invoke = async (event: unknown) => {
      held.push(event);
      return { ok: true, payload: null, payloadJson: 'null', requestId: randomUUID() };
    };
    return {
      held,
      release: () => {
        delete (fn as Partial<typeof fn>).invoke;
      },
    };
  };

  it('tells a booked trip once, what was booked, whatever number of times its events come', async () => {
    // Prepare
    const { tripId, executionArn } = await book('success');

    // Act: the saga's end delivered twice more, and its domain event three more times at once.
    platform.stack.events.put(statusChange(tripId, executionArn, 'SUCCEEDED'));
    platform.stack.events.put(statusChange(tripId, executionArn, 'SUCCEEDED'));
    await Promise.all(
      [1, 2, 3].map(() =>
        platform.stack.events.deliver(
          'NotifyCustomerFunction',
          domainEvent(tripId, 'BookingConfirmed'),
          3,
        ),
      ),
    );
    await platform.stack.events.idle();

    // Assess
    const messages = messagesOf(tripId);
    expect(messages).toEqual([
      expect.objectContaining({ notice: 'booked', subject: `Your trip ${tripId} is booked` }),
    ]);
    expect(messages[0]?.message).toContain(
      'Hotel holiday inn, 2021-07-10 to 2021-07-12: confirmed.',
    );
    expect(messages[0]?.message).toContain('Payment of 450.00 USD: confirmed.');
    expect(messages[0]?.contact).toBe(CONTACT);
    expect(await notificationItems(tripId)).toEqual([
      expect.objectContaining({
        sk: 'NOTIFICATION#booked',
        delivery_status: 'sent',
        sent_to: 'j***@example.com',
      }),
    ]);
    const status = await statusOf(tripId);
    expect(status.notifications).toEqual([
      expect.objectContaining({ notice: 'booked', subject: messages[0]?.subject }),
    ]);
  });

  it('tells a failed trip once that nothing is booked, and tells only what was made: no payment, nothing charged', async () => {
    // Prepare
    const { tripId } = await book('failPayment');

    // Act: its domain event again, and an event of a notice it never had.
    await platform.stack.events.deliver(
      'NotifyCustomerFunction',
      domainEvent(tripId, 'BookingFailed'),
      3,
    );
    await platform.stack.events.deliver(
      'NotifyCustomerFunction',
      domainEvent(tripId, 'BookingConfirmed'),
      3,
    );

    // Assess
    const messages = messagesOf(tripId);
    expect(messages.map((message) => message.notice)).toEqual(['failed']);
    expect(messages[0]?.message).toContain(
      'We could not book your trip: the payment could not be taken. Nothing is booked. Nothing was charged.',
    );
    expect(messages[0]?.message).toContain(
      'Hotel holiday inn, 2021-07-10 to 2021-07-12: cancelled.',
    );
    expect(messages[0]?.message).toContain('Flight London to Dublin');
    // The payment's tombstone (its refund found no payment) is no refund.
    expect(messages[0]?.message).not.toContain('Payment');
  });

  it('tells a trip that needs repair, then again once the repair has undone everything', async () => {
    // Prepare
    const { tripId } = await book('failPayment', LEFTOVER);
    const before = messagesOf(tripId);

    // Act: the operator repairs it twice; the first notice's event comes again, late.
    await repair(tripId);
    await repair(tripId);
    await platform.stack.events.deliver(
      'NotifyCustomerFunction',
      domainEvent(tripId, 'BookingNeedsRepair'),
      3,
    );

    // Assess
    expect(before.map((message) => message.notice)).toEqual(['needs_repair']);
    expect(before[0]?.message).toContain('still being undone');
    expect(before[0]?.message).toContain('Flight London to Dublin');
    const messages = messagesOf(tripId);
    expect(messages.map((message) => message.notice)).toEqual(['needs_repair', 'repaired']);
    expect(messages[1]?.message).toContain('now undone');
    expect(messages[1]?.message).toContain('Flight London to Dublin, departing');
    expect(messages[1]?.message).not.toContain(': confirmed.');
    // A separate, labelled follow-up of the first message.
    expect(messages[1]?.subject).toBe(`Follow-up: Your trip ${tripId}: everything is undone`);
    expect(messages[1]?.message).toContain(`"${messages[0]?.subject}"`);
    expect((await statusOf(tripId)).notifications.map((item) => item.notice).sort()).toEqual([
      'needs_repair',
      'repaired',
    ]);
  });

  it('tells only the last word when the repair event overtakes the needs-repair one', async () => {
    // Prepare: every event for the notifier held in transit, through the end and the repair.
    const notifier = holdNotifier();
    let tripId = '';
    try {
      ({ tripId } = await book('failPayment', LEFTOVER));
      await repair(tripId);
    } finally {
      notifier.release();
    }
    const held = notifier.held.filter(
      (event) => (event as { detail: { trip_id: string } }).detail.trip_id === tripId,
    );

    // Act: delivered newest first, each twice.
    for (const event of [...held].reverse()) {
      await platform.stack.events.deliver('NotifyCustomerFunction', event, 3);
      await platform.stack.events.deliver('NotifyCustomerFunction', event, 3);
    }

    // Assess
    expect(held.map((event) => (event as { 'detail-type': string })['detail-type'])).toEqual([
      'BookingNeedsRepair',
      'BookingRepaired',
    ]);
    expect(messagesOf(tripId).map((message) => message.notice)).toEqual(['repaired']);
  });

  it('tells nothing more, and undoes nothing, when an abort Step Functions never saw arrives for a booked trip', async () => {
    // Prepare
    const { tripId, executionArn } = await book('success');

    // Act: a forged (or stale) abort of that execution, twice.
    platform.stack.events.put(statusChange(tripId, executionArn, 'ABORTED'));
    platform.stack.events.put(statusChange(tripId, executionArn, 'ABORTED'));
    await platform.stack.events.idle();

    // Assess
    expect(messagesOf(tripId).map((message) => message.notice)).toEqual(['booked']);
    const status = await statusOf(tripId);
    expect(status.saga_status).toBe('booked');
    expect(status.bookings.map((booking) => booking.transaction_status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
    ]);
  });

  it('tells nothing about a trip still running, nor about a trip it does not know', async () => {
    // Prepare: a trip whose record is written and whose saga has not ended.
    const running = `notify-running-${randomUUID()}`;
    await platform.clients.dynamodb.send(
      new PutItemCommand({
        TableName: platform.stack.tableName,
        Item: {
          pk: { S: running },
          sk: { S: 'TRIP' },
          type: { S: 'Trip' },
          trip_id: { S: running },
          input: { S: JSON.stringify({ ...REFERENCE_TRIP, trip_id: running, contact: CONTACT }) },
          input_digest: { S: 'not-checked-here' },
          execution_arn: { S: `${platform.stack.stateMachineArn}:${running}` },
          started_at: { S: new Date().toISOString() },
          open_shard: { S: 'OPEN#0' },
        },
      }),
    );
    const unknown = `notify-unknown-${randomUUID()}`;

    // Act
    for (const detailType of ['BookingConfirmed', 'BookingFailed', 'BookingRepaired']) {
      await platform.stack.events.deliver(
        'NotifyCustomerFunction',
        domainEvent(running, detailType),
        0,
      );
      await platform.stack.events.deliver(
        'NotifyCustomerFunction',
        domainEvent(unknown, detailType),
        0,
      );
    }

    // Assess
    expect(messagesOf(running)).toEqual([]);
    expect(messagesOf(unknown)).toEqual([]);
    expect(await notificationItems(running)).toEqual([]);
    expect(await notificationItems(unknown)).toEqual([]);
  });

  it('refuses a contact that is not an email address with 400, and starts nothing', async () => {
    // Prepare
    const tripId = `notify-bad-${randomUUID()}`;

    // Act
    const response = await api('/trips', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...REFERENCE_TRIP, trip_id: tripId, contact: 'jane at example' }),
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ field: 'contact', rule: 'must be an email address, e.g. jane@example.com' }],
    });
    expect(await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId)).toEqual(
      [],
    );
  });

  it('never writes the contact to a log, though every function logs at DEBUG', async () => {
    // Prepare: a trip of each kind of end, each with a contact, and a refused request.
    const [, hotelFailed] = await Promise.all([
      book('success'),
      book('failHotelReservation'),
      book('failPayment', LEFTOVER),
    ]);

    // Assess: the logs were caught (the notifier's among them), and hold no contact.
    const text = logged.join('');
    expect(text).toContain('"function_name":"NotifyCustomerFunction"');
    expect(text).not.toContain(CONTACT);
    expect(text).not.toContain('jane.doe');
    // And each message says which step failed, as far as the undo tells it.
    expect(messagesOf(hotelFailed.tripId)[0]?.message).toContain(
      'We could not book your trip: the hotel could not be reserved.',
    );
    expect(
      platform.stack.topics.messages.some((message) => message.attributes.contact === CONTACT),
    ).toBe(true);
  });
});
