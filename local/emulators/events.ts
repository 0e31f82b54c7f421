/**
 * EventBridge for local runs, read from template.yaml: the functions' `EventBridgeRule` events
 * (an event pattern, a target function, its retry policy) and `Schedule` events (a rate). Events
 * put on the bus go to every rule whose pattern matches, asynchronously, as EventBridge invokes a
 * Lambda target: a target that fails is retried (up to the rule's MaximumRetryAttempts, with
 * short waits locally), and what still fails is reported, never thrown at the sender.
 *
 * The pattern matcher is written here: EventBridge's own is a service call (TestEventPattern),
 * and no maintained npm package does it alone. It covers what rules in this template may use:
 * exact values (strings, numbers, booleans, null) listed in arrays, nested objects, and the
 * `prefix`, `anything-but` and `exists` filters.
 */
import { randomUUID } from 'node:crypto';
import type { LocalAccount, Resolve } from '../template/resolve.ts';
import { functionsOf, type Template } from '../template/template.ts';
import { ApiCalls } from './api-calls.ts';
import type { LocalLambda } from './lambda-runtime.ts';

export interface BusEvent {
  source: string;
  'detail-type': string;
  resources?: string[];
  detail: Record<string, unknown>;
  time?: Date;
}

export interface Rule {
  name: string;
  target: string;
  /** The bus the rule is on: `default`, or a bus of the template (its EventBusName). */
  eventBusName: string;
  pattern: Record<string, unknown>;
  maximumRetryAttempts: number;
}

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

/** The template's rules and schedules, with their targets. */
export const eventsOf = (template: Template, resolve: Resolve) => {
  const rules: Rule[] = [];
  const schedules: Schedule[] = [];
  for (const fn of functionsOf(template)) {
    for (const [name, event] of Object.entries(asRecord(fn.properties.Events))) {
      const { Type: type, Properties: properties } = event as {
        Type: string;
        Properties?: Record<string, unknown>;
      };
      if (type === 'EventBridgeRule' || type === 'CloudWatchEvent') {
        rules.push({
          name: `${fn.logicalId}${name}`,
          target: fn.logicalId,
          eventBusName: String(resolve(properties?.EventBusName ?? 'default')),
          pattern: asRecord(resolve(properties?.Pattern)),
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
  return { rules, schedules };
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matchesValue = (filter: unknown, value: unknown): boolean => {
  if (!isPlainObject(filter)) return filter === value;
  if ('prefix' in filter)
    return typeof value === 'string' && value.startsWith(String(filter.prefix));
  if ('exists' in filter) return (value !== undefined) === filter.exists;
  if ('anything-but' in filter) {
    const excluded = [filter['anything-but']].flat();
    return value !== undefined && !excluded.some((item) => matchesValue(item, value));
  }
  throw new Error(`Event pattern filter not supported locally: ${JSON.stringify(filter)}`);
};

/** Whether `event` matches `pattern`, as EventBridge decides it (for the filters above). */
export const matchesPattern = (pattern: Record<string, unknown>, event: unknown): boolean =>
  Object.entries(pattern).every(([field, filter]) => {
    const value = isPlainObject(event) ? event[field] : undefined;
    if (isPlainObject(filter)) return matchesPattern(filter, value);
    const filters = Array.isArray(filter) ? filter : [filter];
    // An array value matches when any of its elements does.
    const values = Array.isArray(value) ? value : [value];
    return filters.some((item) => values.some((candidate) => matchesValue(item, candidate)));
  });

export interface Delivery {
  rule: string;
  target: string;
  event: unknown;
  attempts: number;
  error?: string;
}

export interface EventBusOptions {
  rules: Rule[];
  lambda: LocalLambda;
  account: LocalAccount;
  /** Waits this long before a retry (EventBridge backs off for minutes; locally, moments). */
  retryDelayMs?: number;
  /** Told of each delivery once it has succeeded or given up. */
  onDelivery?: (delivery: Delivery) => void;
}

/** The event buses of the local account (the default one, the template's), delivering to the template's rules. */
export class LocalEventBus {
  /** Tells of every PutEvents entry put through the messaging endpoint (local/emulators/api-calls.ts). */
  readonly calls = new ApiCalls();
  readonly #options: EventBusOptions;
  readonly #pending = new Set<Promise<void>>();

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
    for (const rule of this.#options.rules) {
      if (rule.eventBusName === eventBusName && matchesPattern(rule.pattern, delivered))
        this.#track(this.#deliver(rule, delivered));
    }
    return delivered.id;
  }

  /** Invokes `target` with `event` as EventBridge would, retrying a failure. */
  deliver(target: string, event: unknown, maximumRetryAttempts = 185): Promise<void> {
    const delivery = this.#deliver(
      { name: 'direct', target, eventBusName: 'default', pattern: {}, maximumRetryAttempts },
      event,
    );
    this.#track(delivery);
    return delivery;
  }

  /** Settles when every delivery under way (and any they lead to) has ended. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track(delivery: Promise<void>) {
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }

  async #deliver(rule: Rule, event: unknown): Promise<void> {
    const fn = this.#options.lambda.find(rule.target);
    const report = (attempts: number, error?: string) =>
      this.#options.onDelivery?.({
        rule: rule.name,
        target: rule.target,
        event,
        attempts,
        ...(error === undefined ? {} : { error }),
      });
    if (!fn) return report(0, `No function ${rule.target}`);
    let lastError = '';
    for (let attempt = 1; attempt <= rule.maximumRetryAttempts + 1; attempt++) {
      try {
        const result = await fn.invoke(event);
        if (result.ok) return report(attempt);
        lastError = `${result.error.errorType}: ${result.error.errorMessage}`;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#options.retryDelayMs ?? 1000));
    }
    report(rule.maximumRetryAttempts + 1, lastError);
  }
}
