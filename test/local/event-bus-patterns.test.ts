/**
 * The local bus reads its rules' patterns as EventBridge does (local/emulators/event-pattern.ts):
 * a rule of the template whose pattern EventBridge would refuse stops the platform, naming the
 * rule and the reason; an event put on the bus reaches a rule exactly when the documentation says
 * its pattern matches (the conformance cases, test/conformance/event-patterns/cases.ts, that
 * filter on `detail` alone, put as PutEvents puts them).
 */
import { describe, expect, it } from 'vitest';
import { jsonOf, matchesPattern } from '../../local/emulators/event-pattern.ts';
import {
  type Delivery,
  type EventTarget,
  eventsOf,
  LocalEventBus,
  type Rule,
  rulePattern,
} from '../../local/emulators/events.ts';
import { createResolver, localAccount } from '../../local/template/resolve.ts';
import { readTemplate } from '../../local/template/template.ts';
import { CASES, type PatternCase } from '../conformance/event-patterns/cases.ts';

const template = readTemplate();
const account = localAccount();
const resolve = createResolver(template, account);

/** The template with the notifier's TripConcluded rule on another pattern. */
const withNotifierPattern = (pattern: unknown) => {
  const changed = structuredClone(template);
  const events = changed.Resources.NotifyCustomerFunction?.Properties?.Events as
    | Record<string, { Properties: Record<string, unknown> }>
    | undefined;
  const rule = events?.TripConcluded;
  if (!rule) throw new Error('No NotifyCustomerFunction TripConcluded rule');
  rule.Properties.Pattern = pattern;
  return changed;
};

describe("the template's rules, as the platform reads them", () => {
  it('reads every rule of the template', () => {
    // Act
    const { rules } = eventsOf(template, resolve);

    // Assess
    expect(rules.map((rule) => rule.name).sort()).toEqual([
      'NotifyCustomerFunctionTripConcluded',
      'ReconcileTripFunctionSagaEnded',
    ]);
  });

  it.each([
    [{ source: 'booking-saga' }, 'Reason: "source" must be an object or an array'],
    [{ detail: { total: [{ numeric: ['<', '10'] }] } }, 'Reason: Value of < must be numeric'],
    [{ detail: { file: [{ suffix: 5 }] } }, 'Reason: suffix match pattern must be a string'],
    [{ detail: { file: [{ contains: 'x' }] } }, 'Reason: Unrecognized match type contains'],
    [
      { detail: { file: [{ wildcard: 'a**b' }] } },
      'Reason: Consecutive wildcard characters at pos 2',
    ],
    [{ source: [] }, 'Reason: Empty arrays are not allowed'],
  ])('refuses %j, naming the rule and the reason', (pattern, reason) => {
    expect(() => eventsOf(withNotifierPattern(pattern), resolve)).toThrow(
      `Rule NotifyCustomerFunctionTripConcluded: Event pattern is not valid. ${reason}`,
    );
  });

  it("refuses the guide's example of a wildcard to simplify, and takes the simpler ones it suggests", () => {
    // Prepare: from the guide's "Matching using wildcards" (docs/local-eventbridge.md says how it is measured).
    const wildcard = (value: string) =>
      withNotifierPattern({ detail: { arn: [{ wildcard: value }] } });

    // Act and Assess
    expect(() => eventsOf(wildcard('*:*:*:*:*:event-bus/*'), resolve)).toThrow(
      'Reason: Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
    for (const simpler of [
      'arn:aws:events:us-east-1:*:event-bus/*',
      '/Users/*/dir/dir/dir/dir/dir/doc.txt',
      '/Users/*/doc.txt',
    ]) {
      expect(() => eventsOf(wildcard(simpler), resolve)).not.toThrow();
    }
  });

  it('refuses a pattern longer than EventBridge takes (4,096 characters)', () => {
    expect(() => eventsOf(withNotifierPattern({ source: ['x'.repeat(4096)] }), resolve)).toThrow(
      /^Rule NotifyCustomerFunctionTripConcluded: its event pattern has 4111 characters/,
    );
  });
});

/** A target that only counts the events it got. */
const countingTarget = () => {
  const received: unknown[] = [];
  const target: EventTarget = {
    config: { arn: `arn:aws:lambda:${account.region}:${account.accountId}:function:Target` },
    invoke: async (event) => {
      received.push(event);
      return { ok: true, payload: null, payloadJson: 'null', requestId: 'r' };
    },
  };
  return { target, received };
};

/** The detail of a case's event, as its sender wrote it. */
const detailTextOf = ({ event }: PatternCase): string | undefined => {
  if (typeof event === 'string') {
    const detail = /"detail":(\{.*\})\}$/.exec(event)?.[1];
    return detail;
  }
  const keys = Object.keys(event);
  return keys.length === 1 && keys[0] === 'detail' ? JSON.stringify(event.detail) : undefined;
};

