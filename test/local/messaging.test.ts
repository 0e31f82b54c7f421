/**
 * The offline SNS and EventBridge endpoint as the AWS SDK sees it: PutEvents onto the template's
 * buses reaches only the rules of that bus, Publish to the template's topics is kept (and shown
 * to the listener), anything else gets AWS's error; each call is recorded with its caller.
 */
import { randomUUID } from 'node:crypto';
import {
  EventBridgeClient,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { CallRecorder } from '../../local/checks/calls.ts';
import type { Delivery } from '../../local/emulators/events.ts';
import { MAX_DETAIL_NESTING, type TopicMessage } from '../../local/emulators/messaging.ts';
import { startTestStack } from '../support/stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
let events: EventBridgeClient;
let sns: SNSClient;
const deliveries: Delivery[] = [];
const heard: TopicMessage[] = [];
const recorder = new CallRecorder();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:CustomerNotificationsTopic';

beforeAll(async () => {
  stack = await startTestStack({
    recorder,
    messaging: {
      onDelivery: (delivery) => deliveries.push(delivery),
      onMessage: (message) => heard.push(message),
    },
  });
  const config = {
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.endpoints.messaging,
    // What the functions send: the platform tells callers apart by it.
    customUserAgent: 'app/MessagingTest',
  };
  events = new EventBridgeClient(config);
  sns = new SNSClient(config);
});

afterAll(async () => {
  events.destroy();
  sns.destroy();
  await stack.close();
});

const outcomeEvent = (tripId: string, bus: string) => ({
  EventBusName: bus,
  Source: 'booking-saga',
  DetailType: 'BookingFailed',
  Detail: JSON.stringify({ trip_id: tripId }),
});

describe('PutEvents', () => {
  it("delivers an event on the trip events bus to that bus's rules, by the bus's name or ARN", async () => {
    // Prepare
    const [byName, byArn] = [`messaging-${randomUUID()}`, `messaging-${randomUUID()}`];

    // Act
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          outcomeEvent(byName, 'TripEventsBus'),
          outcomeEvent(byArn, 'arn:aws:events:us-east-1:123456789012:event-bus/TripEventsBus'),
        ],
      }),
    );
    await stack.events.idle();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.every((entry) => typeof entry.EventId === 'string')).toBe(true);
    const reached = deliveries
      .filter((delivery) => delivery.rule === 'NotifyCustomerFunctionTripConcluded')
      .map((delivery) => (delivery.event as { detail: { trip_id: string } }).detail.trip_id);
    expect(reached).toEqual(expect.arrayContaining([byName, byArn]));
    expect(deliveries.filter((delivery) => delivery.error)).toEqual([]);
  });

  it('keeps the same event on the default bus away from the trip events rules', async () => {
    // Prepare
    const tripId = `messaging-${randomUUID()}`;

    // Act
    const result = await events.send(
      new PutEventsCommand({ Entries: [outcomeEvent(tripId, 'default')] }),
    );
    await stack.events.idle();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(
      deliveries.filter(
        (delivery) =>
          (delivery.event as { detail?: { trip_id?: string } }).detail?.trip_id === tripId,
      ),
    ).toEqual([]);
  });

  it('fails the entry for a bus that does not exist, as EventBridge does', async () => {
    // Act
    const result = await events.send(
      new PutEventsCommand({ Entries: [outcomeEvent('messaging-nowhere', 'NoSuchBus')] }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
  });

  it("refuses, entry by entry, an event whose source is an AWS service's (aws.*), as EventBridge does", async () => {
    // Prepare: a forged end of an execution, and a genuine outcome event beside it.
    const tripId = `messaging-${randomUUID()}`;
    const forged = {
      EventBusName: 'default',
      Source: 'aws.states',
      DetailType: 'Step Functions Execution Status Change',
      Detail: JSON.stringify({ name: tripId, status: 'ABORTED' }),
    };

    // Act
    const result = await events.send(
      new PutEventsCommand({ Entries: [forged, outcomeEvent(tripId, 'TripEventsBus')] }),
    );
    await stack.events.idle();

    // Assess: the forged entry refused with AWS's code and words, the other one delivered.
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[0]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage:
        'You do not have permissions to publish events with this source onto this event bus.',
    });
    expect(typeof result.Entries?.[1]?.EventId).toBe('string');
    const reached = deliveries.filter((delivery) =>
      JSON.stringify(delivery.event).includes(tripId),
    );
    expect(reached.map((delivery) => delivery.rule)).toEqual([
      'NotifyCustomerFunctionTripConcluded',
    ]);
  });
});

describe('TestEventPattern', () => {
  const EVENT = JSON.stringify({
    id: '1',
    account: '123456789012',
    source: 'booking-saga',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    'detail-type': 'BookingFailed',
    detail: { trip_id: 't-1', total: 120.5 },
  });

  it("answers whether the event matches, for the template's own rule and a numeric filter", async () => {
    // Act
    const [own, cheaper] = await Promise.all([
      events.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ source: ['booking-saga'] }),
          Event: EVENT,
        }),
      ),
      events.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ detail: { total: [{ numeric: ['<', 100] }] } }),
          Event: EVENT,
        }),
      ),
    ]);

    // Assess
    expect([own.Result, cheaper.Result]).toEqual([true, false]);
  });

  it("refuses a pattern EventBridge refuses with InvalidEventPatternException and Event Ruler's reason", async () => {
    // Act
    const error = await events
      .send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ detail: { total: [{ numeric: ['>', 10, '<', 5] }] } }),
          Event: EVENT,
        }),
      )
      .catch((caught: Error) => caught);

    // Assess
    expect(error).toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: Bottom must be less than top',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses an event without the fields the API reference makes mandatory', async () => {
    // Act
    const error = await events
      .send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ source: ['booking-saga'] }),
          Event: JSON.stringify({ source: 'booking-saga', detail: {} }),
        }),
      )
      .catch((caught: Error) => caught);

    // Assess
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: 'Parameter Event is not valid.',
    });
  });
});

