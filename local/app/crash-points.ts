/**
 * Every crash point of a booking's whole path, enumerated, not sampled. A scenario (one booking
 * of a run type, then the late duplicate of its end event; or a trip that needs repair, whose
 * end event is lost, settled by the sweep, then repaired) runs once without a crash, and every
 * AWS call its functions make about its trip is listed: StartBooking's, each task's, the
 * reconciler's, the bus's (PutEvents), the notifier's, the sweep's, the repair's. Then, for each
 * call k, the scenario runs again on a platform of its own and crashes just before call k, and
 * again just after call k's effect landed (the I/O gate, gate.ts): every call from that instant
 * is held, and the functions' thread is terminated, so nothing after the crash point runs, no
 * `finally`, no retry; the platform closes as a killed `npm start` ends (its executions gone,
 * nobody told). Afterwards one platform restarts on the same table, lets time pass beyond the
 * notifier's claim lease, runs the sweep as `npm start --data-dir` does after a restart (until
 * nothing is left open), and each trip is checked from the table and from what its customer
 * received (told.ts).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableItem } from '#table/item.ts';
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '#trip/document.ts';
import { queryTripItems, tripItemsOf } from '#trip/items.ts';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { injectFaults } from '../checks/faults.ts';
import type { TopicMessage } from '../emulators/messaging.ts';
import type { ExecutionRecord } from '../emulators/sfn/service.ts';
import { executionStatusChange } from '../emulators/sfn/status-events.ts';
import { type LocalStack, type StackOptions, startStack } from '../stack.ts';
import { type GateCall, IoGate } from './gate.ts';
import { checkTold, type Received } from './told.ts';

/** The notifier's claim lease on these platforms: short, so that a restart can outwait it. */
const LEASE_SECONDS = 0.3;

export type Scenario = RunType | 'repair';

/** The scenarios of the whole path: every run type, and a trip that needs repair. */
export const SCENARIOS: readonly Scenario[] = [...RUN_TYPES, 'repair'];

/** A crash point: the scenario, the call (who, what, which of its kind), before or after it. */
export interface CrashPoint {
  scenario: Scenario;
  call: string;
  when: 'crash-before' | 'crash-after';
}

export interface CrashReport {
  scenarios: Scenario[];
  /** Calls listed per scenario (a crash point before and after each). */
  calls: Record<string, number>;
  /** Crash points explored: each one run to its crash, then recovered and checked. */
  explored: number;
  /** Crash points whose call never came (the path went otherwise): should be none. */
  notReached: string[];
  violations: { tripId: string; point: string; violations: string[] }[];
  /** Documented duplicates received (a resend of the same text after a crash, counted). */
  duplicates: number;
  seconds: number;
}

const contactOf = (tripId: string) => `${tripId}@crash.example.com`;

/** A call about this trip (its id in the request), or one of the sweep's index queries. */
const isOfTrip = (call: GateCall, tripId: string) =>
  call.body.includes(tripId) || call.body.includes('"IndexName":"OpenTrips"');

/** Messages as the customer received them, by trip. */
class Inbox {
  readonly #byTrip = new Map<string, Received[]>();
  /** Every message of any topic, as kept (operators' records too). */
  readonly all: TopicMessage[] = [];

  keep = (message: TopicMessage) => {
    this.all.push(message);
    if (!message.topicArn.endsWith(':CustomerNotificationsTopic')) return;
    const tripId = message.attributes.trip_id ?? '';
    const received = this.#byTrip.get(tripId) ?? [];
    received.push({
      notice: message.attributes.notice ?? '',
      subject: message.subject,
      message: message.message,
      contact: message.attributes.contact,
    });
    this.#byTrip.set(tripId, received);
  };

  of(tripId: string): Received[] {
    return this.#byTrip.get(tripId) ?? [];
  }
}

