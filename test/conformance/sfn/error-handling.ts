/**
 * Error handling: retriers (ErrorEquals, MaxAttempts and its default, the complex scenario),
 * catchers and the error output, States.ALL and States.TaskFailed as wildcards, the errors
 * neither may catch (States.Runtime, States.DataLimitExceeded), the States.* errors a Catch
 * takes at the point AWS raises them, timeouts, and the rules on Retry and Catch definitions.
 */
import { anyString, fails, fn, JSONATA, refused, type SfnCase, single, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.errors}#${anchor}`;
const RETRY = page('error-handling-retrying-after-an-error');
const CATCH = page('error-handling-fallback-states');
const NAMES = page('error-handling-error-representation');
const EXAMPLES = page('error-handling-examples');

/**
 * A machine whose Task `HelloWorld` has the fields given, and, when it catches, the `fallback`
 * state its catchers go to.
 */
const hello = (task: Record<string, unknown>) => ({
  Comment: 'Hello World example which invokes a AWS Lambda function',
  StartAt: 'HelloWorld',
  States: {
    HelloWorld: { Type: 'Task', End: true, ...task },
    ...('Catch' in task
      ? { fallback: { Type: 'Pass', Result: 'Hello, AWS Step Functions!', End: true } }
      : {}),
  },
});

/** A Task that fails with `errors` in turn, then succeeds, and returns how many calls it took. */
const flaky = (errors: string[], fields: Record<string, unknown> = {}) =>
  single(
    {
      Type: 'Task',
      Resource: fn('Flaky'),
      Parameters: { errors },
      ResultSelector: { 'attempts.$': '$.attempts' },
      ...fields,
    },
    'X',
  );

/** A catcher of States.ALL to a Pass state that outputs "caught". */
const caught = (task: Record<string, unknown>, errorEquals = ['States.ALL']) => ({
  StartAt: 'Call',
  States: {
    Call: {
      End: true,
      ...task,
      Catch: [{ ErrorEquals: errorEquals, ResultPath: null, Next: 'Caught' }],
    },
    Caught: { Type: 'Pass', Result: 'caught', End: true },
  },
});

