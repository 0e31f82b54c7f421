/**
 * EventBridge for local runs, read from template.yaml: the functions' `EventBridgeRule` events
 * (an event pattern, a target function, its retry policy) and `Schedule` events (a rate). Events
 * put on the bus go to every rule whose pattern matches, and reach their function as on AWS,
 * where EventBridge invokes a Lambda target asynchronously. Two kinds of failure, two policies:
 * - the invocation not reaching the function (the Invoke call failed) is EventBridge's to retry,
 *   up to the rule's RetryPolicy MaximumRetryAttempts; a function that does not exist is not
 *   retried (EventBridge drops the event);
 * - an error the function throws (or a timeout) is Lambda's: retried up to the function's
 *   EventInvokeConfig MaximumRetryAttempts (2 by default), then the event, with the error, goes
 *   to its OnFailure destination as Lambda's invocation record (an SNS topic of the template,
 *   published through the platform's SNS, local/emulators/messaging.ts).
 * Waits between retries are short locally (retryDelayMs; minutes on AWS), and close() cuts any
 * wait short. What still fails is reported, never thrown at the sender.
 *
 * Each rule's pattern is read when the template is (./event-pattern.ts matches, and refuses
 * what EventBridge refuses): a rule AWS would not create stops the platform from starting.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalAccount, Resolve } from '../template/resolve.ts';
import { functionsOf, type Template } from '../template/template.ts';
import { ApiCalls } from './api-calls.ts';
import {
  compilePattern,
  type EventPattern,
  type JsonValue,
  jsonOf,
  MAX_PATTERN_LENGTH,
  matchesPattern,
  PatternTooComplexToMatch,
  parseJson,
} from './event-pattern.ts';
import type { InvokeResult } from './lambda-runtime.ts';
import type { LocalTopics } from './messaging.ts';

export interface BusEvent {
  source: string;
  'detail-type': string;
  resources?: string[];
  detail: Record<string, unknown>;
  /** The detail as its sender wrote it (PutEvents' Detail): exact numbers match by their text. */
  detailText?: string;
  time?: Date;
}

export interface Rule {
  name: string;
  target: string;
  /** The bus the rule is on: `default`, or a bus of the template (its EventBusName). */
  eventBusName: string;
  /** The rule's event pattern, read (and checked) as EventBridge reads it. */
  pattern: EventPattern;
  maximumRetryAttempts: number;
}

/** What Lambda does after an error of an asynchronous invocation: the function's EventInvokeConfig. */
export interface InvokeConfig {
  /** Retries after the function's error, 0 to 2. */
  maximumRetryAttempts: number;
  /** The SNS topic (its ARN) that gets the record of an event every attempt failed. */
  onFailure?: string;
}

/** Lambda's own, for a function with no EventInvokeConfig: two retries, and no destination. */
export const DEFAULT_INVOKE_CONFIG: InvokeConfig = { maximumRetryAttempts: 2 };

