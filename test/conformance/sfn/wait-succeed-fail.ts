/**
 * The Wait state (Seconds, Timestamp, their Path forms and JSONata expressions; no case waits),
 * the Succeed state and the Fail state (Error and Cause, ErrorPath and CausePath with paths and
 * intrinsics, JSONata expressions).
 */
import { fails, JSONATA, refused, type SfnCase, single, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const wait = (anchor: string) => `${PAGES.wait}#${anchor}`;
const fail = (anchor: string) => `${PAGES.fail}#${anchor}`;
const PAST = '2016-03-14T01:59:00Z';

export const waitCases: SfnCase[] = [
  {
    name: 'A Wait of 0 seconds continues at once and passes its input on',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Seconds: 0 }, 'wait_ten_seconds'),
    input: { kept: true },
    expect: succeeds({ kept: true }),
  },
  {
    name: 'A Wait until a timestamp in the past continues at once',
    page: wait('wait-state-example'),
    definition: single({ Type: 'Wait', Timestamp: PAST }, 'wait_until'),
    input: { kept: true },
    expect: succeeds({ kept: true }),
  },
  {
    name: 'TimestampPath reads the timestamp from the input',
    page: wait('wait-state-example'),
    definition: single({ Type: 'Wait', TimestampPath: '$.expirydate' }, 'wait_until'),
    input: { expirydate: PAST },
    expect: succeeds({ expirydate: PAST }),
  },
  {
    name: 'SecondsPath reads the seconds from the input',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', SecondsPath: '$.delay' }),
    input: { delay: 0 },
    expect: succeeds({ delay: 0 }),
  },
  {
    name: 'A JSONata Wait takes Seconds from an expression',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Seconds: '{% $states.input.delay %}' }, 'Pause', JSONATA),
    input: { delay: 0 },
    expect: succeeds({ delay: 0 }),
  },
  {
    name: 'A JSONata Wait takes Timestamp from an expression',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Timestamp: '{% $states.input.until %}' }, 'Pause', JSONATA),
    input: { until: PAST },
    expect: succeeds({ until: PAST }),
  },
  {
    name: 'A JSONata Wait Seconds of -1 fails with States.QueryEvaluationError',
    page: wait('state-wait'),
    inferred:
      'The expression "must evaluate to an integer in the stated range"; a value out of range is a QueryEvaluationError (transforming-data).',
    definition: single({ Type: 'Wait', Seconds: '{% $states.input.delay %}' }, 'Pause', JSONATA),
    input: { delay: -1 },
    expect: fails('States.QueryEvaluationError'),
  },
  {
    name: 'A JSONata Wait Seconds that is a string fails with States.QueryEvaluationError',
    page: wait('state-wait'),
    inferred:
      'The expression must evaluate to an integer; a wrongly typed value is a QueryEvaluationError (transforming-data).',
    definition: single({ Type: 'Wait', Seconds: '{% $states.input.delay %}' }, 'Pause', JSONATA),
    input: { delay: 'abc' },
    expect: fails('States.QueryEvaluationError'),
  },
  {
    name: 'A JSONata Wait Timestamp that is not a timestamp fails with States.QueryEvaluationError',
    page: wait('state-wait'),
    inferred:
      'The expression must give a conforming timestamp; anything else is a QueryEvaluationError (transforming-data).',
    definition: single({ Type: 'Wait', Timestamp: '{% $states.input.until %}' }, 'Pause', JSONATA),
    input: { until: 'tomorrow' },
    expect: fails('States.QueryEvaluationError'),
  },
  {
    name: 'A Wait with both Seconds and Timestamp is refused',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Seconds: 1, Timestamp: PAST }),
    expect: refused(),
  },
  {
    name: 'A Wait with none of its four fields is refused',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait' }),
    expect: refused(),
  },
  {
    name: 'A Wait of more than 99999999 seconds is refused',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Seconds: 100_000_000 }),
    expect: refused(),
  },
  {
    name: 'A Wait of a negative number of seconds is refused',
    page: wait('state-wait'),
    definition: single({ Type: 'Wait', Seconds: -1 }),
    expect: refused(),
  },
  {
    name: 'A Wait Timestamp without the uppercase T separator is refused',
    page: wait('state-wait'),
    inferred: 'The page requires an uppercase T and Z: a definition error for a literal timestamp.',
    definition: single({ Type: 'Wait', Timestamp: '2016-03-14 01:59:00Z' }),
    expect: refused(),
  },
  {
    name: 'SecondsPath in a JSONata Wait is refused',
    page: wait('state-wait'),
    inferred: 'SecondsPath is "JSONPath only": a definition error in a JSONata state.',
    definition: single({ Type: 'Wait', SecondsPath: '$.delay' }, 'Pause', JSONATA),
    expect: refused(),
  },
];

