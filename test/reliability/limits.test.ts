/**
 * The saga against Step Functions' service limits: the longest retry path's history (25,000
 * events per execution) and its worst-case duration (the execution's TimeoutSeconds), worked out
 * from the ASL; then that path driven on the offline platform, with the largest trip the API
 * accepts, to measure the history and every state's input and output (256 KB each).
 */
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP } from '../../functions/commons/trip/document.ts';
import { MAX_BODY_BYTES } from '../../functions/commons/trip/request.ts';
import { readSagaDefinition } from '../../local/app/saga.ts';
import type { FaultPlan } from '../../local/checks/faults.ts';
import {
  type Definition,
  edgesOf,
  maxAttempts,
  type State,
  worstCasePath,
} from '../../local/template/asl.ts';
import { FORWARD, LONGEST_PATH } from '../support/saga-paths.ts';
import {
  externalStepFunctions,
  runTrip,
  type TestPlatform,
  useTestStack,
  waitForExecution,
} from '../support/stack.ts';

/** Step Functions' quotas for a standard workflow. */
const MAX_HISTORY_EVENTS = 25_000;
const MAX_STATE_BYTES = 256 * 1024;

const definition = readSagaDefinition();

/**
 * The history events a state writes at most. A Task: TaskStateEntered and TaskStateExited, and
 * per attempt TaskScheduled, TaskStarted and TaskSucceeded or TaskFailed. A Fail state:
 * FailStateEntered only. Any other state: entered and exited.
 */
const historyEventsOf = (state: State): number => {
  if (state.Type === 'Task') return 2 + 3 * maxAttempts(state);
  if (state.Type === 'Fail') return 1;
  return 2;
};

/** The path from StartAt to an end that writes the most events, ExecutionStarted and the end included. */
const longestHistory = (asl: Definition): { events: number; states: string[] } => {
  const edges = edgesOf(asl);
  const memo = new Map<string, { events: number; states: string[] }>();
  const longest = (name: string, visiting: Set<string>): { events: number; states: string[] } => {
    const known = memo.get(name);
    if (known) return known;
    const state = asl.States[name];
    if (!state) throw new Error(`Transition to a missing state: ${name}`);
    if (visiting.has(name)) throw new Error(`The state machine loops through ${name}`);
    const tails = edges
      .filter((edge) => edge.from === name)
      .map((edge) => longest(edge.to, new Set([...visiting, name])));
    const tail = tails.reduce((best, next) => (next.events > best.events ? next : best), {
      events: 0,
      states: [] as string[],
    });
    const result = { events: historyEventsOf(state) + tail.events, states: [name, ...tail.states] };
    memo.set(name, result);
    return result;
  };
  const path = longest(asl.StartAt, new Set());
  // ExecutionStarted, and ExecutionSucceeded or ExecutionFailed.
  return { events: 2 + path.events, states: path.states };
};

const longest = longestHistory(definition);
const slowest = worstCasePath(definition);

describe('the longest retry path, from the ASL', () => {
  it(`writes ${longest.events} history events, under the ${MAX_HISTORY_EVENTS.toLocaleString('en')} a standard execution may have`, () => {
    // Assess
    // Every forward step retried to its last attempt, ConfirmFlight failing, and every
    // compensation and every leftover record failing all its attempts.
    expect(longest.states).toEqual(LONGEST_PATH);
    expect(longest.events).toBeLessThan(MAX_HISTORY_EVENTS);
  });

  it(`takes at most ${slowest.seconds} s, within the execution's TimeoutSeconds (${definition.TimeoutSeconds} s)`, () => {
    // Assess
    expect(slowest.states).toEqual(longest.states);
    expect(definition.TimeoutSeconds).toBeDefined();
    expect(slowest.seconds).toBeLessThanOrEqual(definition.TimeoutSeconds ?? 0);
  });
});

/**
 * The longest path, forced: each forward step fails with a retried Lambda error until its last
 * attempt, which succeeds except ConfirmFlight's, failing for good; every compensation and every
 * leftover record fails every attempt.
 */
const worstPath: FaultPlan = ({ state, invocation }) => {
  const task = definition.States[state];
  if (!task) throw new Error(`No state ${state} in the ASL`);
  if (!FORWARD.includes(state) || invocation < maxAttempts(task) - 1) {
    return {
      kind: 'fail',
      error: 'Lambda.ServiceException',
      cause: 'Lambda was unable to process the request (injected)',
    };
  }
  if (state === 'ConfirmFlight') {
    return {
      kind: 'fail',
      error: 'FlightConfirmationFailed',
      cause: 'The airline refused the confirmation (injected)',
    };
  }
  return undefined;
};

