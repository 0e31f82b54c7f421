/**
 * The conformance suite of EventBridge's event patterns (./cases.ts, each from a page of AWS's
 * documentation), run as a user would check a pattern: EventBridge's own TestEventPattern action,
 * called with the AWS SDK on the platform's messaging endpoint.
 */
import {
  EventBridgeClient,
  TestEventPatternCommand,
  type TestEventPatternCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/aws/credentials.ts';
import { LocalEventBus } from '../../../local/emulators/events.ts';
import { LocalTopics, messagingApi } from '../../../local/emulators/messaging.ts';
import { type Listening, listen } from '../../../local/http/http-server.ts';
import { localAccount } from '../../../local/template/resolve.ts';
import { CASES, requestOf } from './cases.ts';

let server: Listening;
let client: EventBridgeClient;

beforeAll(async () => {
  const account = localAccount();
  const events = new LocalEventBus({ rules: [], lambda: { find: () => undefined }, account });
  const topics = new LocalTopics([]);
  server = await listen(
    'SNS and EventBridge',
    messagingApi({ account, topics, events, busNames: ['default'] }),
    0,
    '127.0.0.1',
  );
  client = new EventBridgeClient({
    region: account.region,
    credentials: LOCAL_CREDENTIALS,
    endpoint: server.url,
  });
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

const outcomeOf = async (input: ReturnType<typeof requestOf>) => {
  let output: TestEventPatternCommandOutput;
  try {
    output = await client.send(new TestEventPatternCommand(input));
  } catch (error) {
    return (error as Error).name;
  }
  return output.Result ? 'match' : 'no match';
};

describe('EventBridge event patterns, as the documentation states them', () => {
  it('has at least 60 cases, each citing its page and section', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    for (const { page, section } of CASES) {
      expect(page).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/eventbridge\/latest\//);
      expect(section).not.toBe('');
    }
  });

  describe.each(Object.entries(Object.groupBy(CASES, ({ page }) => page)))('%s', (_page, cases) => {
    it.each(cases ?? [])('$section: $name ($expected)', async (conformance) => {
      // Act
      const outcome = await outcomeOf(requestOf(conformance));

      // Assess
      expect(outcome).toBe(conformance.expected);
    });
  });
});
