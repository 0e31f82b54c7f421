/**
 * An execution's path as the console colours it: for every run type, from the history of a
 * real execution on the platform (compensations failing 40 % of the time, seeded), and for the
 * cases a run type does not reach (still running, failed with nothing to catch it, stopped).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '../../functions/commons/trip/document.ts';
import { readSagaDefinition } from '../../local/app/saga.ts';
import { graphOf } from '../../local/console/graph.ts';
import { type PathEvent, pathOf } from '../../local/console/path.ts';
import type { LocalStack } from '../../local/stack.ts';
import { EXPECTED_PATH, FORWARD } from '../support/saga-paths.ts';
import { clientsFor, RANDOM_FAILURES, startTestStack, waitForExecution } from '../support/stack.ts';

const graph = graphOf(readSagaDefinition());

const entered = (name: string, type = 'Task'): PathEvent => ({
  type: `${type}StateEntered`,
  stateEnteredEventDetails: { name },
});
const event = (type: string): PathEvent => ({ type });

describe('pathOf, on histories a run type does not reach', () => {
  it('shows a state entered and not left, in an execution still running, as running', () => {
    // Prepare
    const events = [
      event('ExecutionStarted'),
      entered('ReserveHotel'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('TaskSucceeded'),
      event('TaskStateExited'),
      entered('ReserveFlight'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('TaskFailed'),
      event('TaskScheduled'),
    ];

    // Act
    const path = pathOf(graph, events);

    // Assess
    expect(path.states).toEqual({
      ReserveHotel: { status: 'succeeded', retries: 0 },
      ReserveFlight: { status: 'running', retries: 1 },
    });
    expect(path.edges).toEqual(['ReserveHotel->ReserveFlight:next']);
  });

  it('shows the state an execution failed in, with nothing catching it, as failed', () => {
    // Prepare
    const events = [
      event('ExecutionStarted'),
      entered('ReserveHotel'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('TaskFailed'),
      event('ExecutionFailed'),
    ];

    // Act
    const path = pathOf(graph, events);

    // Assess
    expect(path.states.ReserveHotel).toEqual({ status: 'failed', retries: 0 });
  });

  it('colours a choice as the way that reached it: a decision, never a compensation', () => {
    // Prepare: the undo chain's end, through the choice to BookingFailed.
    const events = [
      event('ExecutionStarted'),
      entered('CancelHotel'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('TaskSucceeded'),
      event('TaskStateExited'),
      entered('CheckLeftovers', 'Choice'),
      event('ChoiceStateExited'),
      entered('BookingFailed', 'Fail'),
      event('ExecutionFailed'),
    ];

    // Act
    const path = pathOf(graph, events);

    // Assess
    expect(graph.nodes.find((node) => node.id === 'CheckLeftovers')?.kind).toBe('choice');
    expect(path.states.CheckLeftovers).toEqual({ status: 'fallback', retries: 0 });
    expect(path.edges).toEqual([
      'CancelHotel->CheckLeftovers:next',
      'CheckLeftovers->BookingFailed:default',
    ]);
  });

  it('shows the state a stopped execution was in as failed, its retries counted', () => {
    // Prepare
    const events = [
      event('ExecutionStarted'),
      entered('ReserveHotel'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('TaskTimedOut'),
      event('TaskScheduled'),
      event('TaskStarted'),
      event('ExecutionAborted'),
    ];

    // Act
    const path = pathOf(graph, events);

    // Assess
    expect(path.states.ReserveHotel).toEqual({ status: 'failed', retries: 1 });
  });
});

describe('pathOf, on real executions of every run type', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack(RANDOM_FAILURES);
  });
  afterAll(async () => {
    await stack.close();
  });

  /** What each state on the run type's path must show, from the written-out paths. */
  const expectedStatuses = (runType: RunType) => {
    const path = EXPECTED_PATH[runType];
    const lastForward = path.filter((name) => FORWARD.includes(name)).at(-1);
    return Object.fromEntries(
      path.map((name) => {
        if (name === 'BookingConfirmed') return [name, 'succeeded'];
        if (name === 'BookingFailed') return [name, 'failed'];
        if (!FORWARD.includes(name)) return [name, 'fallback'];
        return [name, runType !== 'success' && name === lastForward ? 'caught' : 'succeeded'];
      }),
    );
  };

  let retriesSeen = 0;

  it.each(RUN_TYPES)('%s: its states, retries and transitions', async (runType) => {
    // Prepare
    const { sfn } = clientsFor(stack);
    // No clock in the id: the seeded draws depend on the seed and the trip id alone (they once
    // drew no compensation failure at all, with Date.now() in the id).
    const tripId = `console-path-${runType}`;
    const { executionArn = '' } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: tripId,
        input: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP, run_type: runType }),
      }),
    );
    const { events } = await waitForExecution(sfn, executionArn);

    // Act
    const path = pathOf(graph, events);

    // Assess: the statuses
    const statuses = Object.fromEntries(
      Object.entries(path.states).map(([name, state]) => [name, state.status]),
    );
    expect(statuses).toEqual(expectedStatuses(runType));
    // the retries: task attempts per state, counted here from the raw history
    const attempts = new Map<string, number>();
    let state = '';
    for (const { type, stateEnteredEventDetails } of events) {
      if (type?.endsWith('StateEntered')) state = stateEnteredEventDetails?.name ?? '';
      if (type === 'TaskScheduled') attempts.set(state, (attempts.get(state) ?? 0) + 1);
    }
    for (const [name, count] of attempts) expect(path.states[name]?.retries).toBe(count - 1);
    retriesSeen += Object.values(path.states).reduce((sum, { retries }) => sum + retries, 0);
    // the transitions: one per step, the failed forward step's by its catch
    const expected = EXPECTED_PATH[runType];
    const lastForward = expected.filter((name) => FORWARD.includes(name)).at(-1);
    expect(path.edges).toEqual(
      expected.slice(1).map((to, index) => {
        const from = expected[index] ?? '';
        const kind =
          from === 'CheckLeftovers'
            ? 'default'
            : runType !== 'success' && from === lastForward
              ? 'catch'
              : 'next';
        return `${from}->${to}:${kind}`;
      }),
    );
  });

  it('saw compensations retried in those runs, so retry counts were really checked', () => {
    expect(retriesSeen).toBeGreaterThan(0);
  });
});