const DETAIL_CASES = CASES.filter(
  (conformance) =>
    (conformance.expected === 'match' || conformance.expected === 'no match') &&
    typeof conformance.pattern === 'object' &&
    Object.keys(conformance.pattern).every((field) => field === 'detail') &&
    detailTextOf(conformance) !== undefined,
);

describe('an event put on the bus, against a rule of each documented pattern on detail', () => {
  it('has cases of every kind the issue reported', () => {
    expect(DETAIL_CASES.filter((conformance) => conformance.reported).length).toBeGreaterThan(10);
  });

  it.each(DETAIL_CASES)('$section: $name ($expected)', async (conformance) => {
    // Prepare
    const { target, received } = countingTarget();
    const rule: Rule = {
      name: 'Rule',
      target: 'Target',
      eventBusName: 'default',
      pattern: rulePattern('Rule', conformance.pattern),
      maximumRetryAttempts: 0,
    };
    const bus = new LocalEventBus({ rules: [rule], lambda: { find: () => target }, account });
    const detailText = detailTextOf(conformance) ?? '{}';

    // Act
    bus.put({
      source: 'aws.ec2',
      'detail-type': 'EC2 Instance State-change Notification',
      detail: JSON.parse(detailText),
      detailText,
    });
    await bus.idle();

    // Assess
    expect(received.length).toBe(conformance.expected === 'match' ? 1 : 0);
  });
});

describe('what no page states, as Event Ruler (the engine behind EventBridge) does it', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };

  it('never matches two fields in different elements of the same array', () => {
    // Prepare
    const pattern = (lastName: string) =>
      rulePattern('Rule', { employees: { firstName: ['Anna'], lastName: [lastName] } });

    // Act and Assess
    expect(matchesPattern(pattern('Smith'), jsonOf(employees))).toBe(true);
    expect(matchesPattern(pattern('Jones'), jsonOf(employees))).toBe(false);
  });

  it('reports an event too large to decide locally, and delivers nothing', async () => {
    // Prepare: two fields in one array of 20,000 objects, no element holding both.
    const { target, received } = countingTarget();
    const reports: Delivery[] = [];
    const rule: Rule = {
      name: 'Rule',
      target: 'Target',
      eventBusName: 'default',
      pattern: rulePattern('Rule', { detail: { items: { a: [{ numeric: ['>', 0] }], b: [-1] } } }),
      maximumRetryAttempts: 0,
    };
    const bus = new LocalEventBus({
      rules: [rule],
      lambda: { find: () => target },
      account,
      onDelivery: (delivery) => reports.push(delivery),
    });
    const items = Array.from({ length: 20_000 }, (_, index) => ({ a: index, b: index }));

    // Act
    bus.put({ source: 'app', 'detail-type': 'Items', detail: { items } });
    await bus.idle();

    // Assess
    expect(received).toEqual([]);
    expect(reports).toEqual([
      expect.objectContaining({
        rule: 'Rule',
        attempts: 0,
        error: 'The event has too many array elements to match this pattern locally',
      }),
    ]);
  });
});
