/**
 * Passing data between states with variables: Assign in each state type that takes it, the
 * evaluation order, names, scopes across Parallel and Map, Assign in a Catch, and variables in
 * JSONPath states.
 */
import {
  anyTimestamp,
  chain,
  fails,
  fn,
  JSONATA,
  refused,
  rejected,
  type SfnCase,
  single,
  succeeds,
} from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.variables}#${anchor}`;

/** A JSONata machine: the given states in order, then a Pass that outputs `shown`. */
const thenShow = (states: [string, Record<string, unknown>][], shown: unknown) =>
  chain([...states, ['Show', { Type: 'Pass', Output: shown }]], JSONATA);

export const variableCases: SfnCase[] = [
  {
    name: 'A Pass state assigns variables that the next state reads',
    page: page('conceptual-overview-of-variables'),
    definition: thenShow(
      [
        [
          'Store',
          { Type: 'Pass', Assign: { productName: 'product1', count: 42, available: true } },
        ],
      ],
      '{% [$productName, $count, $available] %}',
    ),
    expect: succeeds(['product1', 42, true]),
  },
  {
    name: 'A variable keeps its value across later states that do not assign it',
    page: page('conceptual-overview-of-variables'),
    definition: thenShow(
      [
        ['Step1', { Type: 'Pass', Assign: { x: '{% $states.input.api %}' } }],
        ['Step2', { Type: 'Pass', Output: 'two' }],
        ['Step3', { Type: 'Pass', Output: 'three' }],
      ],
      '{% $x %}',
    ),
    input: { api: { data: 'kept' } },
    expect: succeeds({ data: 'kept' }),
  },
  {
    name: 'A Task, a Choice and a Wait state assign variables too',
    page: page('conceptual-overview-of-variables'),
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: fn('Echo'), Assign: { fromTask: 1 }, Next: 'Decide' },
        Decide: {
          Type: 'Choice',
          Assign: { fromChoice: 2 },
          Choices: [{ Condition: '{% false %}', Next: 'Pause' }],
          Default: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: 0, Assign: { fromWait: 3 }, Next: 'Show' },
        Show: { Type: 'Pass', Output: '{% [$fromTask, $fromChoice, $fromWait] %}', End: true },
      },
    },
    expect: succeeds([1, 2, 3]),
  },
  {
    name: "A state's Assign does not change its own Output, which sees the values on entry",
    page: page('assign-field-in-asl'),
    definition: thenShow(
      [
        ['First', { Type: 'Pass', Assign: { x: 1 } }],
        ['Second', { Type: 'Pass', Assign: { x: 2 }, Output: '{% $x %}' }],
      ],
      '{% [$states.input, $x] %}',
    ),
    expect: succeeds([1, 2]),
  },
  {
    name: 'Assign evaluates every expression before it assigns any variable',
    page: page('evaluation-order-in-an-assign-field'),
    definition: thenShow(
      [
        ['Start', { Type: 'Pass', Assign: { x: 3, a: 6 } }],
        ['Swap', { Type: 'Pass', Assign: { x: '{% $a %}', nextX: '{% $x %}' } }],
      ],
      '{% {"x": $x, "nextX": $nextX} %}',
    ),
    expect: succeeds({ x: 6, nextX: 3 }),
  },
  {
    name: 'Reading a variable never assigned fails the state',
    page: page('evaluation-order-in-an-assign-field'),
    inferred:
      'The page says the example "would fail because $x would be undefined"; an undefined result is a States.QueryEvaluationError (transforming-data).',
    definition: thenShow(
      [['Swap', { Type: 'Pass', Assign: { x: 6, nextX: '{% $neverAssigned %}' } }]],
      '{% $nextX %}',
    ),
    expect: fails('States.QueryEvaluationError'),
  },
  {
    name: 'A Task assigns a variable from its result and another from its input',
    page: page('assign-field-in-asl'),
    definition: thenShow(
      [
        [
          'Get Current Price',
          {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: fn('Echo'), Payload: { current_price: 12.5 } },
            Assign: {
              product: '{% $states.input.order.product %}',
              currentPrice: '{% $states.result.Payload.current_price %}',
            },
          },
        ],
      ],
      '{% {"product": $product, "currentPrice": $currentPrice} %}',
    ),
    input: { order: { product: 'book' } },
    expect: succeeds({ product: 'book', currentPrice: 12.5 }),
  },
  {
    name: 'A part of a variable cannot be assigned (x.y)',
    page: page('assign-field-in-asl'),
    inferred: 'The page says it cannot be done, not how AWS answers: a refusal or a failed run.',
    definition: thenShow([['Store', { Type: 'Pass', Assign: { 'x.y': 42 } }]], 'done'),
    expect: rejected,
  },
  {
    name: 'A part of a variable cannot be assigned (x[2])',
    page: page('assign-field-in-asl'),
    inferred: 'The page says it cannot be done, not how AWS answers: a refusal or a failed run.',
    definition: thenShow([['Store', { Type: 'Pass', Assign: { 'x[2]': 42 } }]], 'done'),
    expect: rejected,
  },
  {
    name: 'Assign is not allowed in a Succeed state',
    page: page('assign-field-in-asl'),
    inferred:
      '"available at the top level of each state (except Succeed and Fail)": a definition error.',
    definition: {
      ...JSONATA,
      StartAt: 'Done',
      States: { Done: { Type: 'Succeed', Assign: { x: 1 } } },
    },
    expect: refused(),
  },
  {
    name: 'Assign is not allowed in a Fail state',
    page: page('assign-field-in-asl'),
    inferred:
      '"available at the top level of each state (except Succeed and Fail)": a definition error.',
    definition: {
      ...JSONATA,
      StartAt: 'Stop',
      States: { Stop: { Type: 'Fail', Error: 'E', Assign: { x: 1 } } },
    },
    expect: refused(),
  },
  // Names
  {
    name: 'A variable name may hold Unicode letters',
    page: page('variable-name-syntax'),
    definition: thenShow([['Store', { Type: 'Pass', Assign: { café: 'crème' } }]], '{% $café %}'),
    expect: succeeds('crème'),
  },
  {
    name: 'A variable name of 80 characters is allowed',
    page: page('variable-name-syntax'),
    definition: thenShow(
      [['Store', { Type: 'Pass', Assign: { [`v${'x'.repeat(79)}`]: 'long' } }]],
      `{% $v${'x'.repeat(79)} %}`,
    ),
    expect: succeeds('long'),
  },
  {
    name: 'A variable name of 81 characters is refused',
    page: page('variable-name-syntax'),
    inferred: '"The maximum length of a variable name is 80": a definition error.',
    definition: thenShow([['Store', { Type: 'Pass', Assign: { [`v${'x'.repeat(80)}`]: 1 } }]], 'x'),
    expect: refused(),
  },
  {
    name: 'A variable name that starts with a digit is refused',
    page: page('variable-name-syntax'),
    inferred:
      '"The first character of a variable name must be a Unicode ID_Start character": a definition error.',
    definition: thenShow([['Store', { Type: 'Pass', Assign: { '1st': 1 } }]], 'x'),
    expect: refused(),
  },
  {
    name: 'A state cannot assign the reserved variable states',
    page: `${PAGES.spec}#reserved-states-variable-with-jsonpath`,
    inferred: '"A state MUST NOT assign a value to states": a definition error.',
    definition: thenShow([['Store', { Type: 'Pass', Assign: { states: 1 } }]], 'x'),
    expect: refused(),
  },
  // Scope
  {
    name: 'Parallel branches read variables of the outer scope',
    page: page('variable-scope'),
    definition: chain(
      [
        ['Store', { Type: 'Pass', Assign: { greeting: 'hello' } }],
        [
          'Both',
          {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'A',
                States: { A: { Type: 'Pass', Output: '{% $greeting & " a" %}', End: true } },
              },
              {
                StartAt: 'B',
                States: { B: { Type: 'Pass', Output: '{% $greeting & " b" %}', End: true } },
              },
            ],
          },
        ],
      ],
      JSONATA,
    ),
    expect: succeeds(['hello a', 'hello b']),
  },
  {
    name: 'Map iterations read variables of the outer scope',
    page: page('variable-scope'),
    definition: chain(
      [
        ['Store', { Type: 'Pass', Assign: { factor: 10 } }],
        [
          'Each',
          {
            Type: 'Map',
            Items: [1, 2, 3],
            ItemProcessor: {
              StartAt: 'Scale',
              States: {
                Scale: { Type: 'Pass', Output: '{% $states.input * $factor %}', End: true },
              },
            },
          },
        ],
      ],
      JSONATA,
    ),
    expect: succeeds([10, 20, 30]),
  },
  {
    name: 'An inner scope cannot assign a variable the outer scope assigns',
    page: page('variable-scope'),
    inferred:
      '"a variable assigned in an inner scope cannot have the same name as one assigned in an outer scope": a definition error.',
    definition: chain(
      [
        ['Store', { Type: 'Pass', Assign: { myVariable: 1 } }],
        [
          'Both',
          {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'A',
                States: { A: { Type: 'Pass', Assign: { myVariable: 2 }, End: true } },
              },
            ],
          },
        ],
      ],
      JSONATA,
    ),
    expect: refused(),
  },
  {
    name: "A branch cannot read another branch's variables",
    page: page('variable-scope'),
    inferred:
      "The page says branches have no access to each other's variables, not how AWS answers: a refusal or a failed run.",
    definition: chain(
      [
        [
          'Both',
          {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { mine: 1 }, End: true } } },
              {
                StartAt: 'B1',
                States: {
                  B1: { Type: 'Wait', Seconds: 0, Next: 'B2' },
                  B2: { Type: 'Pass', Output: '{% $mine %}', End: true },
                },
              },
            ],
          },
        ],
      ],
      JSONATA,
    ),
    expect: rejected,
  },
  {
    name: "A Parallel's variables go out of scope when it completes",
    page: page('variable-scope'),
    inferred:
      'The page says they "stop being accessible", not how AWS answers: a refusal or a failed run.',
    definition: thenShow(
      [
        [
          'Both',
          {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { inner: 1 }, End: true } } },
            ],
          },
        ],
      ],
      '{% $inner %}',
    ),
    expect: rejected,
  },
  {
    name: "A Catch's Assign assigns to the scope of the Parallel state",
    page: page('variable-scope'),
    definition: {
      ...JSONATA,
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Fail', Error: 'BranchBroke', Cause: 'why' } } },
          ],
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { failure: '{% $states.errorOutput.Error %}' },
              Next: 'Show',
            },
          ],
          End: true,
        },
        Show: { Type: 'Pass', Output: '{% $failure %}', End: true },
      },
    },
    expect: succeeds('BranchBroke'),
  },
  {
    name: 'A Map iteration keeps its own variables apart from the other iterations',
    page: page('variable-scope'),
    definition: single(
      {
        Type: 'Map',
        Items: '{% $states.input %}',
        ItemProcessor: {
          StartAt: 'Keep',
          States: {
            Keep: { Type: 'Pass', Assign: { mine: '{% $states.input %}' }, Next: 'Wait' },
            Wait: { Type: 'Wait', Seconds: 0, Next: 'Show' },
            Show: { Type: 'Pass', Output: '{% $mine %}', End: true },
          },
        },
      },
      'Each',
      JSONATA,
    ),
    input: ['a', 'b', 'c'],
    expect: succeeds(['a', 'b', 'c']),
  },
  // JSONPath
  {
    name: 'In a JSONPath Task, $ in Assign is the task result',
    page: page('using-variables-in-jsonpath-states'),
    definition: chain([
      [
        'Call',
        {
          Type: 'Task',
          Resource: fn('Echo'),
          Parameters: { order: { items: [{ product: 'a' }, { product: 'b' }], total: 30 } },
          Assign: { 'products.$': '$.order..product', 'orderTotal.$': '$.order.total' },
          ResultPath: null,
        },
      ],
      [
        'Show',
        { Type: 'Pass', Parameters: { 'products.$': '$products', 'total.$': '$orderTotal' } },
      ],
    ]),
    expect: succeeds({ products: ['a', 'b'], total: 30 }),
  },
  {
    name: 'In JSONPath, Assign takes static objects, paths, intrinsics and the Context object',
    page: page('using-variables-in-jsonpath-states'),
    definition: {
      StartAt: 'Customer',
      States: {
        Customer: { Type: 'Pass', Assign: { customer: { name: 'Ana' } }, Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: fn('Echo'),
          Parameters: { order: { items: [1, 2] }, result: { code: 200 } },
          Assign: {
            details: { status: 'SUCCESS', 'lineItems.$': '$.order.items' },
            'resultCode.$': '$.result.code',
            'message.$': "States.Format('Hello {}', $customer.name)",
            'startTime.$': '$$.Execution.StartTime',
          },
          ResultPath: null,
          Next: 'Show',
        },
        Show: {
          Type: 'Pass',
          Parameters: {
            'details.$': '$details',
            'resultCode.$': '$resultCode',
            'message.$': '$message',
            'startTime.$': '$startTime',
          },
          End: true,
        },
      },
    },
    expect: succeeds({
      details: { status: 'SUCCESS', lineItems: [1, 2] },
      resultCode: 200,
      message: 'Hello Ana',
      startTime: anyTimestamp,
    }),
  },
  {
    name: 'In a JSONPath Choice state, $ in Assign is the effective input',
    page: page('using-variables-in-jsonpath-states'),
    definition: {
      StartAt: 'Decide',
      States: {
        Decide: {
          Type: 'Choice',
          InputPath: '$.inner',
          Assign: { 'seen.$': '$.value' },
          Choices: [{ Variable: '$.value', NumericEquals: 1, Next: 'Show' }],
          Default: 'Show',
        },
        Show: { Type: 'Pass', Parameters: { 'seen.$': '$seen' }, End: true },
      },
    },
    input: { inner: { value: 1 } },
    expect: succeeds({ seen: 1 }),
  },
  {
    name: 'In a JSONPath Pass state, $ in Assign is the result of Result',
    page: page('using-variables-in-jsonpath-states'),
    definition: chain([
      [
        'Store',
        { Type: 'Pass', Result: { value: 'from result' }, Assign: { 'kept.$': '$.value' } },
      ],
      ['Show', { Type: 'Pass', Parameters: { 'kept.$': '$kept' } }],
    ]),
    input: { value: 'from input' },
    expect: succeeds({ kept: 'from result' }),
  },
  {
    name: 'A JSONPath Parameters reads a field of a variable',
    page: page('using-variables-in-jsonpath-states'),
    definition: chain([
      ['Store', { Type: 'Pass', Assign: { order: { numItems: 3, number: 'A-1' } } }],
      [
        'Show',
        {
          Type: 'Pass',
          Parameters: {
            'count.$': '$order.numItems',
            'text.$': "States.Format('The order number is {}', $order.number)",
          },
        },
      ],
    ]),
    expect: succeeds({ count: 3, text: 'The order number is A-1' }),
  },
  {
    name: 'A JSONPath Choice rule compares a variable',
    page: page('using-variables-in-jsonpath-states'),
    definition: {
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { count: 3 }, Next: 'Check' },
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$count', NumericGreaterThan: 1, Next: 'Many' }],
          Default: 'Few',
        },
        Many: { Type: 'Pass', Result: 'many', End: true },
        Few: { Type: 'Pass', Result: 'few', End: true },
      },
    },
    expect: succeeds('many'),
  },
  {
    name: 'A variable in ResultPath is refused',
    page: page('using-variables-in-jsonpath-states'),
    inferred: '"Variables cannot be used in ResultPath": a definition error.',
    definition: chain([
      ['Store', { Type: 'Pass', Assign: { x: 1 } }],
      ['Write', { Type: 'Pass', Result: 2, ResultPath: '$x' }],
    ]),
    expect: refused(),
  },
];