export interface Schedule {
  name: string;
  target: string;
  /** From `rate(N minutes|hours|days)`. */
  intervalMs: number;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export const rateMs = (expression: string): number => {
  const match = RATE.exec(expression.trim());
  if (!match) throw new Error(`Only rate(...) schedules run locally, not "${expression}"`);
  return Number(match[1]) * (UNIT_MS[(match[2] ?? '').replace(/s$/, '')] ?? 0);
};

/** A function's EventInvokeConfig; a destination that is not an SNS topic is refused. */
const invokeConfigOf = (
  functionId: string,
  properties: Record<string, unknown>,
  resolve: Resolve,
): InvokeConfig => {
  const config = asRecord(properties.EventInvokeConfig);
  const retries = Number(config.MaximumRetryAttempts ?? DEFAULT_INVOKE_CONFIG.maximumRetryAttempts);
  if (!Number.isInteger(retries) || retries < 0 || retries > 2) {
    throw new Error(
      `${functionId}: EventInvokeConfig MaximumRetryAttempts must be 0, 1 or 2, not ${config.MaximumRetryAttempts}`,
    );
  }
  const onFailure = asRecord(asRecord(config.DestinationConfig).OnFailure);
  if (Object.keys(onFailure).length === 0) return { maximumRetryAttempts: retries };
  if (onFailure.Type !== 'SNS' || onFailure.Destination === undefined) {
    throw new Error(
      `${functionId}: only an OnFailure destination of Type SNS naming its topic runs locally`,
    );
  }
  return { maximumRetryAttempts: retries, onFailure: String(resolve(onFailure.Destination)) };
};

/** A rule's pattern as EventBridge reads it; one it would refuse stops the platform, naming the rule. */
export const rulePattern = (ruleName: string, pattern: unknown): EventPattern => {
  const text = JSON.stringify(pattern ?? null);
  if (text.length > MAX_PATTERN_LENGTH) {
    throw new Error(
      `Rule ${ruleName}: its event pattern has ${text.length} characters; EventBridge takes at most ${MAX_PATTERN_LENGTH}`,
    );
  }
  try {
    return compilePattern(pattern);
  } catch (error) {
    throw new Error(`Rule ${ruleName}: ${(error as Error).message}`);
  }
};

/** The template's rules and schedules, with their targets, and each function's EventInvokeConfig. */
export const eventsOf = (template: Template, resolve: Resolve) => {
  const rules: Rule[] = [];
  const schedules: Schedule[] = [];
  const invokeConfigs: Record<string, InvokeConfig> = {};
  for (const fn of functionsOf(template)) {
    invokeConfigs[fn.logicalId] = invokeConfigOf(fn.logicalId, fn.properties, resolve);
    for (const [name, event] of Object.entries(asRecord(fn.properties.Events))) {
      const { Type: type, Properties: properties } = event as {
        Type: string;
        Properties?: Record<string, unknown>;
      };
      if (type === 'EventBridgeRule' || type === 'CloudWatchEvent') {
        const ruleName = `${fn.logicalId}${name}`;
        rules.push({
          name: ruleName,
          target: fn.logicalId,
          eventBusName: String(resolve(properties?.EventBusName ?? 'default')),
          pattern: rulePattern(ruleName, resolve(properties?.Pattern)),
          // EventBridge's default: 185 attempts.
          maximumRetryAttempts: Number(
            asRecord(properties?.RetryPolicy).MaximumRetryAttempts ?? 185,
          ),
        });
      } else if (type === 'Schedule' || type === 'ScheduleV2') {
        const expression = String(
          resolve(properties?.Schedule ?? properties?.ScheduleExpression ?? ''),
        );
        schedules.push({
          name: `${fn.logicalId}${name}`,
          target: fn.logicalId,
          intervalMs: rateMs(expression),
        });
      }
    }
  }
  return { rules, schedules, invokeConfigs };
};

export interface Delivery {
  rule: string;
  target: string;
  event: unknown;
  /** How many times it was tried: invocations that failed to reach the function included. */
  attempts: number;
  error?: string;
  /** The topic that got the record of an event every attempt failed. */
  destination?: string;
}

/** What the bus invokes: a function of the platform (local/emulators/lambda-runtime.ts). */
export interface EventTarget {
  config: { arn: string };
  invoke(event: unknown): Promise<InvokeResult>;
}

export interface EventBusOptions {
  rules: Rule[];
  /** Each function's EventInvokeConfig, by name; a function not named has Lambda's default. */
  invokeConfigs?: Record<string, InvokeConfig>;
  lambda: { find(name: string): EventTarget | undefined };
  /** Where on-failure records are published. */
  topics?: Pick<LocalTopics, 'publish'>;
  account: LocalAccount;
  /** Waits this long before a retry (on AWS, minutes; locally, moments). */
  retryDelayMs?: number;
  /** Told of each delivery once it has succeeded or given up. */
  onDelivery?: (delivery: Delivery) => void;
}

/** The function's name, the last part of its ARN. */
const functionName = (target: EventTarget) => target.config.arn.split(':').pop() ?? '';

/** Lambda's invocation record of an event whose every attempt failed, as its destination gets it. */
const failureRecord = (
  target: EventTarget,
  event: unknown,
  attempts: number,
  failed: Extract<InvokeResult, { ok: false }>,
) => ({
  version: '1.0',
  timestamp: new Date().toISOString(),
  requestContext: {
    requestId: failed.requestId,
    functionArn: `${target.config.arn}:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: attempts,
  },
  requestPayload: event,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: failed.error,
});

/** The event buses of the local account (the default one, the template's), delivering to the template's rules. */
export class LocalEventBus {
  /** Tells of every PutEvents entry put through the messaging endpoint (local/emulators/api-calls.ts). */
  readonly calls = new ApiCalls();
  readonly #options: EventBusOptions;
  readonly #pending = new Set<Promise<void>>();
  /** Aborted by close(): no delivery waits for a retry any more. */
  readonly #closing = new AbortController();

  constructor(options: EventBusOptions) {
    this.#options = options;
  }

  /** The event as EventBridge delivers it to a target, from what a service put on the bus. */
  envelope(event: BusEvent) {
    const { account } = this.#options;
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': event['detail-type'],
      source: event.source,
      account: account.accountId,
      time: (event.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: account.region,
      resources: event.resources ?? [],
      detail: event.detail,
    };
  }

  /**
   * Puts an event on a bus; each matching rule of that bus gets it, asynchronously. Returns the
   * event's id.
   */
  put(event: BusEvent, eventBusName = 'default'): string {
    const delivered = this.envelope(event);
    // What the rules read: the event as JSON, its detail as the sender wrote it.
    const matched = jsonOf(delivered) as Record<string, JsonValue>;
    if (event.detailText !== undefined) matched.detail = parseJson(event.detailText);
    for (const rule of this.#options.rules) {
      if (rule.eventBusName !== eventBusName) continue;
      let matches: boolean;
      try {
        matches = matchesPattern(rule.pattern, matched);
      } catch (error) {
        if (!(error instanceof PatternTooComplexToMatch)) throw error;
        // Not matched, and said so: never delivered on a guess.
        this.#options.onDelivery?.({
          rule: rule.name,
          target: rule.target,
          event: delivered,
          attempts: 0,
          error: error.message,
        });
        continue;
      }
      if (matches) this.#track(this.#deliver(rule, delivered));
    }
    return delivered.id;
  }

  /**
   * Invokes `target` with `event` as a rule with this RetryPolicy would (failures to invoke it
   * retried `maximumRetryAttempts` times; its own errors, as its EventInvokeConfig says).
   */
  deliver(target: string, event: unknown, maximumRetryAttempts = 185): Promise<void> {
    const delivery = this.#deliver({ name: 'direct', target, maximumRetryAttempts }, event);
    this.#track(delivery);
    return delivery;
  }

  /** Settles when every delivery under way (and any they lead to) has ended. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /**
   * Ends every delivery at its next wait before a retry (an invocation running is let finish),
   * so a platform closing (Ctrl-C) does not wait out a retry schedule. An event put meanwhile is
   * tried once, not retried.
   */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.idle();
  }

  #track(delivery: Promise<void>) {
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }

  /**
   * Delivers, and never rejects: whatever goes wrong on the way (an event no serializer can
   * write, a listener that throws) is that delivery's failure, reported, never the process's.
   */
  async #deliver(
    rule: Pick<Rule, 'name' | 'target' | 'maximumRetryAttempts'>,
    event: unknown,
  ): Promise<void> {
    try {
      await this.#attempt(rule, event);
    } catch (caught) {
      const error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      try {
        this.#options.onDelivery?.({
          rule: rule.name,
          target: rule.target,
          event,
          attempts: 0,
          error,
        });
      } catch {
        // The listener failed too: nothing more can be said of this delivery.
      }
    }
  }

  async #attempt(
    rule: Pick<Rule, 'name' | 'target' | 'maximumRetryAttempts'>,
    event: unknown,
  ): Promise<void> {
    const { lambda, invokeConfigs, onDelivery } = this.#options;
    // Every try, and of those the ones that reached the function (each policy counts its own).
    let attempts = 0;
    let runs = 0;
    const report = (outcome: { error?: string; destination?: string } = {}) =>
      onDelivery?.({ rule: rule.name, target: rule.target, event, attempts, ...outcome });
    const fn = lambda.find(rule.target);
    // EventBridge does not retry a target that does not exist: the event is dropped.
    if (!fn) return report({ error: `No function ${rule.target}` });
    const config = invokeConfigs?.[functionName(fn)] ?? DEFAULT_INVOKE_CONFIG;
    let error = '';
    do {
      attempts++;
      let result: InvokeResult;
      try {
        result = await fn.invoke(event);
      } catch (caught) {
        // The invocation did not reach the function: the rule's RetryPolicy.
        error = caught instanceof Error ? caught.message : String(caught);
        if (attempts - runs > rule.maximumRetryAttempts) return report({ error });
        continue;
      }
      runs++;
      if (result.ok) return report();
      // The function's own error: Lambda's retries, then its OnFailure destination.
      error = `${result.error.errorType}: ${result.error.errorMessage}`;
      if (runs > config.maximumRetryAttempts)
        return report(this.#sendFailure(fn, config, event, runs, result, error));
    } while (await this.#waited());
    report({ error: `The platform closed before the next attempt (${error})` });
  }

  /** Waits before a retry; false when the bus closed meanwhile (or already had). */
  async #waited(): Promise<boolean> {
    const { signal } = this.#closing;
    await sleep(this.#options.retryDelayMs ?? 1000, undefined, { signal }).catch(() => undefined);
    return !signal.aborted;
  }

  /** Sends the record of an event whose every attempt failed to the function's destination. */
  #sendFailure(
    fn: EventTarget,
    config: InvokeConfig,
    event: unknown,
    runs: number,
    failed: Extract<InvokeResult, { ok: false }>,
    error: string,
  ): { error: string; destination?: string } {
    const { topics } = this.#options;
    if (config.onFailure === undefined || !topics) return { error };
    // Lambda sends it with the function's role: the call is the function's.
    const published = topics.publish(functionName(fn), {
      topicArn: config.onFailure,
      message: JSON.stringify(failureRecord(fn, event, runs, failed)),
    });
    return 'messageId' in published
      ? { error, destination: config.onFailure }
      : { error: `${error}; its record was not sent to ${config.onFailure}: ${published.reason}` };
  }
}
