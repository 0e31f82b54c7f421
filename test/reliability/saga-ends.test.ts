/**
 * Nothing left behind, whatever ends the saga: faults the saga's own failure injection never
 * makes. Every task of the ASL fails 0..N times with any error name (ParseError, States.Timeout,
 * Lambda.Unknown, a business error), before or after its write lands; RecordLeftover never
 * succeeds; an operator stops the execution at every task (the task's write landing after the
 * stop, or the task hanging); the execution times out at every task. Trips start through the
 * API, as users start them.
 *
 * Each outcome is checked from the table itself, not from the status API: the trip record is
 * concluded, and the trip is booked (all confirmed), or nothing is live, or every live booking
 * has an open leftover; BookingFailed means nothing was live. Then the sweep and the repair
 * leave nothing live on any trip that did not book.
 */
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { noticeFor } from '../../functions/commons/notices/notice.ts';
import type { TableItem } from '../../functions/commons/table/item.ts';
import { REFERENCE_TRIP, type RunType } from '../../functions/commons/trip/document.ts';
import { tripItemsOf } from '../../functions/commons/trip/items.ts';
import { isLeftover, isLive, isOpenLeftover } from '../../functions/commons/trip/rules.ts';
import { checkInvariant } from '../../local/app/checks/invariant.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import type { Fault, FaultPlan } from '../../local/checks/faults.ts';
import { mapConcurrently } from '../support/reliability.ts';
import { FAILS_LAST_STEP, FORWARD, recordOf, UNDO_ORDER } from '../support/saga-paths.ts';
import {
  externalStepFunctions,
  type TestPlatform,
  tripItems,
  useTestStack,
  waitForExecution,
} from '../support/stack.ts';

const COMPENSATIONS: string[] = UNDO_ORDER;
const RECORDS = COMPENSATIONS.map(recordOf);
const TASKS = [...FORWARD, ...COMPENSATIONS, ...RECORDS];
// Errors from outside the saga's own model: a deploy that tightens a schema, a task timeout,
// Lambda's catch-all, a business error, a throttle.
const ERRORS = [
  'ParseError',
  'States.Timeout',
  'Lambda.Unknown',
  'HotelReservationFailed',
  'Lambda.TooManyRequestsException',
];
// Only the faults each test makes: the demo's random compensation failures would decide for
// some runs which attempt a fault lands on.
const NO_RANDOM_FAILURES = { CompensationFailureRate: '0' };
// 1 and 3 recover under a retry policy; 16 exhausts every one (compensations try 16 times).
const COUNTS = [1, 3, 16];

/** Which run type reaches a task: the forward steps on success, the rest on a late failure. */
const runTypeFor = (state: string): RunType =>
  FORWARD.includes(state) ? 'success' : FAILS_LAST_STEP;

type Plan = (state: string, invocation: number, executionArn: string) => Fault | undefined;

/** The plans by trip id; the execution is named after its trip. */
const plans = new Map<string, Plan>();
const faults: FaultPlan = ({ executionArn, state, invocation }) =>
  plans.get(executionArn.slice(executionArn.lastIndexOf(':') + 1))?.(
    state,
    invocation,
    executionArn,
  );

const failing =
  (targets: readonly string[], error: string, count: number, kind: 'fail' | 'fail-after'): Plan =>
  (state, invocation) =>
    targets.includes(state) && invocation < count
      ? { kind, error, cause: `${error} (injected from outside the saga's fault model)` }
      : undefined;

