/**
 * The local EventBridge delivers to a Lambda target as AWS does: an error the function throws is
 * Lambda's to retry (the function's EventInvokeConfig, read from template.yaml), then Lambda's
 * record of the event goes to its OnFailure topic; an invocation that does not reach the
 * function is retried under the rule's RetryPolicy instead, and sends no record. close() cuts a
 * retry wait short.
 *
 * Checked from what the functions ran (their invocations), each delivery's report and the
 * messages the platform's SNS kept on the operators' topic.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  type Delivery,
  type EventTarget,
  eventsOf,
  LocalEventBus,
} from '../../local/emulators/events.ts';
import type { InvokeResult } from '../../local/emulators/lambda-runtime.ts';
import { createResolver, functionArn, localAccount } from '../../local/template/resolve.ts';
import { readTemplate } from '../../local/template/template.ts';
import { HANG_MS } from '../support/patience.ts';
import { useTestStack } from '../support/stack.ts';

const template = readTemplate();
const account = localAccount();
const resolve = createResolver(template, account);
const OPERATORS_TOPIC = String(resolve({ Ref: 'RepairAlertsTopic' }));
/** Refused by the functions' schema: each invocation fails with a ParseError. */
const UNREADABLE_TRIP_ID = 'not a trip id!';

const deliveries: Delivery[] = [];
const platform = useTestStack({
  messaging: { onDelivery: (delivery) => deliveries.push(delivery) },
});

const functionNamed = (name: string) => {
  const fn = platform.stack.lambda.find(name);
  if (!fn) throw new Error(`No function ${name}`);
  return fn;
};

const operatorMessages = () =>
  platform.stack.topics.messages.filter((message) => message.topicArn === OPERATORS_TOPIC);

const deliveriesOf = (tripId: string) =>
  deliveries.filter((delivery) => JSON.stringify(delivery.event).includes(tripId));

/** A domain event of TripEventsBus, as the concluding functions put it. */
const outcomeEvent = (tripId: string) => ({
  source: 'booking-saga',
  'detail-type': 'BookingFailed',
  detail: { trip_id: tripId },
});

const FAILING_TARGETS = [
  {
    target: 'NotifyCustomerFunction',
    rule: 'NotifyCustomerFunctionTripConcluded',
    put: () => platform.stack.events.put(outcomeEvent(UNREADABLE_TRIP_ID), 'TripEventsBus'),
  },
  {
    target: 'ReconcileTripFunction',
    rule: 'ReconcileTripFunctionSagaEnded',
    put: () =>
      platform.stack.events.put({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: `${platform.stack.stateMachineArn}:x`,
          stateMachineArn: platform.stack.stateMachineArn,
          name: UNREADABLE_TRIP_ID,
          status: 'FAILED',
        },
      }),
  },
];

describe('an error the function throws', () => {
  it.each(FAILING_TARGETS)(
    '$target: retried twice by Lambda, then its record goes to the operators topic, with the event and the error',
    async ({ target, rule, put }) => {
      // Prepare
      const fn = functionNamed(target);
      const [invocations, reported, published] = [
        fn.invocations,
        deliveries.length,
        operatorMessages().length,
      ];

      // Act
      const eventId = put();
      await platform.stack.events.idle();

      // Assess
      expect(fn.invocations - invocations).toBe(3);
      expect(deliveries.slice(reported)).toEqual([
        expect.objectContaining({
          rule,
          target,
          attempts: 3,
          error: expect.stringMatching(/^ParseError: /),
          destination: OPERATORS_TOPIC,
        }),
      ]);
      const messages = operatorMessages().slice(published);
      expect(messages).toEqual([
        expect.objectContaining({ topicArn: OPERATORS_TOPIC, caller: target, subject: '' }),
      ]);
      expect(JSON.parse(messages[0]?.message ?? '{}')).toEqual({
        version: '1.0',
        timestamp: expect.any(String),
        requestContext: {
          requestId: expect.any(String),
          functionArn: `${functionArn(account, target)}:$LATEST`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: expect.objectContaining({ id: eventId, 'detail-type': expect.any(String) }),
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          functionError: 'Unhandled',
        },
        responsePayload: expect.objectContaining({
          errorType: 'ParseError',
          errorMessage: expect.any(String),
        }),
      });
    },
  );

  it('sends no record when a retry succeeds', async () => {
    // Prepare: the notifier fails once, then runs for real (a trip it does not know: nothing to send).
    const fn = functionNamed('NotifyCustomerFunction');
    const tripId = `events-unknown-${randomUUID()}`;
    const published = operatorMessages().length;
    const failOnce = vi.spyOn(fn, 'invoke').mockResolvedValueOnce({
      ok: false,
      requestId: randomUUID(),
      error: { errorType: 'Error', errorMessage: 'Once (injected)', trace: [] },
    });

    // Act
    try {
      platform.stack.events.put(outcomeEvent(tripId), 'TripEventsBus');
      await platform.stack.events.idle();
    } finally {
      failOnce.mockRestore();
    }

    // Assess
    expect(deliveriesOf(tripId)).toEqual([
      expect.objectContaining({ target: 'NotifyCustomerFunction', attempts: 2 }),
    ]);
    expect(deliveriesOf(tripId)[0]?.error).toBeUndefined();
    expect(operatorMessages().length).toBe(published);
  });
});

