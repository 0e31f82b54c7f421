/**
 * The saga's ASL, read as a graph: the forward path, the compensation chain each failure starts,
 * the retry policies, and an execution timeout that holds the worst-case retry schedule.
 * (Whole executions are driven through the Step Functions API in the other statemachine tests.)
 */
import { describe, expect, it } from 'vitest';
import { readSagaDefinition } from '../../local/app/saga.ts';
import { edgesOf, maxAttempts, type State, worstCasePath } from '../../local/template/asl.ts';
import { functionsOf, readTemplate } from '../../local/template/template.ts';
import {
  FORWARD,
  LONGEST_PATH,
  recordOf,
  UNDO_ORDER,
  undoChainAfter,
} from '../support/saga-paths.ts';

const definition = readSagaDefinition();
const states = definition.States;
const state = (name: string): State => {
  const found = states[name];
  if (!found) throw new Error(`No state ${name}`);
  return found;
};

/** Follows `Next` (and a Choice's default) from `start` to an end state. */
const followNext = (start: string): string[] => {
  const path = [start];
  let current = state(start);
  while (current.Next ?? current.Default) {
    const next = current.Next ?? current.Default ?? '';
    path.push(next);
    current = state(next);
  }
  return path;
};

const catchTarget = (name: string) =>
  state(name).Catch?.find((catcher) => catcher.ErrorEquals.includes('States.ALL'))?.Next;

const COMPENSATIONS = UNDO_ORDER;
const TRANSIENT_LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

describe('the forward path', () => {
  it('reserves the hotel, the flight, takes the payment, confirms both, and succeeds', () => {
    expect(followNext(definition.StartAt)).toEqual([...FORWARD, 'BookingConfirmed']);
    expect(state('BookingConfirmed').Type).toBe('Succeed');
  });

  it.each(FORWARD)('%s retries only transient Lambda errors, with backoff and jitter', (name) => {
    expect(state(name).Retry).toEqual([
      expect.objectContaining({
        ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
        BackoffRate: expect.any(Number),
        JitterStrategy: 'FULL',
      }),
    ]);
  });
});

