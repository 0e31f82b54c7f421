/**
 * The stack's SNS and EventBridge: the template's topics (every message kept, and told), its
 * buses and rules delivering to its functions with Lambda's asynchronous retries, and its rate()
 * schedules run on a timer (or on demand: `runSchedules`).
 */
import { type Delivery, eventsOf, LocalEventBus, type Schedule } from '../emulators/events.ts';
import type { LocalLambda } from '../emulators/lambda-runtime.ts';
import {
  LocalTopics,
  messagingApi,
  messagingOf,
  type TopicMessage,
} from '../emulators/messaging.ts';
import type { RequestHandler } from '../http/http-server.ts';
import type { LoadedTemplate } from '../template/support.ts';

export interface MessagingOptions {
  /**
   * Run the template's schedules this often instead of their rate (0: never on a timer; tests
   * run them through `runSchedules`).
   */
  scheduleIntervalMs?: number;
  /** Told of every event delivery that has ended (the target succeeded or retries gave up). */
  onDelivery?: (delivery: Delivery) => void;
  /** Told of every message published to one of the template's topics. */
  onMessage?: (message: TopicMessage) => void;
}

/** What npm start says of a delivery that gave up, when nobody else is told. */
const reportFailure = (delivery: Delivery) => {
  if (delivery.error) {
    console.error(
      `${delivery.rule}: ${delivery.target} failed ${delivery.attempts} times; gave up: ${delivery.error}${delivery.destination ? `; the event went to ${delivery.destination}` : ''}`,
    );
  }
};

/**
 * The template's rules, schedules and invoke configs, read before anything starts: a rule whose
 * pattern EventBridge would refuse stops the start then.
 */
export const readEvents = (loaded: LoadedTemplate) => eventsOf(loaded.runnable, loaded.resolve);

export const startMessaging = (
  loaded: LoadedTemplate,
  { rules, schedules, invokeConfigs }: ReturnType<typeof readEvents>,
  lambda: LocalLambda,
  retryDelayMs: number | undefined,
  options: MessagingOptions,
) => {
  const { account } = loaded;
  const { topicArns, busNames } = messagingOf(loaded.runnable, account);
  const topics = new LocalTopics(topicArns, options.onMessage);
  const events = new LocalEventBus({
    rules,
    invokeConfigs,
    topics,
    lambda,
    account,
    retryDelayMs: retryDelayMs ?? 1000,
    onDelivery: options.onDelivery ?? reportFailure,
  });
  const api: RequestHandler = messagingApi({ account, topics, events, busNames });

  const runSchedule = (schedule: Schedule, input?: unknown) =>
    events.deliver(
      schedule.target,
      input ??
        events.envelope({
          source: 'aws.events',
          'detail-type': 'Scheduled Event',
          resources: [
            `arn:aws:events:${account.region}:${account.accountId}:rule/${schedule.name}`,
          ],
          detail: {},
        }),
      0,
    );
  const runSchedules = async (input?: unknown) => {
    await Promise.all(schedules.map((schedule) => runSchedule(schedule, input)));
  };

  /** Starts each schedule's timer (once start-up is over); closing stops them. */
  const startSchedules = () => {
    const timers = schedules.map((schedule) => {
      const intervalMs = options.scheduleIntervalMs ?? schedule.intervalMs;
      return intervalMs > 0
        ? setInterval(() => void runSchedule(schedule), intervalMs).unref()
        : undefined;
    });
    return {
      close: async () => {
        for (const timer of timers) clearInterval(timer);
      },
    };
  };

  return {
    topics,
    events,
    api,
    schedules,
    runSchedules,
    startSchedules,
    close: () => events.close(),
  };
};