export const errorHandlingCases: SfnCase[] = [
  // Retry
  {
    name: 'A retrier retries a function that fails with an error it names',
    page: EXAMPLES,
    definition: flaky(['HandledError', 'HandledError'], {
      Retry: [
        { ErrorEquals: ['HandledError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 },
      ],
    }),
    expect: succeeds({ attempts: 3 }),
    attempts: 3,
  },
  {
    name: 'The execution fails with the error once the retries are spent',
    page: EXAMPLES,
    definition: hello({
      Resource: fn('FailFunction'),
      Retry: [
        { ErrorEquals: ['HandledError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2.0 },
      ],
    }),
    expect: fails('HandledError'),
    attempts: 3,
  },
  {
    name: 'MaxAttempts defaults to 3 retries',
    page: RETRY,
    definition: hello({ Resource: fn('FailFunction'), Retry: [{ ErrorEquals: ['HandledError'] }] }),
    expect: fails('HandledError'),
    attempts: 4,
  },
  {
    name: 'MaxAttempts 0 never retries the error',
    page: RETRY,
    definition: hello({
      Resource: fn('FailFunction'),
      Retry: [{ ErrorEquals: ['HandledError'], MaxAttempts: 0 }],
    }),
    expect: fails('HandledError'),
    attempts: 1,
  },
  {
    name: 'A retrier does not retry an error it does not name',
    page: RETRY,
    definition: hello({ Resource: fn('FailFunction'), Retry: [{ ErrorEquals: ['OtherError'] }] }),
    expect: fails('HandledError'),
    attempts: 1,
  },
  {
    name: 'States.TaskFailed in a retrier matches any error a function throws',
    page: EXAMPLES,
    definition: flaky(['AnyError'], {
      Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 2 }],
    }),
    expect: succeeds({ attempts: 2 }),
    attempts: 2,
  },
  {
    name: 'States.ALL in the last retrier retries every error but the ones before it',
    page: page('retrytimeout'),
    definition: flaky(['Whatever'], {
      Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'] }],
    }),
    expect: succeeds({ attempts: 2 }),
    attempts: 2,
  },
  {
    name: "The complex retry scenario: a retrier's attempts count across all its errors",
    page: page('complexretryeg'),
    definition: {
      StartAt: 'X',
      States: {
        X: {
          Type: 'Task',
          Resource: fn('Flaky'),
          Parameters: { errors: ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'] },
          Next: 'Y',
          Retry: [
            {
              ErrorEquals: ['ErrorA', 'ErrorB'],
              IntervalSeconds: 1,
              BackoffRate: 2.0,
              MaxAttempts: 2,
            },
            { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
        },
        Y: { Type: 'Pass', Result: 'Y', End: true },
        Z: { Type: 'Pass', OutputPath: '$.Error', End: true },
      },
    },
    expect: succeeds('ErrorB'),
    attempts: 4,
    path: ['X', 'Z'],
  },
  {
    name: 'A Task with both Retry and Catch retries first, then catches',
    page: CATCH,
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('FailFunction'),
          Retry: [{ ErrorEquals: ['HandledError'], MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['HandledError'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', OutputPath: '$.Error', End: true },
      },
    },
    expect: succeeds('HandledError'),
    attempts: 2,
  },
  // Catch
  {
    name: 'A catcher sends a named error to its fallback state',
    page: EXAMPLES,
    definition: hello({
      Resource: fn('FailFunction'),
      Catch: [{ ErrorEquals: ['HandledError'], Next: 'fallback' }],
    }),
    expect: succeeds('Hello, AWS Step Functions!'),
    path: ['HelloWorld', 'fallback'],
  },
  {
    name: 'States.TaskFailed in a catcher matches any error a function throws',
    page: EXAMPLES,
    definition: hello({
      Resource: fn('FailFunction'),
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'fallback' }],
    }),
    expect: succeeds('Hello, AWS Step Functions!'),
  },
  {
    name: 'Without ResultPath a catcher passes the error output, Error and Cause',
    page: CATCH,
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Parameters: { errorType: 'Oops' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    },
    expect: succeeds({ Error: 'Oops', Cause: anyString }),
  },
  {
    name: "A catcher's ResultPath adds the error output to the state input",
    page: CATCH,
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Parameters: { errorType: 'java.lang.Exception' },
          ResultPath: '$.result',
          Catch: [
            {
              ErrorEquals: ['java.lang.Exception'],
              ResultPath: '$.error-info',
              Next: 'RecoveryState',
            },
            { ErrorEquals: ['States.ALL'], Next: 'EndState' },
          ],
          End: true,
        },
        RecoveryState: { Type: 'Pass', End: true },
        EndState: { Type: 'Pass', End: true },
      },
    },
    input: { order: 1 },
    expect: succeeds({
      order: 1,
      'error-info': { Error: 'java.lang.Exception', Cause: anyString },
    }),
    path: ['Call', 'RecoveryState'],
  },
  {
    name: 'Catchers are tried in order: a later States.ALL takes what the first does not name',
    page: CATCH,
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Parameters: { errorType: 'Other' },
          Catch: [
            {
              ErrorEquals: ['java.lang.Exception'],
              ResultPath: '$.error-info',
              Next: 'RecoveryState',
            },
            { ErrorEquals: ['States.ALL'], Next: 'EndState' },
          ],
          End: true,
        },
        RecoveryState: { Type: 'Pass', End: true },
        EndState: { Type: 'Pass', OutputPath: '$.Error', End: true },
      },
    },
    expect: succeeds('Other'),
    path: ['Call', 'EndState'],
  },
  {
    name: 'One catcher can name several errors',
    page: CATCH,
    definition: caught(
      { Type: 'Task', Resource: fn('Raise'), Parameters: { errorType: 'SecondError' } },
      ['FirstError', 'SecondError'],
    ),
    expect: succeeds('caught'),
  },
  {
    name: 'A JSONata catcher outputs and assigns from $states.errorOutput',
    page: CATCH,
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Arguments: { errorType: 'Oops' },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { lastError: '{% $states.errorOutput.Error %}' },
              Output: { input: '{% $states.input %}', error: '{% $states.errorOutput.Error %}' },
              Next: 'Show',
            },
          ],
          End: true,
        },
        Show: { Type: 'Pass', Output: '{% [$states.input, $lastError] %}', End: true },
      },
    },
    input: { order: 1 },
    expect: succeeds([{ input: { order: 1 }, error: 'Oops' }, 'Oops']),
  },
  {
    name: 'A JSONata catcher without Output passes the error output',
    page: CATCH,
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Arguments: { errorType: 'Oops' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Show' }],
          End: true,
        },
        Show: { Type: 'Pass', End: true },
      },
    },
    expect: succeeds({ Error: 'Oops', Cause: anyString }),
  },
  {
    name: 'A Fail state Cause holding JSON becomes an object through States.StringToJson',
    page: page('error-handling-fallback-states'),
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Stop',
              States: { Stop: { Type: 'Fail', Error: 'Query', Cause: '{"code":42}' } },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handle escaped JSON with JSONtoString' }],
          End: true,
        },
        'Handle escaped JSON with JSONtoString': {
          Type: 'Pass',
          Parameters: { 'Cause.$': 'States.StringToJson($.Cause)' },
          End: true,
        },
      },
    },
    expect: succeeds({ Cause: { code: 42 } }),
  },
  // Timeouts
  {
    name: 'A catcher of States.Timeout takes a Task timeout',
    page: EXAMPLES,
    definition: hello({
      Resource: fn('sleep10'),
      TimeoutSeconds: 1,
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'fallback' }],
    }),
    expect: succeeds('Hello, AWS Step Functions!'),
  },
  {
    name: 'A retrier of States.Timeout retries a Task that timed out',
    page: EXAMPLES,
    definition: hello({
      Resource: fn('sleep10'),
      TimeoutSeconds: 1,
      Retry: [
        { ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1, BackoffRate: 2.0 },
      ],
    }),
    expect: fails('States.Timeout'),
    attempts: 2,
  },
  {
    name: 'States.TaskFailed does not match States.Timeout',
    page: NAMES,
    definition: hello({
      Resource: fn('sleep10'),
      TimeoutSeconds: 1,
      Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'fallback' }],
    }),
    expect: fails('States.Timeout'),
  },
  {
    name: 'An execution that runs past the state machine TimeoutSeconds times out with States.Timeout',
    page: `${PAGES.structure}#statemachine-structure`,
    definition: {
      TimeoutSeconds: 1,
      StartAt: 'Pause',
      States: { Pause: { Type: 'Wait', Seconds: 30, End: true } },
    },
    expect: { status: 'TIMED_OUT', error: 'States.Timeout' },
  },
  // What States.ALL does not catch
  {
    name: 'States.ALL does not catch States.Runtime',
    page: page('states-runtime-error'),
    definition: caught({ Type: 'Task', Resource: fn('Echo'), OutputPath: '$.missing' }),
    input: { present: 1 },
    expect: fails('States.Runtime'),
  },
  {
    name: 'States.ALL does not catch States.DataLimitExceeded',
    page: page('error-data-limit-exceed'),
    definition: caught({ Type: 'Task', Resource: fn('Big'), Parameters: { bytes: 300_000 } }),
    expect: fails('States.DataLimitExceeded'),
  },
  // The States.* errors a catcher takes
  {
    name: 'States.ALL catches an intrinsic failure in a Task Parameters',
    page: `${PAGES.spec}#payload-template`,
    inferred: 'The spec raises States.IntrinsicFailure there; as a named error it is catchable.',
    definition: caught({
      Type: 'Task',
      Resource: fn('Echo'),
      Parameters: { 'n.$': 'States.ArrayRange(1, 9, 0)' },
    }),
    expect: succeeds('caught'),
  },
  {
    name: 'A catcher of States.IntrinsicFailure takes a failed intrinsic in a Task Parameters',
    page: `${PAGES.spec}#appendix-a`,
    definition: caught(
      { Type: 'Task', Resource: fn('Echo'), Parameters: { 'n.$': "States.Hash('x', 'SHA-3')" } },
      ['States.IntrinsicFailure'],
    ),
    expect: succeeds('caught'),
  },
  {
    name: 'A catcher of States.ParameterPathFailure takes a Parameters path that cannot apply',
    page: `${PAGES.spec}#appendix-a`,
    definition: caught({ Type: 'Task', Resource: fn('Echo'), Parameters: { 'n.$': '$.missing' } }, [
      'States.ParameterPathFailure',
    ]),
    expect: succeeds('caught'),
  },
  {
    name: 'A catcher of States.ResultPathMatchFailure takes a ResultPath that cannot apply',
    page: `${PAGES.spec}#appendix-a`,
    definition: caught(
      { Type: 'Task', Resource: fn('Echo'), Parameters: { n: 1 }, ResultPath: '$.x' },
      ['States.ResultPathMatchFailure'],
    ),
    input: 'a string',
    expect: succeeds('caught'),
  },
  {
    name: 'A catcher of States.QueryEvaluationError takes a JSONata error in a Task',
    page: `${PAGES.spec}#appendix-a`,
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Echo'),
          Arguments: { n: '{% 1 + "a" %}' },
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      },
    },
    expect: succeeds('States.QueryEvaluationError'),
  },
  {
    name: "A Catch on a Parallel state takes a branch's task timeout",
    page: NAMES,
    inferred: 'A branch failure fails the Parallel state, whose catcher of States.ALL takes it.',
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Slow',
              States: {
                Slow: { Type: 'Task', Resource: fn('sleep10'), TimeoutSeconds: 1, End: true },
              },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', Result: 'caught', End: true },
      },
    },
    expect: succeeds('caught'),
  },
  // Definition rules
  {
    name: 'States.ALL beside another error in a retrier is refused',
    page: RETRY,
    inferred: 'The page says States.ALL "must appear alone": a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['States.ALL', 'HandledError'] }],
    }),
    expect: refused(),
  },
  {
    name: 'A States.ALL retrier that is not the last is refused',
    page: RETRY,
    inferred: 'The page says it "must appear in the last retrier": a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['HandledError'] }],
    }),
    expect: refused(),
  },
  {
    name: 'States.ALL beside another error in a catcher is refused',
    page: CATCH,
    inferred: 'The page says States.ALL "must appear alone": a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Catch: [{ ErrorEquals: ['States.ALL', 'HandledError'], Next: 'fallback' }],
    }),
    expect: refused(),
  },
  {
    name: 'A States.ALL catcher that is not the last is refused',
    page: CATCH,
    inferred: 'The page says it "must appear in the last catcher": a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Catch: [
        { ErrorEquals: ['States.ALL'], Next: 'fallback' },
        { ErrorEquals: ['HandledError'], Next: 'fallback' },
      ],
    }),
    expect: refused(),
  },
  {
    name: 'A retrier with an empty ErrorEquals is refused',
    page: RETRY,
    definition: hello({ Resource: fn('Echo'), Retry: [{ ErrorEquals: [] }] }),
    expect: refused(),
  },
  {
    name: 'A BackoffRate below 1.0 is refused',
    page: `${PAGES.spec}#retrying-after-error`,
    inferred: 'The spec says BackoffRate MUST be greater than or equal to 1.0: a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['HandledError'], BackoffRate: 0.5 }],
    }),
    expect: refused(),
  },
  {
    name: 'An IntervalSeconds of 0 is refused',
    page: RETRY,
    inferred: 'The page says IntervalSeconds is a positive integer: a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['HandledError'], IntervalSeconds: 0 }],
    }),
    expect: refused(),
  },
  {
    name: 'A MaxDelaySeconds of 0 is refused',
    page: RETRY,
    inferred: 'The page says it must be greater than 0: a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['HandledError'], MaxDelaySeconds: 0 }],
    }),
    expect: refused(),
  },
  {
    name: 'A JitterStrategy other than FULL or NONE is refused',
    page: RETRY,
    inferred: 'The page says the field accepts FULL or NONE: a definition error.',
    definition: hello({
      Resource: fn('Echo'),
      Retry: [{ ErrorEquals: ['HandledError'], JitterStrategy: 'SOME' }],
    }),
    expect: refused(),
  },
  {
    name: 'MaxDelaySeconds and JitterStrategy FULL are accepted and the retries run',
    page: page('retrymaxdelayseconds'),
    inferred:
      'The page retries States.Timeout; the case retries a function error, with the same fields.',
    definition: flaky(['Busy'], {
      Retry: [
        {
          ErrorEquals: ['Busy'],
          IntervalSeconds: 3,
          MaxAttempts: 3,
          BackoffRate: 2,
          MaxDelaySeconds: 5,
          JitterStrategy: 'FULL',
        },
      ],
    }),
    expect: succeeds({ attempts: 2 }),
    attempts: 2,
  },
  {
    name: 'A catcher whose Next names no state is refused',
    page: PAGES.diagnostics,
    definition: hello({
      Resource: fn('Echo'),
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Nowhere' }],
    }),
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'Retry in a Pass state is refused',
    page: `${PAGES.spec}#state-type-table`,
    inferred: 'The spec gives Retry and Catch to Task, Parallel and Map only: a definition error.',
    definition: single({ Type: 'Pass', Retry: [{ ErrorEquals: ['States.ALL'] }] }),
    expect: refused(),
  },
  {
    name: 'Catch in a Wait state is refused',
    page: `${PAGES.spec}#state-type-table`,
    inferred: 'The spec gives Retry and Catch to Task, Parallel and Map only: a definition error.',
    definition: {
      StartAt: 'Pause',
      States: {
        Pause: {
          Type: 'Wait',
          Seconds: 0,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
];