/** One run of a scenario on a platform of its own, crashing at `point` (none: the dry run). */
const runScenario = async (
  scenario: Scenario,
  tripId: string,
  point: Omit<CrashPoint, 'scenario'> | undefined,
  stackOptions: StackOptions,
  inbox: Inbox,
): Promise<{ calls: string[]; crashed: boolean }> => {
  const gate = await IoGate.start();
  const stack = await startStack({
    ...stackOptions,
    environment: {
      ...stackOptions.environment,
      ...gate.environment(),
      NOTICE_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS),
    },
    messaging: {
      ...stackOptions.messaging,
      onMessage: (message) => {
        if (!gate.isCut) inbox.keep(message);
      },
    },
  });
  gate.upstreams = {
    dynamodb: stack.endpoints.dynamodb,
    sfn: stack.endpoints.sfn,
    messaging: stack.endpoints.messaging,
  };
  const calls: string[] = [];
  const seen = new Map<string, number>();
  let crash: () => void = () => undefined;
  const crashed = new Promise<'crashed'>((resolve) => {
    crash = () => resolve('crashed');
  });
  gate.decide = (call) => {
    if (!isOfTrip(call, tripId)) return 'pass';
    const kind = `${call.caller} ${call.action}`;
    const nth = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, nth);
    const label = `${kind} #${nth}`;
    calls.push(label);
    return point && label === point.call ? point.when : 'pass';
  };
  gate.onCrash = () => {
    // The process is gone: nothing of it reaches anything any more, its thread ends now.
    gate.cut();
    void stack.lambda.close();
    crash();
  };
  const path = play(scenario, stack, tripId).catch((error: unknown) => {
    if (!gate.isCut) throw error;
  });
  const ended = await Promise.race([path.then(() => 'ended' as const), crashed]);
  if (ended === 'ended') await stack.events.idle();
  gate.cut();
  await stack.close();
  await gate.close();
  return { calls, crashed: ended === 'crashed' };
};