// Faults are injected by the built-in Step Functions only.
describe.skipIf(externalStepFunctions)('the longest retry path, driven on the platform', () => {
  const platform = useTestStack({ faults: worstPath });

  it(`writes exactly the ${longest.events} events computed and ends BookingNeedsRepair`, async () => {
    // Act
    const run = await runTrip(platform);

    // Assess
    expect(run.statesEntered).toEqual(longest.states);
    expect(run.events).toHaveLength(longest.events);
    expect(run.events.at(-1)?.type).toBe('ExecutionFailed');
    expect(run.description).toMatchObject({ status: 'FAILED', error: 'BookingNeedsRepair' });
  });

  it('keeps every state input and output under 256 KB with the largest trip the API accepts', async ({
    annotate,
  }) => {
    // Prepare
    const document = largestTrip(`largest-${randomUUID()}`.padEnd(64, 'x'));

    // Act
    const oneMore = await Promise.all([
      ...TEXTS.map((field) => post(platform, { ...document, [field]: `${document[field]}€` })),
      ...INSTANTS.map((field) =>
        post(platform, { ...document, [field]: String(document[field]).replace('+', '0+') }),
      ),
      post(platform, { ...document, trip_id: `${document.trip_id}x` }),
    ]);
    const started = await post(platform, document);
    const { events, description } = await waitForExecution(
      platform.clients.sfn,
      started.body.execution_arn ?? '',
    );

    // Assess
    const documentBytes = Buffer.byteLength(JSON.stringify(document));
    expect(document.trip_id).toHaveLength(64);
    expect(documentBytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // One character more in any field: refused.
    expect(oneMore.map((response) => response.status)).toEqual(oneMore.map(() => 400));
    expect(started.status).toBe(202);
    expect(events).toHaveLength(longest.events);
    expect(description.error).toBe('BookingNeedsRepair');
    // The whole document reached the saga.
    expect(JSON.parse(description.input ?? '{}')).toEqual(document);
    const largest = largestStateData(events);
    const report = `largest state data measured: ${largest.bytes.toLocaleString('en')} bytes, the ${largest.field} of ${largest.state}, from a ${documentBytes.toLocaleString('en')}-byte trip document`;
    await annotate(report);
    expect(largest.bytes, report).toBeLessThan(MAX_STATE_BYTES);
  });
});

const TEXTS = ['depart', 'arrive', 'hotel', 'rental'] as const;
const INSTANTS = [
  'depart_at',
  'arrive_at',
  'check_in',
  'check_out',
  'rental_from',
  'rental_to',
] as const;

/**
 * The largest trip document the API accepts: a 64-character trip id; every text field at its 100
 * characters, each of 3 bytes in UTF-8; every date-time at its 35 characters (nanoseconds and an
 * offset); every optional field; the longest run type.
 */
const largestTrip = (tripId: string): Record<string, string> & { trip_id: string } => ({
  trip_id: tripId,
  ...Object.fromEntries(TEXTS.map((field) => [field, '€'.repeat(100)])),
  // 2021-07-10T06:00:00.000Z -> 2021-07-10T06:00:00.000000000+00:00, the same instant.
  ...Object.fromEntries(
    INSTANTS.map((field) => [field, REFERENCE_TRIP[field].replace('.000Z', '.000000000+00:00')]),
  ),
  run_type: 'failFlightsConfirmation',
});

/** POST /trips with the document, and the response. */
const post = async ({ stack }: TestPlatform, document: Record<string, string>) => {
  const response = await fetch(`${stack.endpoints.api}/trips`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(document),
  });
  return {
    status: response.status,
    body: (await response.json()) as { execution_arn?: string },
  };
};

/** The largest state input, state output, task parameters or task output of a history. */
const largestStateData = (events: HistoryEvent[]) => {
  let state = '';
  let largest = { bytes: 0, field: '', state: '' };
  for (const event of events) {
    state = event.stateEnteredEventDetails?.name ?? state;
    const data = {
      input: event.stateEnteredEventDetails?.input,
      output: event.stateExitedEventDetails?.output,
      'task parameters': event.taskScheduledEventDetails?.parameters,
      'task result': event.taskSucceededEventDetails?.output,
    };
    for (const [field, text] of Object.entries(data)) {
      const bytes = Buffer.byteLength(text ?? '');
      if (bytes > largest.bytes) largest = { bytes, field, state };
    }
  }
  return largest;
};
