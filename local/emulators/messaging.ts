/**
 * SNS and EventBridge for local runs, on one endpoint (AWS_ENDPOINT_URL_SNS and
 * AWS_ENDPOINT_URL_EVENTBRIDGE both name it): EventBridge's PutEvents (the JSON protocol, told
 * apart by its X-Amz-Target) onto the template's buses, whose rules the LocalEventBus runs, and
 * TestEventPattern (./test-event-pattern.ts), for a user or a test to check a pattern; and
 * SNS's Publish (the query protocol: a form in, XML out) to the template's topics, which
 * "deliver" by keeping the message, for the console, the tests and npm start to show. Each call
 * is recorded with its caller, as the DynamoDB endpoint does, for the least-privilege test.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from '../http/http-server.ts';
import { eventBusArn, type LocalAccount, topicArn } from '../template/resolve.ts';
import type { Template } from '../template/template.ts';
import { ApiCalls, callerOf } from './api-calls.ts';
import type { LocalEventBus } from './events.ts';
import { type TestEventPatternInput, testEventPattern } from './test-event-pattern.ts';

// Both services' own limits: 256 KiB per PutEvents request and per SNS message.
const MAX_REQUEST_BYTES = 512 * 1024;

export interface TopicMessage {
  topicArn: string;
  messageId: string;
  subject: string;
  message: string;
  attributes: Record<string, string>;
  /** The function that published it. */
  caller: string;
  publishedAt: string;
}

/** The messages kept: the newest, so a long `npm start` does not grow without bound. */
const MAX_KEPT_MESSAGES = 10_000;

/** What a Publish gives: the message's id, or SNS's error. */
export type Published =
  | { messageId: string }
  | { code: 'NotFound' | 'InvalidParameter'; status: 404 | 400; reason: string };

/**
 * The template's SNS topics: each message published is kept, and told to the listener. The
 * functions publish through the endpoint below; Lambda publishes an on-failure destination's
 * record here directly (local/emulators/events.ts), with the function's role, as on AWS.
 */
export class LocalTopics {
  /** The last messages published, oldest first (the table keeps every notification). */
  readonly messages: TopicMessage[] = [];
  readonly arns: ReadonlySet<string>;
  /** Tells of every Publish call (local/emulators/api-calls.ts). */
  readonly calls = new ApiCalls();
  readonly #onMessage: ((message: TopicMessage) => void) | undefined;

  constructor(arns: Iterable<string>, onMessage?: (message: TopicMessage) => void) {
    this.arns = new Set(arns);
    this.#onMessage = onMessage;
  }

  /** sns:Publish by `caller`: kept if the topic is the template's and the message not empty. */
  publish(
    caller: string,
    draft: Pick<TopicMessage, 'topicArn' | 'message'> &
      Partial<Pick<TopicMessage, 'subject' | 'attributes'>>,
  ): Published {
    this.calls.tell(() => ({ caller, action: 'sns:Publish', resource: draft.topicArn }));
    if (!this.arns.has(draft.topicArn))
      return { code: 'NotFound', status: 404, reason: 'Topic does not exist' };
    if (draft.message === '')
      return { code: 'InvalidParameter', status: 400, reason: 'Empty message' };
    const message: TopicMessage = {
      subject: '',
      attributes: {},
      ...draft,
      messageId: randomUUID(),
      caller,
      publishedAt: new Date().toISOString(),
    };
    this.messages.push(message);
    if (this.messages.length > MAX_KEPT_MESSAGES) this.messages.shift();
    this.#onMessage?.(message);
    return { messageId: message.messageId };
  }
}

const ofType = (template: Template, type: string) =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId]) => logicalId);

/** The template's topics' ARNs and its buses' names (and the account's default bus). */
export const messagingOf = (template: Template, account: LocalAccount) => ({
  topicArns: ofType(template, 'AWS::SNS::Topic').map((id) => topicArn(account, id)),
  busNames: ['default', ...ofType(template, 'AWS::Events::EventBus')],
});

const xml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (character) =>
      ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[character] ?? '',
  );

const snsError = (response: ServerResponse, status: number, code: string, message: string) =>
  sendJson(
    response,
    status,
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    {},
    'text/xml',
  );