export const succeedCases: SfnCase[] = [
  {
    name: 'A Succeed state ends the execution with its input as output',
    page: `${PAGES.succeed}#state-succeed`,
    definition: { StartAt: 'SuccessState', States: { SuccessState: { Type: 'Succeed' } } },
    input: { done: true },
    expect: succeeds({ done: true }),
  },
  {
    name: 'A Succeed state output is its input after InputPath and OutputPath',
    page: `${PAGES.spec}#succeed-state`,
    definition: {
      StartAt: 'SuccessState',
      States: { SuccessState: { Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' } },
    },
    input: { a: { b: 'kept' } },
    expect: succeeds('kept'),
  },
  {
    name: 'A Succeed state with Next is refused',
    page: `${PAGES.succeed}#state-succeed`,
    definition: {
      StartAt: 'SuccessState',
      States: { SuccessState: { Type: 'Succeed', Next: 'Other' }, Other: { Type: 'Succeed' } },
    },
    expect: refused(),
  },
  {
    name: 'A JSONata Succeed state outputs its Output',
    page: `${PAGES.jsonata}#jsonata-examples`,
    definition: {
      ...JSONATA,
      StartAt: 'Done',
      States: { Done: { Type: 'Succeed', Output: { ok: '{% true %}' } } },
    },
    expect: succeeds({ ok: true }),
  },
];

export const failCases: SfnCase[] = [
  {
    name: 'A Fail state fails the execution with its Error and Cause',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', Cause: 'Invalid response.', Error: 'ErrorA' } },
    },
    expect: fails('ErrorA', 'Invalid response.'),
  },
  {
    name: 'A Fail state takes its Error and Cause from the input with ErrorPath and CausePath',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', CausePath: '$.Cause', ErrorPath: '$.Error' } },
    },
    input: { Error: 'MyError', Cause: 'It broke' },
    expect: fails('MyError', 'It broke'),
  },
  {
    name: 'ErrorPath and CausePath take States.Format',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: {
        FailState: {
          Type: 'Fail',
          CausePath:
            "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
          ErrorPath: "States.Format('{}', $.Error)",
        },
      },
    },
    input: { Error: 'MyError', Cause: 'a bad input' },
    expect: fails('MyError', 'This is a custom error message for MyError, caused by a bad input.'),
  },
  {
    name: 'ErrorPath takes States.ArrayGetItem and CausePath takes States.JsonToString',
    page: fail('state-fail'),
    inferred:
      'The page lists these intrinsics among those ErrorPath and CausePath take; the values are theirs.',
    definition: {
      StartAt: 'FailState',
      States: {
        FailState: {
          Type: 'Fail',
          ErrorPath: 'States.ArrayGetItem($.errors, 1)',
          CausePath: 'States.JsonToString($.detail)',
        },
      },
    },
    input: { errors: ['First', 'Second'], detail: { code: 7 } },
    expect: fails('Second', '{"code":7}'),
  },
  {
    name: 'A Fail state with both Cause and CausePath is refused',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', Cause: 'a', CausePath: '$.b' } },
    },
    expect: refused(),
  },
  {
    name: 'A Fail state with both Error and ErrorPath is refused',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', Error: 'a', ErrorPath: '$.b' } },
    },
    expect: refused(),
  },
  {
    name: 'A Fail state with Next is refused',
    page: fail('state-fail'),
    definition: {
      StartAt: 'FailState',
      States: {
        FailState: { Type: 'Fail', Error: 'E', Next: 'Other' },
        Other: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  {
    name: 'A Fail state with InputPath is refused',
    page: fail('state-fail'),
    inferred: 'The page allows only Type and Comment of the common fields: a definition error.',
    definition: {
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', Error: 'E', InputPath: '$.a' } },
    },
    expect: refused(),
  },
  {
    name: 'A JSONata Fail state takes its Error and Cause from expressions',
    page: fail('state-fail'),
    definition: {
      ...JSONATA,
      StartAt: 'FailState',
      States: {
        FailState: {
          Type: 'Fail',
          Error: '{% $states.input.code %}',
          Cause: "{% 'Failed for ' & $states.input.who %}",
        },
      },
    },
    input: { code: 'Rejected', who: 'Ana' },
    expect: fails('Rejected', 'Failed for Ana'),
  },
  {
    name: 'ErrorPath in a JSONata Fail state is refused',
    page: fail('state-fail'),
    inferred: 'ErrorPath is "JSONPath only": a definition error in a JSONata state.',
    definition: {
      ...JSONATA,
      StartAt: 'FailState',
      States: { FailState: { Type: 'Fail', ErrorPath: '$.e' } },
    },
    expect: refused(),
  },
];