/** The path of a scenario, step by step, each awaited. */
const play = async (scenario: Scenario, stack: LocalStack, tripId: string): Promise<void> => {
  const service = stack.stepFunctions;
  if (!service) throw new Error('The crash harness runs on the built-in Step Functions');
  const repair = scenario === 'repair';
  if (repair) {
    // Its CancelFlight fails every attempt: the saga ends needing repair.
    injectFaults(stack, ({ executionArn, state }) =>
      executionArn.endsWith(`:${tripId}`) && state === 'CancelFlight'
        ? { kind: 'fail', error: 'Lambda.ServiceException', cause: 'crash harness' }
        : undefined,
    );
    // And its end event is lost (the first one): the sweep settles it.
    const reconciler = stack.lambda.find('ReconcileTripFunction');
    if (reconciler) {
      const invoke = reconciler.invoke.bind(reconciler);
      let lost = false;
      reconciler.invoke = async (event) => {
        if (lost || !JSON.stringify(event).includes(tripId)) return invoke(event);
        lost = true;
        return { ok: true, payload: null, payloadJson: 'null', requestId: randomUUID() };
      };
    }
  }
  const response = await fetch(`${stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...REFERENCE_TRIP,
      trip_id: tripId,
      run_type: repair ? 'failPayment' : scenario,
      contact: contactOf(tripId),
    }),
  });
  if (response.status !== 202) throw new Error(`POST /trips answered ${response.status}`);
  const { execution_arn } = (await response.json()) as { execution_arn: string };
  const execution: ExecutionRecord = service.execution(execution_arn);
  await execution.done;
  await stack.events.idle();
  if (repair) {
    await stack.runSchedules({ older_than_seconds: 0 });
    await stack.events.idle();
    const repaired = await stack.lambda.find('RepairTripFunction')?.invoke({ trip_id: tripId });
    if (!repaired?.ok) throw new Error(`The repair failed: ${JSON.stringify(repaired)}`);
  }
  // The end event again, late: a duplicate changes nothing.
  stack.events.put(executionStatusChange(execution));
  await stack.events.idle();
};

/** Each trip's items, read once everything has settled. */
const readItems = async (endpoint: string, tableName: string, tripIds: string[]) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const documents = DynamoDBDocumentClient.from(client);
  const items = new Map<string, TableItem[]>();
  try {
    for (const tripId of tripIds)
      items.set(tripId, await queryTripItems(documents, tableName, tripId));
  } finally {
    client.destroy();
  }
  return items;
};

/**
 * The restart: a platform on the same table, time past every claim's lease, then the sweep over
 * every open trip, again until nothing it can settle is left (at most a few rounds).
 */
const recover = async (stackOptions: StackOptions, inbox: Inbox, tripIds: string[]) => {
  const stack = await startStack({
    ...stackOptions,
    environment: { ...stackOptions.environment, NOTICE_CLAIM_LEASE_SECONDS: String(LEASE_SECONDS) },
    messaging: { ...stackOptions.messaging, onMessage: inbox.keep },
  });
  try {
    for (let round = 0; round < 4; round++) {
      await sleep(LEASE_SECONDS * 1000 + 50);
      await stack.runSchedules({ older_than_seconds: 0 });
      await stack.events.idle();
      const items = await readItems(stack.endpoints.dynamodb, stack.tableName, tripIds);
      const open = [...items.values()].some((trip) => {
        const { record, notifications } = tripItemsOf(trip);
        return (
          (record && (!record.execution_status || record.notice_owed)) ||
          notifications.some((item) => item.delivery_status !== 'sent')
        );
      });
      if (!open) break;
    }
    return await readItems(stack.endpoints.dynamodb, stack.tableName, tripIds);
  } finally {
    await stack.close();
  }
};

/** A trip id per run: fixed width, so that no id is a prefix of another. */
const tripIdOf = (scenario: number, run: number) =>
  `crash-${String(scenario).padStart(2, '0')}-${String(run).padStart(4, '0')}`;

export interface ExploreOptions {
  scenarios: readonly Scenario[];
  /** The platforms' options: a DynamoDB every one of them shares (dynamodbEndpoint), prebuilt functions. */
  stack: StackOptions;
  /** Which crash points to run (default: every one). */
  select?: (point: CrashPoint) => boolean;
}

export const exploreCrashPoints = async ({
  scenarios,
  stack: stackOptions,
  select = () => true,
}: ExploreOptions): Promise<CrashReport> => {
  const started = performance.now();
  const inbox = new Inbox();
  const report: CrashReport = {
    scenarios: [...scenarios],
    calls: {},
    explored: 0,
    notReached: [],
    violations: [],
    duplicates: 0,
    seconds: 0,
  };
  const pointOf = new Map<string, string>();
  for (const scenario of scenarios) {
    const scenarioIndex = SCENARIOS.indexOf(scenario);
    let run = 0;
    const dryId = tripIdOf(scenarioIndex, run++);
    const { calls } = await runScenario(scenario, dryId, undefined, stackOptions, inbox);
    pointOf.set(dryId, `${scenario}: no crash`);
    report.calls[scenario] = calls.length;
    for (const call of calls) {
      for (const when of ['crash-before', 'crash-after'] as const) {
        const point = { scenario, call, when };
        if (!select(point)) continue;
        const tripId = tripIdOf(scenarioIndex, run++);
        const label = `${scenario}: ${when} ${call}`;
        pointOf.set(tripId, label);
        const { crashed } = await runScenario(scenario, tripId, point, stackOptions, inbox);
        if (crashed) report.explored++;
        else report.notReached.push(label);
      }
    }
  }
  const tripIds = [...pointOf.keys()];
  const items = await recover(stackOptions, inbox, tripIds);
  if (process.env.CRASH_DEBUG) {
    for (const tripId of tripIds)
      console.log(tripId, JSON.stringify(items.get(tripId)), JSON.stringify(inbox.of(tripId)));
  }
  for (const tripId of tripIds) {
    const { violations, duplicates } = checkTold(
      items.get(tripId) ?? [],
      inbox.of(tripId),
      contactOf(tripId),
    );
    report.duplicates += duplicates;
    if (violations.length > 0)
      report.violations.push({ tripId, point: pointOf.get(tripId) ?? '', violations });
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
};

export const formatCrashReport = (report: CrashReport): string =>
  [
    `Crash points: ${report.explored} explored (${Object.entries(report.calls)
      .map(([scenario, calls]) => `${scenario} ${calls} calls`)
      .join(', ')}; a crash before and after each)`,
    `not reached: ${report.notReached.length}`,
    ...report.notReached.slice(0, 10).map((label) => `  ${label}`),
    `violations: ${report.violations.length}`,
    ...report.violations
      .slice(0, 10)
      .map((v) => `  ${v.tripId} (${v.point}): ${v.violations.join('; ')}`),
    `documented duplicates received: ${report.duplicates}`,
    `time: ${report.seconds.toFixed(1)} s`,
  ].join('\n');