describe('an invocation that does not reach the function', () => {
  it("is retried under the rule's RetryPolicy (185 in the template), beyond Lambda's two", async () => {
    // Prepare: the Invoke call fails five times (throttled), then the notifier runs.
    const fn = functionNamed('NotifyCustomerFunction');
    const tripId = `events-throttled-${randomUUID()}`;
    const [invocations, published] = [fn.invocations, operatorMessages().length];
    const spy = vi.spyOn(fn, 'invoke');
    for (let failure = 0; failure < 5; failure++)
      spy.mockRejectedValueOnce(new Error('TooManyRequestsException: Rate exceeded'));
    const rule = eventsOf(template, resolve).rules.find(
      (candidate) => candidate.name === 'NotifyCustomerFunctionTripConcluded',
    );

    // Act
    try {
      platform.stack.events.put(outcomeEvent(tripId), 'TripEventsBus');
      await platform.stack.events.idle();
    } finally {
      spy.mockRestore();
    }

    // Assess
    expect(rule?.maximumRetryAttempts).toBe(185);
    expect(deliveriesOf(tripId)).toEqual([expect.objectContaining({ attempts: 6 })]);
    expect(deliveriesOf(tripId)[0]?.error).toBeUndefined();
    expect(fn.invocations - invocations).toBe(1);
    expect(operatorMessages().length).toBe(published);
  });

  it('gives up after the RetryPolicy, with no record: the event never reached Lambda', async () => {
    // Prepare
    const fn = functionNamed('NotifyCustomerFunction');
    const tripId = `events-unreached-${randomUUID()}`;
    const published = operatorMessages().length;
    const spy = vi
      .spyOn(fn, 'invoke')
      .mockRejectedValue(new Error('ServiceException: Lambda is unavailable'));

    // Act
    let tries = 0;
    try {
      await platform.stack.events.deliver('NotifyCustomerFunction', outcomeEvent(tripId), 3);
      tries = spy.mock.calls.length;
    } finally {
      spy.mockRestore();
    }

    // Assess
    expect(tries).toBe(4);
    expect(deliveriesOf(tripId)).toEqual([
      expect.objectContaining({
        rule: 'direct',
        attempts: 4,
        error: 'ServiceException: Lambda is unavailable',
      }),
    ]);
    expect(deliveriesOf(tripId)[0]?.destination).toBeUndefined();
    expect(operatorMessages().length).toBe(published);
  });

  it('drops an event for a function that does not exist, untried (EventBridge does not retry it)', async () => {
    // Act
    const tripId = `events-nowhere-${randomUUID()}`;
    await platform.stack.events.deliver('NoSuchFunction', outcomeEvent(tripId));

    // Assess
    expect(deliveriesOf(tripId)).toEqual([
      expect.objectContaining({ attempts: 0, error: 'No function NoSuchFunction' }),
    ]);
  });
});