describe("PutEvents' limits, as EventBridge documents them", () => {
  const putEvents = async (body: unknown) => {
    const response = await fetch(stack.endpoints.messaging, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const nested = (depth: number) =>
    `${'{"a":'.repeat(depth - 1)}{"trip_id":"deep"}${'}'.repeat(depth - 1)}`;
  const entry = (detail: string) => ({
    EventBusName: 'TripEventsBus',
    Source: 'booking-saga',
    DetailType: 'BookingConfirmed',
    Detail: detail,
  });

  it('a Detail nested 5,000 deep on a rule of the bus is MalformedDetail, and the platform carries on (issue 20: it ended the process)', async () => {
    // Act
    const answer = await putEvents({ Entries: [entry(nested(5000))] });
    await stack.events.idle();

    // Assess
    expect(answer).toEqual({
      status: 200,
      body: {
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
      },
    });
    const probe = await events.send(
      new PutEventsCommand({ Entries: [outcomeEvent(`messaging-${randomUUID()}`, 'default')] }),
    );
    expect(probe.FailedEntryCount).toBe(0);
  });

  it(`takes a Detail nested ${MAX_DETAIL_NESTING} deep and delivers it; one level more is MalformedDetail`, async () => {
    // Prepare
    const before = deliveries.length;

    // Act
    const answer = await putEvents({
      Entries: [entry(nested(MAX_DETAIL_NESTING)), entry(nested(MAX_DETAIL_NESTING + 1))],
    });
    await stack.events.idle();

    // Assess
    expect(answer.body.FailedEntryCount).toBe(1);
    expect(answer.body.Entries).toEqual([
      { EventId: expect.any(String) },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
    ]);
    // The notifier got it (and refused it as no trip): reported, nothing thrown.
    expect(deliveries.slice(before)).toEqual([
      expect.objectContaining({
        rule: 'NotifyCustomerFunctionTripConcluded',
        error: expect.any(String),
      }),
    ]);
  });

  it.each([
    ['no entry', { Entries: [] }, 'greater than or equal to 1'],
    [
      '11 entries',
      { Entries: Array.from({ length: 11 }, () => entry('{}')) },
      'less than or equal to 10',
    ],
    [
      'entries of 256 KiB together',
      {
        Entries: [
          entry(JSON.stringify({ pad: 'x'.repeat(200_000) })),
          entry(JSON.stringify({ pad: 'x'.repeat(63_000) })),
        ],
      },
      'Total size of the entries in the request is over the limit',
    ],
  ])(
    'refuses a request of %s with ValidationException, and puts none of it',
    async (_what, body, message) => {
      // Prepare
      const before = deliveries.length;

      // Act
      const answer = await putEvents(body);
      await stack.events.idle();

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        __type: 'ValidationException',
        message: expect.stringContaining(message),
      });
      expect(deliveries.length).toBe(before);
    },
  );

  it.each([
    [
      'not UTF-8',
      Buffer.concat([
        Buffer.from('{"Entries":[{"Source":"'),
        Buffer.from([0xff]),
        Buffer.from('"}]}'),
      ]),
    ],
    [
      'a member of the wrong type',
      JSON.stringify({ Entries: [{ ...entry('{}'), EventBusName: 5 }] }),
    ],
    ['nested past any request', `{"Entries":[${'['.repeat(100)}${']'.repeat(100)}]}`],
  ])('answers a body %s with SerializationException', async (_what, body) => {
    // Act
    const response = await fetch(stack.endpoints.messaging, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSEvents.PutEvents',
      },
      body,
    });

    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});

describe('Publish', () => {
  it('keeps a message to a topic of the template, with its subject and attributes', async () => {
    // Act
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn: TOPIC,
        Subject: 'A subject',
        Message: 'Line one\nline two & <three>',
        MessageAttributes: { notice: { DataType: 'String', StringValue: 'failed' } },
      }),
    );

    // Assess
    const kept = stack.topics.messages.find((message) => message.messageId === MessageId);
    expect(kept).toMatchObject({
      topicArn: TOPIC,
      subject: 'A subject',
      message: 'Line one\nline two & <three>',
      attributes: { notice: 'failed' },
      caller: 'MessagingTest',
    });
    expect(heard).toContainEqual(kept);
  });

  it("answers a topic that does not exist with SNS's NotFound, and keeps nothing", async () => {
    // Prepare
    const before = stack.topics.messages.length;

    // Act
    const error = await sns
      .send(new PublishCommand({ TopicArn: `${TOPIC}Nowhere`, Message: 'hello' }))
      .catch((caught: Error) => caught);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('NotFoundException');
    expect(stack.topics.messages).toHaveLength(before);
  });

  it('records each call with its caller, action and resource', () => {
    // Assess
    const calls = recorder.calls.filter((call) => call.caller === 'MessagingTest');
    expect(calls).toContainEqual({
      caller: 'MessagingTest',
      action: 'sns:Publish',
      resource: TOPIC,
    });
    expect(calls).toContainEqual({
      caller: 'MessagingTest',
      action: 'events:PutEvents',
      resource: 'arn:aws:events:us-east-1:123456789012:event-bus/TripEventsBus',
    });
  });
});