const post = async (platform: TestPlatform, tripId: string, runType: RunType) => {
  const response = await fetch(`${platform.stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...REFERENCE_TRIP, trip_id: tripId, run_type: runType }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { execution_arn: string }).execution_arn;
};

/** Runs a trip with a plan to its end, and the end of everything its end set off. */
const runWith = async (platform: TestPlatform, runType: RunType, plan: Plan, name: string) => {
  const tripId = `${name}-${randomUUID()}`.slice(0, 64);
  plans.set(tripId, plan);
  const executionArn = await post(platform, tripId, runType);
  const { description } = await waitForExecution(platform.clients.sfn, executionArn);
  return { tripId, name, status: description.status ?? '', error: description.error };
};

const itemsOf = (platform: TestPlatform, tripId: string) =>
  tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);

/** The invariant, from the table alone: the trip record says how the saga ended. */
const checkTable = (items: TableItem[]) => {
  const { record } = tripItemsOf(items);
  if (!record?.execution_status) return ['the trip record was not concluded'];
  const { outcome, violations } = checkInvariant(
    record.execution_status,
    record.execution_error || undefined,
    items,
  );
  const expectedOutcome =
    outcome === 'booked' ? 'booked' : outcome === 'recorded' ? 'needs_repair' : 'failed';
  if (outcome !== 'violated' && record.outcome !== expectedOutcome)
    violations.push(`the record says ${record.outcome}, the items say ${expectedOutcome}`);
  return violations;
};

const settleAndCheck = async (
  platform: TestPlatform,
  trips: { tripId: string; name: string; status: string }[],
) => {
  await platform.stack.events.idle();
  const violations: string[] = [];
  for (const trip of trips) {
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, trip.tripId);
    for (const violation of checkTable(items)) violations.push(`${trip.name}: ${violation}`);
  }
  return violations;
};

/**
 * What each trip's customer was told, from the topic and the table: no notice twice, each one
 * sent recorded as sent, and the last one the notice the trip's table calls for now.
 */
const toldOnce = async (platform: TestPlatform, tripIds: string[]) => {
  await platform.stack.events.idle();
  const wrong: string[] = [];
  for (const tripId of tripIds) {
    const told = platform.stack.topics.messages
      .filter((message) => message.attributes.trip_id === tripId)
      .map((message) => message.attributes.notice ?? '');
    const items = tripItemsOf(
      await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId),
    );
    const outcome = items.record?.outcome;
    const notice = outcome && noticeFor(outcome, items);
    const sent = items.notifications
      .filter((item) => item.delivery_status === 'sent')
      .map((item) => item.notice);
    if (new Set(told).size !== told.length) wrong.push(`${tripId}: told ${told.join(', ')}`);
    if ([...sent].sort().join() !== [...told].sort().join())
      wrong.push(`${tripId}: told ${told.join(', ')}, recorded ${sent.join(', ')}`);
    if (told.at(-1) !== notice) wrong.push(`${tripId}: last told ${told.at(-1)}, not ${notice}`);
  }
  return wrong;
};

/** After the sweep and a repair of every trip that needs one: nothing live unless booked. */
const repairAndCheck = async (platform: TestPlatform, tripIds: string[]) => {
  await platform.stack.runSchedules({ older_than_seconds: 0 });
  const lambda = new LambdaClient({
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint: platform.stack.endpoints.lambda,
  });
  const left: string[] = [];
  for (const tripId of tripIds) {
    const repair = await lambda.send(
      new InvokeCommand({
        FunctionName: 'RepairTripFunction',
        Payload: JSON.stringify({ trip_id: tripId }),
      }),
    );
    if (repair.FunctionError) left.push(`${tripId}: repair failed`);
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId);
    if (tripItemsOf(items).record?.outcome === 'booked') continue;
    for (const item of items.filter(isLive)) left.push(`${tripId}: ${item.sk} still live`);
    for (const item of items.filter(isOpenLeftover)) left.push(`${tripId}: ${item.sk} still open`);
  }
  lambda.destroy();
  return left;
};

describe.skipIf(externalStepFunctions)(
  'every task failing with any error, any number of times',
  () => {
    const platform = useTestStack({ faults, parameters: NO_RANDOM_FAILURES });
    const runs: Awaited<ReturnType<typeof runWith>>[] = [];

    beforeAll(async () => {
      // Every task with every error, before and after its write; the counts rotate, so each task
      // meets every count on each side, and each error every count on each side across the
      // tasks (a covering design: a third of the whole product's runs, every pair kept).
      const scenarios = TASKS.flatMap((state, task) =>
        ERRORS.flatMap((error, errorIndex) =>
          (['fail', 'fail-after'] as const).map((kind, side) => ({
            state,
            error,
            count: COUNTS[(task + errorIndex + side) % COUNTS.length] ?? 1,
            kind,
          })),
        ),
      );
      // RecordLeftover never succeeding, after its compensation exhausted every attempt.
      const unrecordable = COMPENSATIONS.map((compensation) => ({
        name: `unrecordable-${compensation}`,
        plan: (state: string, invocation: number, executionArn: string) =>
          failing([compensation], 'Lambda.Unknown', 16, 'fail')(state, invocation, executionArn) ??
          failing(
            [`Record${compensation}Leftover`],
            'Lambda.Unknown',
            99,
            'fail',
          )(state, invocation, executionArn),
      }));
      runs.push(
        ...(await mapConcurrently(scenarios, 16, ({ state, error, count, kind }) =>
          runWith(
            platform,
            runTypeFor(state),
            failing([state], error, count, kind),
            `${state}-${error.replace(/\./g, '')}-${count}-${kind}`,
          ),
        )),
        ...(await mapConcurrently(unrecordable, 3, ({ name, plan }) =>
          runWith(platform, FAILS_LAST_STEP, plan, name),
        )),
      );
    }, 180_000);

    it('ran every scenario to an end: 11 tasks x 5 errors x before/after the write, every task and every error at 1, 3 and 16 failures, and RecordLeftover never succeeding', () => {
      expect(runs).toHaveLength(TASKS.length * ERRORS.length * 2 + 3);
      const failures = (key: (run: (typeof runs)[number]) => string) =>
        new Set(runs.filter((run) => !run.name.startsWith('unrecordable-')).map(key));
      // Names read <state>-<error>-<count>-<kind>: every task and every error met every count.
      expect(failures((run) => run.name.replace(/-[^-]+-(\d+)-/, '-$1-'))).toHaveProperty(
        'size',
        TASKS.length * COUNTS.length * 2,
      );
      expect(failures((run) => run.name.replace(/^[^-]+-/, ''))).toHaveProperty(
        'size',
        ERRORS.length * COUNTS.length * 2,
      );
      expect(runs.every((run) => run.status !== 'RUNNING')).toBe(true);
      // The faults reached every kind of end the saga has.
      expect(new Set(runs.map((run) => run.error ?? run.status))).toEqual(
        new Set(['SUCCEEDED', 'BookingFailed', 'BookingNeedsRepair']),
      );
    });

    it('leaves every trip booked, undone, or with an open leftover for each live booking, in the table', async () => {
      expect(await settleAndCheck(platform, runs)).toEqual([]);
    });

    it('records a ParseError in a compensation as a leftover, never skipping it', async () => {
      const parseErrors = runs.filter(
        (run) => /^Cancel|^Refund/.test(run.name) && run.name.includes('ParseError'),
      );
      expect(parseErrors.length).toBeGreaterThan(0);
      for (const run of parseErrors) {
        const items = await tripItems(
          platform.clients.dynamodb,
          platform.stack.tableName,
          run.tripId,
        );
        expect(run.error, run.name).toBe('BookingNeedsRepair');
        expect(items.filter(isLeftover), run.name).toHaveLength(1);
      }
    });

    it('records what RecordLeftover could not, from the table, once the execution has ended', async () => {
      for (const run of runs.filter((candidate) => candidate.name.startsWith('unrecordable-'))) {
        const items = await tripItems(
          platform.clients.dynamodb,
          platform.stack.tableName,
          run.tripId,
        );
        expect(run.error, run.name).toBe('BookingNeedsRepair');
        expect(items.filter(isOpenLeftover), run.name).toEqual([
          expect.objectContaining({ error: 'Saga.FAILED' }),
        ]);
      }
    });

    it('leaves nothing live on any trip that did not book, after the sweep and the repair', async () => {
      expect(
        await repairAndCheck(
          platform,
          runs.map((run) => run.tripId),
        ),
      ).toEqual([]);
    });

    it('told each customer each outcome once, the last one the outcome after the repair', async () => {
      expect(
        await toldOnce(
          platform,
          runs.map((run) => run.tripId),
        ),
      ).toEqual([]);
    });
  },
);

/**
 * For trips the saga could not finish (stopped, timed out): the table's invariant, each outcome
 * told once, and nothing live. What is wrong, one line each.
 */
const undoneAndToldOnce = async (
  platform: TestPlatform,
  runs: { tripId: string; name: string; status: string }[],
) => {
  const problems = [
    ...(await settleAndCheck(platform, runs)),
    ...(await toldOnce(
      platform,
      runs.map((run) => run.tripId),
    )),
  ];
  for (const run of runs) {
    for (const item of (await itemsOf(platform, run.tripId)).filter(isLive))
      problems.push(`${run.name}: ${item.sk} still live`);
  }
  return problems;
};

describe.skipIf(externalStepFunctions)('an operator stopping the execution at every task', () => {
  const platform = useTestStack({ faults, parameters: NO_RANDOM_FAILURES });
  const runs: Awaited<ReturnType<typeof runWith>>[] = [];

  beforeAll(async () => {
    const stop = (target: string, then: 'write-after-stop' | 'hang'): Plan => {
      let stopped = false;
      return (state, _invocation, executionArn) => {
        if (state !== target || stopped) return undefined;
        stopped = true;
        // As `aws stepfunctions stop-execution` would, while the task is being invoked.
        platform.stack.stepFunctions?.stopExecution({ executionArn, error: 'Operator' });
        return then === 'hang' ? { kind: 'hang' } : undefined;
      };
    };
    const scenarios = TASKS.filter((state) => !RECORDS.includes(state)).flatMap((state) =>
      (['write-after-stop', 'hang'] as const).map((then) => ({ state, then })),
    );
    runs.push(
      ...(await mapConcurrently(scenarios, 8, ({ state, then }) =>
        runWith(platform, runTypeFor(state), stop(state, then), `stop-${state}-${then}`),
      )),
    );
  }, 180_000);

  it('stopped every one: ABORTED at each task', () => {
    expect(runs.map((run) => run.status)).toEqual(Array(runs.length).fill('ABORTED'));
    expect(runs).toHaveLength(16);
  });

  it('undoes what the stopped saga did, a task landing after the stop included', async () => {
    expect(await undoneAndToldOnce(platform, runs)).toEqual([]);
  });
});

describe.skipIf(externalStepFunctions)('an execution timing out at every task', () => {
  const platform = useTestStack({
    faults,
    stepFunctions: { executionTimeoutMs: 300 },
    parameters: NO_RANDOM_FAILURES,
  });
  const runs: Awaited<ReturnType<typeof runWith>>[] = [];

  beforeAll(async () => {
    const hangAt =
      (target: string): Plan =>
      (state) =>
        state === target ? { kind: 'hang' } : undefined;
    const states = TASKS.filter((state) => !RECORDS.includes(state));
    runs.push(
      ...(await mapConcurrently(states, 8, (state) =>
        runWith(platform, runTypeFor(state), hangAt(state), `timeout-${state}`),
      )),
    );
  }, 180_000);

  it('timed out at each task', () => {
    expect(runs.map((run) => run.status)).toEqual(Array(runs.length).fill('TIMED_OUT'));
  });

  it('undoes what the timed-out saga did: nothing live, the record concluded', async () => {
    expect(await undoneAndToldOnce(platform, runs)).toEqual([]);
    for (const run of runs) {
      const items = await itemsOf(platform, run.tripId);
      expect(
        items.find((item) => item.sk === 'TRIP'),
        run.name,
      ).toMatchObject({
        execution_status: 'TIMED_OUT',
        outcome: 'failed',
      });
    }
  });
});