const eventsError = (response: ServerResponse, type: string, message: string) =>
  sendJson(response, 400, { __type: type, message }, {}, 'application/x-amz-json-1.1');

/** SNS's query form: MessageAttributes.entry.N.Name / .Value.StringValue into a plain map. */
const attributesOf = (form: URLSearchParams): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    attributes[form.get(`MessageAttributes.entry.${index}.Name`) ?? ''] =
      form.get(`MessageAttributes.entry.${index}.Value.StringValue`) ?? '';
  }
  return attributes;
};

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
}

/** PutEvents: each entry onto its bus (by name or ARN), or the entry's error. */
const putEvents = (
  input: { Entries?: PutEventsEntry[] },
  caller: string,
  { account, events, busNames }: Pick<MessagingOptions, 'account' | 'events' | 'busNames'>,
) => {
  const results = (input.Entries ?? []).map((entry) => {
    // A bus is named by its name or its ARN.
    const bus = (entry.EventBusName ?? 'default').replace(/^arn:[^/]*event-bus\//, '');
    events.calls.tell(() => ({
      caller,
      action: 'events:PutEvents',
      resource: eventBusArn(account, bus),
    }));
    if (!busNames.includes(bus)) {
      return {
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${bus} does not exist.`,
      };
    }
    // Only AWS's services put events with their own sources (aws.states, aws.events...).
    if ((entry.Source ?? '').startsWith('aws.')) {
      return {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage:
          'You do not have permissions to publish events with this source onto this event bus.',
      };
    }
    const detailText = entry.Detail ?? '{}';
    let detail: unknown;
    try {
      detail = JSON.parse(detailText);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const id = events.put(
      {
        source: entry.Source ?? '',
        'detail-type': entry.DetailType ?? '',
        resources: entry.Resources ?? [],
        detail: detail as Record<string, unknown>,
        detailText,
      },
      bus,
    );
    return { EventId: id };
  });
  const failed = results.filter((result) => 'ErrorCode' in result).length;
  return { FailedEntryCount: failed, Entries: results };
};

export interface MessagingOptions {
  account: LocalAccount;
  topics: LocalTopics;
  events: LocalEventBus;
  busNames: readonly string[];
}

export const messagingApi =
  ({ account, topics, events, busNames }: MessagingOptions) =>
  async (request: IncomingMessage, response: ServerResponse) => {
    let raw: Buffer;
    try {
      raw = await readBody(request, MAX_REQUEST_BYTES);
    } catch (caught) {
      if (caught instanceof BodyTooLarge)
        return snsError(response, 413, 'InvalidParameter', caught.message);
      throw caught;
    }
    const caller = callerOf(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== '') {
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return eventsError(
          response,
          'SerializationException',
          'The request body is not valid JSON',
        );
      }
      const input = typeof body === 'object' && body !== null ? body : {};
      if (target === 'AWSEvents.PutEvents') {
        return sendJson(
          response,
          200,
          putEvents(input as { Entries?: PutEventsEntry[] }, caller, { account, events, busNames }),
          {},
          'application/x-amz-json-1.1',
        );
      }
      if (target === 'AWSEvents.TestEventPattern') {
        events.calls.tell(() => ({ caller, action: 'events:TestEventPattern', resource: '*' }));
        const answer = testEventPattern(input as TestEventPatternInput);
        return 'error' in answer
          ? eventsError(response, answer.error, answer.message)
          : sendJson(response, 200, answer, {}, 'application/x-amz-json-1.1');
      }
      return eventsError(response, 'UnknownOperationException', `Unknown operation: ${target}`);
    }

    const form = new URLSearchParams(raw.toString('utf8'));
    if (form.get('Action') !== 'Publish') {
      return snsError(
        response,
        400,
        'InvalidAction',
        `Unknown action: ${form.get('Action') ?? '(none)'}`,
      );
    }
    const published = topics.publish(caller, {
      topicArn: form.get('TopicArn') ?? '',
      subject: form.get('Subject') ?? '',
      message: form.get('Message') ?? '',
      attributes: attributesOf(form),
    });
    if (!('messageId' in published))
      return snsError(response, published.status, published.code, published.reason);
    const { messageId } = published;
    return sendJson(
      response,
      200,
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      {},
      'text/xml',
    );
  };