describe('compensation', () => {
  const undoChain = (failedStep: string) =>
    followNext(catchTarget(failedStep) ?? '').filter((name) => state(name).Type === 'Task');

  it.each(FORWARD.map((step) => [step, undoChainAfter(step)] as const))(
    'a failure of %s undoes %j, in that order, and ends in BookingFailed',
    (failed, undo) => {
      expect(undoChain(failed)).toEqual(undo);
      expect(followNext(catchTarget(failed) ?? '').at(-1)).toBe('BookingFailed');
    },
  );

  it('runs its undo steps in the order the reconciler and the repair take from steps.ts', () => {
    // The longest chain, from the last forward step's failure, holds every compensation.
    expect(undoChain(FORWARD.at(-1) ?? '')).toEqual(UNDO_ORDER);
  });

  it.each(FORWARD)('%s keeps the saga input when it fails (the error goes beside it)', (name) => {
    const catcher = state(name).Catch?.[0];
    expect(catcher?.ResultPath).toMatch(/^\$\.\w+$/);
  });

  it.each(COMPENSATIONS)(
    '%s retries with exponential backoff, full jitter and a capped delay, often enough for a 40%% failure rate',
    (name) => {
      const retrier = state(name).Retry?.find((r) => r.ErrorEquals.includes('States.ALL'));
      expect(retrier).toMatchObject({
        JitterStrategy: 'FULL',
        MaxDelaySeconds: expect.any(Number),
      });
      expect(retrier?.BackoffRate).toBeGreaterThan(1);
      // Probability that 40 % random failures exhaust every attempt of this compensation.
      expect(0.4 ** ((retrier?.MaxAttempts ?? 0) + 1)).toBeLessThan(1e-6);
    },
  );

  it.each(COMPENSATIONS)(
    '%s, once its retries are exhausted, records the leftover and the chain goes on',
    (name) => {
      const record = catchTarget(name) ?? '';
      expect(record).toBe(recordOf(name));
      expect(state(record).Next).toBe(state(name).Next);
      expect(state(record).Parameters).toMatchObject({
        FunctionName: '${RecordLeftoverFunctionArn}',
        Payload: { compensation: name, 'trip.$': '$', 'failure.$': `$.${name}Error` },
      });
      // Even a record that cannot be written leaves its mark for CheckLeftovers.
      expect(state(record).Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: `$.${name}Leftover`, Next: state(name).Next },
      ]);
      expect(state(record).ResultPath).toBe(`$.${name}Leftover`);
    },
  );

  it('ends with its own error when anything was left to repair, distinct from a plain failure', () => {
    const check = state('CheckLeftovers');
    expect(check.Choices).toEqual([
      {
        Comment: 'a leftover was recorded',
        Or: COMPENSATIONS.map((name) => ({ Variable: `$.${name}Leftover`, IsPresent: true })),
        Next: 'BookingNeedsRepair',
      },
    ]);
    expect(check.Default).toBe('BookingFailed');
    expect(state('BookingFailed')).toMatchObject({ Type: 'Fail', Error: 'BookingFailed' });
    expect(state('BookingNeedsRepair')).toMatchObject({
      Type: 'Fail',
      Error: 'BookingNeedsRepair',
    });
  });

  it.each(COMPENSATIONS)(
    '%s does not retry input it cannot parse, and records it as a leftover: never skipped',
    (name) => {
      const [first] = state(name).Retry ?? [];
      expect(first).toEqual({ ErrorEquals: ['ParseError'], MaxAttempts: 0 });
      // One catcher, for every error: a failure of any kind goes to its RecordLeftover.
      expect(state(name).Catch).toEqual([
        {
          ErrorEquals: ['States.ALL'],
          ResultPath: `$.${name}Error`,
          Next: recordOf(name),
        },
      ]);
    },
  );
});

describe('every state', () => {
  it('is reachable from StartAt, and every transition leads to a state', () => {
    const reachable = new Set([definition.StartAt]);
    const edges = edgesOf(definition);
    for (let grew = true; grew; ) {
      grew = false;
      for (const edge of edges) {
        expect(states).toHaveProperty(edge.to);
        if (reachable.has(edge.from) && !reachable.has(edge.to)) {
          reachable.add(edge.to);
          grew = true;
        }
      }
    }
    expect([...reachable].sort()).toEqual(Object.keys(states).sort());
  });

  it('invokes its Lambda function through lambda:invoke with a timeout above the function timeout', () => {
    const template = readTemplate();
    const timeouts = new Map(
      functionsOf(template).map((fn) => [`\${${fn.logicalId}Arn}`, Number(fn.properties.Timeout)]),
    );
    for (const [name, task] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      expect(task.Resource, name).toBe('arn:aws:states:::lambda:invoke');
      const functionTimeout = timeouts.get(String(task.Parameters?.FunctionName));
      expect(functionTimeout, name).toBeGreaterThan(0);
      expect(task.TimeoutSeconds, name).toBeGreaterThan(
        functionTimeout ?? Number.POSITIVE_INFINITY,
      );
    }
  });
});

describe('the execution timeout', () => {
  it('holds the worst-case schedule: every attempt timing out and every retry waiting its longest', () => {
    const worst = worstCasePath(definition);

    // Prepare the figure by hand for the longest path, to check the computation itself:
    // a forward step: 5 attempts x 15 s + waits 1+2+4+8 = 90 s; five of them: 450 s.
    // a compensation: 16 attempts x 15 s + waits 1+2+4+8+16+32+60x9 = 843 s.
    // a leftover record: 11 attempts x 15 s + waits 1+2+4+8+16+32+60x4 = 468 s.
    expect(maxAttempts(state('CancelHotel'))).toBe(16);
    expect(worst.seconds).toBe(450 + 3 * (843 + 468));
    expect(worst.states).toEqual(LONGEST_PATH);
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(worst.seconds);
  });
});
