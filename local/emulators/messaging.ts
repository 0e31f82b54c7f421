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
import { textNestsDeeperThan } from '../http/nesting.ts';
import { eventBusArn, type LocalAccount, topicArn } from '../template/resolve.ts';
import type { Template } from '../template/template.ts';
import { ApiCalls, callerOf } from './api-calls.ts';
import type { LocalEventBus } from './events.ts';
import { type TestEventPatternInput, testEventPattern } from './test-event-pattern.ts';

/**
 * The largest request read: both services take 256 KiB of data (PutEvents' entries, an SNS
 * message with its attributes), which JSON or a form may escape to several times its size.
 */
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * PutEvents' limits (API reference, PutEvents; user guide, "Calculating PutEvents event entry
 * size"): 1 to 10 entries, their sizes summed under 256 KiB, and a Detail nested at most 1,000
 * levels (the API reference says 1,100 in one edition, 1,000 in another: the lower is kept).
 */
const MAX_ENTRIES = 10;
const MAX_ENTRIES_BYTES = 256 * 1024;
export const MAX_DETAIL_NESTING = 1000;
/** A PutEvents request's own shape nests 4 levels (Entries, an entry, its Resources). */
const MAX_REQUEST_NESTING = 16;

/** SNS: a message and its attributes together at most 256 KiB (Publish, "Constraints"). */
const MAX_MESSAGE_BYTES = 256 * 1024;

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

/**
 * SNS's query form: MessageAttributes.entry.N.Name / .Value.StringValue into a plain map, in one
 * pass over the form (a lookup per entry would cost the square of a long form's size).
 */
const attributesOf = (form: URLSearchParams): Record<string, string> => {
  const names = new Map<string, string>();
  const values = new Map<string, string>();
  for (const [key, value] of form) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.StringValue)$/.exec(key);
    if (!entry) continue;
    (entry[2] === 'Name' ? names : values).set(entry[1] ?? '', value);
  }
  const attributes: Record<string, string> = Object.create(null);
  // Numbered from 1 without a gap, as the SDKs write them.
  for (let index = 1; names.has(String(index)); index++) {
    attributes[names.get(String(index)) ?? ''] = values.get(String(index)) ?? '';
  }
  return { ...attributes };
};

const utf8Bytes = (text: string | undefined) => (text ? Buffer.byteLength(text, 'utf8') : 0);

/** An entry's size as EventBridge counts it: Time 14 bytes, and the UTF-8 bytes of the rest. */
const entrySize = (entry: PutEventsEntry) =>
  (entry.Time === undefined ? 0 : 14) +
  utf8Bytes(entry.Source) +
  utf8Bytes(entry.DetailType) +
  utf8Bytes(entry.Detail) +
  (Array.isArray(entry.Resources)
    ? entry.Resources.reduce((sum, resource) => sum + utf8Bytes(resource), 0)
    : 0);

const STRING_MEMBERS = ['EventBusName', 'Source', 'DetailType', 'Detail'] as const;

/** The request's entries, each member of the type the API defines; else a SyntaxError. */
const entriesOf = (body: unknown): PutEventsEntry[] => {
  const entries = (body as { Entries?: unknown } | null)?.Entries ?? [];
  if (!Array.isArray(entries)) throw new SyntaxError('Entries is not a list');
  for (const entry of entries as Record<string, unknown>[]) {
    const wellTyped =
      typeof entry === 'object' &&
      entry !== null &&
      STRING_MEMBERS.every(
        (name) => entry[name] === undefined || typeof entry[name] === 'string',
      ) &&
      (entry.Resources === undefined ||
        (Array.isArray(entry.Resources) &&
          entry.Resources.every((resource) => typeof resource === 'string'))) &&
      (entry.Time === undefined || typeof entry.Time === 'number');
    if (!wellTyped) throw new SyntaxError('An entry member has the wrong type');
  }
  return entries as PutEventsEntry[];
};

/** Why PutEvents refuses the whole request (AWS's ValidationException), or undefined. */
const putEventsRefusal = (entries: PutEventsEntry[]): string | undefined => {
  if (entries.length < 1 || entries.length > MAX_ENTRIES) {
    return `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`}`;
  }
  const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total >= MAX_ENTRIES_BYTES) {
    return `Total size of the entries in the request is over the limit (${total} bytes; the entries must total less than ${MAX_ENTRIES_BYTES})`;
  }
  return undefined;
};

/** An entry's Detail as a value; undefined when it is not JSON EventBridge processes. */
const detailOf = (entry: PutEventsEntry): Record<string, unknown> | undefined => {
  const text = entry.Detail ?? '{}';
  if (textNestsDeeperThan(text, MAX_DETAIL_NESTING)) return undefined;
  let detail: unknown;
  try {
    detail = JSON.parse(text);
  } catch {
    return undefined;
  }
  // A Detail is a JSON object: EventBridge refuses any other value.
  return typeof detail === 'object' && detail !== null && !Array.isArray(detail)
    ? (detail as Record<string, unknown>)
    : undefined;
};

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: number;
}

/** Refuses bytes that are not UTF-8 instead of reading U+FFFD in their place. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** PutEvents: each entry onto its bus (by name or ARN), or the entry's error. */
const putEvents = (
  entries: PutEventsEntry[],
  caller: string,
  { account, events, busNames }: Pick<MessagingOptions, 'account' | 'events' | 'busNames'>,
) => {
  const results = entries.map((entry) => {
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
    const detail = detailOf(entry);
    if (detail === undefined) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const id = events.put(
      {
        source: entry.Source ?? '',
        'detail-type': entry.DetailType ?? '',
        resources: entry.Resources ?? [],
        detail,
        detailText: entry.Detail ?? '{}',
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
        if (textNestsDeeperThan(raw, MAX_REQUEST_NESTING)) throw new SyntaxError('too deep');
        body = JSON.parse(utf8.decode(raw));
      } catch {
        return eventsError(
          response,
          'SerializationException',
          'The request body is not a PutEvents request in UTF-8 JSON',
        );
      }
      if (target === 'AWSEvents.PutEvents') {
        let entries: PutEventsEntry[];
        try {
          entries = entriesOf(body);
        } catch {
          return eventsError(
            response,
            'SerializationException',
            'The request body is not a PutEvents request in UTF-8 JSON',
          );
        }
        const refusal = putEventsRefusal(entries);
        if (refusal) return eventsError(response, 'ValidationException', refusal);
        return sendJson(
          response,
          200,
          putEvents(entries, caller, { account, events, busNames }),
          {},
          'application/x-amz-json-1.1',
        );
      }
      const input = typeof body === 'object' && body !== null ? body : {};
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
    const message = form.get('Message') ?? '';
    const attributes = attributesOf(form);
    const size =
      utf8Bytes(message) +
      Object.entries(attributes).reduce(
        (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes(value) + utf8Bytes('String'),
        0,
      );
    if (form.get('Action') !== 'Publish') {
      return snsError(
        response,
        400,
        'InvalidAction',
        `Unknown action: ${form.get('Action') ?? '(none)'}`,
      );
    }
    if (size > MAX_MESSAGE_BYTES) {
      return snsError(
        response,
        400,
        'InvalidParameter',
        `Invalid parameter: Message too long (${size} bytes with its attributes; at most ${MAX_MESSAGE_BYTES})`,
      );
    }
    const published = topics.publish(caller, {
      topicArn: form.get('TopicArn') ?? '',
      subject: form.get('Subject') ?? '',
      message,
      attributes,
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
