/**
 * Stand-ins for EventBridge and SNS behind the SDK clients the handlers use: every PutEvents
 * entry and every Publish is recorded, and answered as AWS answers a success (or fails, when
 * a test says so).
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type PublishCommandInput } from '@aws-sdk/client-sns';
import { vi } from 'vitest';
import { eventBridge } from '../../functions/commons/clients/eventbridge.ts';
import { sns } from '../../functions/commons/clients/sns.ts';

export const fakeMessaging = () => {
  const events: PutEventsRequestEntry[] = [];
  const published: PublishCommandInput[] = [];
  const failures = { publish: 0, putEvents: 0 };
  vi.spyOn(eventBridge, 'send').mockImplementation((async (command: unknown) => {
    if (!(command instanceof PutEventsCommand)) throw new Error('Only PutEvents is faked');
    const entries = command.input.Entries ?? [];
    if (failures.putEvents > 0) {
      failures.putEvents -= 1;
      return {
        FailedEntryCount: entries.length,
        Entries: entries.map(() => ({ ErrorCode: 'InternalException', ErrorMessage: 'Try again' })),
      };
    }
    events.push(...entries);
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: crypto.randomUUID() })) };
  }) as never);
  vi.spyOn(sns, 'send').mockImplementation((async (command: unknown) => {
    if (!(command instanceof PublishCommand)) throw new Error('Only Publish is faked');
    if (failures.publish > 0) {
      failures.publish -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' });
    }
    published.push(command.input);
    return { MessageId: crypto.randomUUID() };
  }) as never);
  return { events, published, failures };
};