describe('close()', () => {
  /** A bus whose one function always fails, waiting an hour before each retry. */
  const busWithFailingFunction = () => {
    const reports: Delivery[] = [];
    const failing: EventTarget & { calls: number } = {
      config: { arn: functionArn(account, 'FailingFunction') },
      calls: 0,
      invoke: async (): Promise<InvokeResult> => {
        failing.calls++;
        return {
          ok: false,
          requestId: randomUUID(),
          error: { errorType: 'Error', errorMessage: 'Always (injected)', trace: [] },
        };
      },
    };
    const bus = new LocalEventBus({
      rules: [],
      lambda: { find: (name) => (name === 'FailingFunction' ? failing : undefined) },
      account,
      retryDelayMs: 3_600_000,
      onDelivery: (delivery) => reports.push(delivery),
    });
    return { bus, failing, reports };
  };

  it('ends a delivery waiting to retry at once; an event put afterwards is tried once, not retried', async () => {
    // Prepare: the first attempt has failed; the retry is an hour away.
    const { bus, failing, reports } = busWithFailingFunction();
    const delivery = bus.deliver('FailingFunction', { n: 1 });
    await vi.waitFor(() => expect(failing.calls).toBe(1), { interval: 1, timeout: HANG_MS });

    // Act: bounded, so a close that waited out the retry (an hour) fails here instead of hanging.
    let bound: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      bus.close().then(() => 'closed'),
      new Promise((resolve) => {
        bound = setTimeout(resolve, HANG_MS, 'still waiting');
      }),
    ]);
    clearTimeout(bound);
    await bus.deliver('FailingFunction', { n: 2 });

    // Assess
    expect(closed).toBe('closed');
    await expect(delivery).resolves.toBeUndefined();
    expect(failing.calls).toBe(2);
    expect(reports).toEqual(
      [{ n: 1 }, { n: 2 }].map((event) =>
        expect.objectContaining({
          event,
          attempts: 1,
          error: 'The platform closed before the next attempt (Error: Always (injected))',
        }),
      ),
    );
  });
});

describe('a delivery that fails on its way', () => {
  it('is reported, never thrown: an event whose failure record no serializer can write (issue 20: it ended the process)', async () => {
    // Prepare: a function that always fails, with an OnFailure topic, and an event nested
    // 100,000 deep (JSON.stringify overflows the call stack on it)
    let deep: Record<string, unknown> = { trip_id: 'deep' };
    for (let level = 0; level < 100_000; level++) deep = { a: deep };
    const reports: Delivery[] = [];
    const published: string[] = [];
    const failing: EventTarget = {
      config: { arn: functionArn(account, 'FailingFunction') },
      invoke: async (): Promise<InvokeResult> => ({
        ok: false,
        requestId: randomUUID(),
        error: { errorType: 'Error', errorMessage: 'Always (injected)', trace: [] },
      }),
    };
    const bus = new LocalEventBus({
      rules: [],
      invokeConfigs: { FailingFunction: { maximumRetryAttempts: 0, onFailure: OPERATORS_TOPIC } },
      topics: {
        publish: (_caller, draft) => {
          published.push(draft.message);
          return { messageId: randomUUID() };
        },
      },
      lambda: { find: (name) => (name === 'FailingFunction' ? failing : undefined) },
      account,
      retryDelayMs: 0,
      onDelivery: (delivery) => reports.push(delivery),
    });

    // Act
    const delivered = bus.deliver('FailingFunction', deep);

    // Assess
    await expect(delivered).resolves.toBeUndefined();
    expect(published).toEqual([]);
    expect(reports).toEqual([
      expect.objectContaining({
        target: 'FailingFunction',
        error: expect.stringContaining('RangeError'),
      }),
    ]);
  });
});

describe("the template's EventInvokeConfig, as the platform reads it", () => {
  const withNotifierConfig = (config: unknown) => {
    const changed = structuredClone(template);
    const notifier = changed.Resources.NotifyCustomerFunction;
    if (!notifier?.Properties) throw new Error('No NotifyCustomerFunction');
    notifier.Properties.EventInvokeConfig = config;
    return changed;
  };

  it("gives the reconciler and the notifier 2 retries and the operators topic, the sweep Lambda's default (2, no destination)", () => {
    // Act
    const { invokeConfigs } = eventsOf(template, resolve);

    // Assess
    expect(invokeConfigs.ReconcileTripFunction).toEqual({
      maximumRetryAttempts: 2,
      onFailure: OPERATORS_TOPIC,
    });
    expect(invokeConfigs.NotifyCustomerFunction).toEqual({
      maximumRetryAttempts: 2,
      onFailure: OPERATORS_TOPIC,
    });
    expect(invokeConfigs.SweepTripsFunction).toEqual({ maximumRetryAttempts: 2 });
  });

  it.each([
    [
      { MaximumRetryAttempts: 3 },
      'EventInvokeConfig MaximumRetryAttempts must be 0, 1 or 2, not 3',
    ],
    [
      { DestinationConfig: { OnFailure: { Type: 'SQS', Destination: 'arn:aws:sqs:q' } } },
      'only an OnFailure destination of Type SNS naming its topic runs locally',
    ],
    [
      { DestinationConfig: { OnFailure: { Type: 'SNS' } } },
      'only an OnFailure destination of Type SNS naming its topic runs locally',
    ],
  ])('refuses %j, naming the function and the rule', (config, reason) => {
    expect(() => eventsOf(withNotifierConfig(config), resolve)).toThrow(
      `NotifyCustomerFunction: ${reason}`,
    );
  });
});
