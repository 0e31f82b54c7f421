/**
 * The Parallel state (branches, their outputs in order, a failing branch, Retry and Catch,
 * branch isolation) and the inline Map state (ItemsPath and Items, ItemSelector and the
 * deprecated Parameters and Iterator, MaxConcurrency, ResultSelector, ResultPath, Output, a
 * failing iteration, Retry over all iterations), with the pages' examples. Distributed Map is
 * refused offline (refused-offline.ts).
 */
import {
  fails,
  fn,
  JSONATA,
  LAMBDA_INVOKE,
  refused,
  type SfnCase,
  single,
  succeeds,
} from './case.ts';
import { PAGES } from './pages.ts';

const parallel = (anchor: string) => `${PAGES.parallel}#${anchor}`;
const inline = (anchor: string) => `${PAGES.mapInline}#${anchor}`;

/** A branch of one Pass state named `name`, with the fields given. */
const branch = (name: string, state: Record<string, unknown>) => ({
  StartAt: name,
  States: { [name]: { Type: 'Pass', End: true, ...state } },
});

/** An item processor of one state named `name`. */
const processor = (name: string, state: Record<string, unknown>) => ({
  StartAt: name,
  States: { [name]: { End: true, ...state } },
});

const SHIPMENT = {
  'ship-date': '2016-03-14T01:59:00Z',
  detail: {
    'delivery-partner': 'UQS',
    shipped: [
      { prod: 'R31', 'dest-code': 9511, quantity: 1344 },
      { prod: 'S39', 'dest-code': 9511, quantity: 40 },
      { prod: 'R31', 'dest-code': 9833, quantity: 12 },
      { prod: 'R40', 'dest-code': 9860, quantity: 887 },
      { prod: 'R40', 'dest-code': 9511, quantity: 1220 },
    ],
  },
};

const SHIP_VAL =
  'The page does not show ship-val; an echo function stands for it, so each iteration outputs its input.';

export const parallelCases: SfnCase[] = [
  {
    name: 'A Parallel state runs its branches and outputs their outputs in branch order',
    page: parallel('parallel-example'),
    inferred:
      'The page does not show AddressFinder and PhoneFinder; each here answers from its input.',
    definition: {
      Comment: 'Parallel Example.',
      StartAt: 'LookupCustomerInfo',
      States: {
        LookupCustomerInfo: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'LookupAddress',
              States: { LookupAddress: { Type: 'Task', Resource: fn('AddressFinder'), End: true } },
            },
            {
              StartAt: 'LookupPhone',
              States: { LookupPhone: { Type: 'Task', Resource: fn('PhoneFinder'), End: true } },
            },
          ],
        },
      },
    },
    input: { customer: 'Ana' },
    expect: succeeds([{ address: 'address of Ana' }, { phone: 'phone of Ana' }]),
  },
  {
    name: 'Each branch receives a copy of the Parallel state input',
    page: parallel('amazon-states-language-parallel-state-output'),
    inferred:
      'The page uses Add and Subtract activities; functions with the same arithmetic stand for them.',
    definition: {
      Comment: 'Parallel Example.',
      StartAt: 'FunWithMath',
      States: {
        FunWithMath: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Add', States: { Add: { Type: 'Task', Resource: fn('Add'), End: true } } },
            {
              StartAt: 'Subtract',
              States: { Subtract: { Type: 'Task', Resource: fn('Subtract'), End: true } },
            },
          ],
        },
      },
    },
    input: [3, 2],
    expect: succeeds([5, 1]),
  },
  {
    name: 'The branch outputs need not be of the same type',
    page: parallel('amazon-states-language-parallel-state-output'),
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch('A', { Result: 'text' }),
        branch('B', { Result: 7 }),
        branch('C', { Result: { o: true } }),
      ],
    }),
    expect: succeeds(['text', 7, { o: true }]),
  },
  {
    name: 'InputPath selects what every branch receives',
    page: parallel('amazon-states-language-parallel-state-output'),
    definition: single({
      Type: 'Parallel',
      InputPath: '$.shared',
      Branches: [branch('A', {}), branch('B', {})],
    }),
    input: { shared: { n: 1 }, other: 2 },
    expect: succeeds([{ n: 1 }, { n: 1 }]),
  },
  {
    name: 'ResultPath places the array of branch outputs in the input',
    page: parallel('amazon-states-language-parallel-state-output'),
    definition: single({
      Type: 'Parallel',
      ResultPath: '$.results',
      Branches: [branch('A', { Result: 1 }), branch('B', { Result: 2 })],
    }),
    input: { kept: true },
    expect: succeeds({ kept: true, results: [1, 2] }),
  },
  {
    name: 'Parameters gives every branch the same built input',
    page: `${PAGES.spec}#payload-template`,
    definition: single({
      Type: 'Parallel',
      Parameters: { 'who.$': '$.name' },
      Branches: [branch('A', {}), branch('B', {})],
    }),
    input: { name: 'Ana' },
    expect: succeeds([{ who: 'Ana' }, { who: 'Ana' }]),
  },
  {
    name: 'A JSONata Parallel state outputs from $states.result',
    page: parallel('state-parallel'),
    definition: single(
      {
        Type: 'Parallel',
        Arguments: { n: '{% $states.input.n %}' },
        Branches: [
          branch('Double', { Output: '{% $states.input.n * 2 %}' }),
          branch('Triple', { Output: '{% $states.input.n * 3 %}' }),
        ],
        Output: '{% $sum($states.result) %}',
      },
      'Both',
      JSONATA,
    ),
    input: { n: 2 },
    expect: succeeds(10),
  },
  {
    name: 'A failing branch fails the Parallel state and the execution',
    page: parallel('error-handling'),
    inferred: 'The page does not name the error the execution ends with.',
    definition: single({
      Type: 'Parallel',
      Branches: [
        branch('A', {}),
        {
          StartAt: 'Broken',
          States: { Broken: { Type: 'Fail', Error: 'BranchError', Cause: 'broke' } },
        },
      ],
    }),
    expect: fails(),
  },
  {
    name: 'A Catch on the Parallel state takes the failure of a branch',
    page: parallel('error-handling'),
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            branch('A', {}),
            {
              StartAt: 'Broken',
              States: { Broken: { Type: 'Fail', Error: 'BranchError', Cause: 'broke' } },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', Result: 'recovered', End: true },
      },
    },
    expect: succeeds('recovered'),
  },
  {
    name: 'A Retry on the Parallel state runs the branches again',
    page: `${PAGES.errors}#error-handling-retrying-after-an-error`,
    inferred:
      'Parallel states may have Retry; a retry reruns the state, so the flaky function is called again.',
    definition: single({
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: fn('Flaky'),
              Parameters: { errors: ['Busy'] },
              ResultSelector: { 'attempts.$': '$.attempts' },
              End: true,
            },
          },
        },
      ],
      Retry: [{ ErrorEquals: ['Busy'] }],
    }),
    expect: succeeds([{ attempts: 2 }]),
    attempts: 2,
  },
  {
    name: 'A branch state cannot transition outside its branch',
    page: parallel('parallel-example'),
    definition: {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Outside' } } }],
          Next: 'Outside',
        },
        Outside: { Type: 'Succeed' },
      },
    },
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'A state outside a branch cannot transition into it',
    page: parallel('parallel-example'),
    definition: {
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Next: 'Inner' },
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } }],
          End: true,
        },
      },
    },
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'A branch without StartAt is refused',
    page: parallel('state-parallel'),
    definition: single({
      Type: 'Parallel',
      Branches: [{ States: { A: { Type: 'Pass', End: true } } }],
    }),
    expect: refused(),
  },
];

export const mapCases: SfnCase[] = [
  {
    name: 'ItemsPath selects the array a Map state iterates over',
    page: `${PAGES.itemsPath}#input-output-itemspath`,
    definition: {
      StartAt: 'PiratesSay',
      States: {
        PiratesSay: {
          Type: 'Map',
          ItemsPath: '$.ThingsPiratesSay',
          ItemProcessor: processor('SayWord', { Type: 'Pass' }),
          End: true,
        },
      },
    },
    input: {
      ThingsPiratesSay: [{ say: 'Avast!' }, { say: 'Yar!' }, { say: 'Walk the Plank!' }],
      ThingsGiantsSay: [{ say: 'Fee!' }, { say: 'Fi!' }, { say: 'Fo!' }, { say: 'Fum!' }],
    },
    expect: succeeds([{ say: 'Avast!' }, { say: 'Yar!' }, { say: 'Walk the Plank!' }]),
  },
  {
    name: 'Without ItemsPath a Map state iterates over its whole input',
    page: inline('inline-map-state-output'),
    definition: single({ Type: 'Map', ItemProcessor: processor('Item', { Type: 'Pass' }) }),
    input: ['a', 'b'],
    expect: succeeds(['a', 'b']),
  },
  {
    name: 'ItemsPath applies after InputPath',
    page: `${PAGES.itemsPath}#input-output-itemspath`,
    definition: single({
      Type: 'Map',
      InputPath: '$.detail',
      ItemsPath: '$.shipped',
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    input: { detail: { shipped: [1, 2] } },
    expect: succeeds([1, 2]),
  },
  {
    name: 'The inline Map example validates each shipped item and replaces the array with the outputs',
    page: inline('inline-map-state-examples'),
    inferred: `${SHIP_VAL} ResultPath applies to the raw input, so the output is the input with detail.shipped replaced by the (identical) outputs.`,
    definition: {
      StartAt: 'Validate All',
      States: {
        'Validate All': {
          Type: 'Map',
          InputPath: '$.detail',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Validate',
            States: {
              Validate: {
                Type: 'Task',
                Resource: LAMBDA_INVOKE,
                OutputPath: '$.Payload',
                Parameters: { FunctionName: `${fn('ship-val')}:$LATEST`, 'Payload.$': '$' },
                End: true,
              },
            },
          },
          End: true,
          ResultPath: '$.detail.shipped',
          ItemsPath: '$.shipped',
        },
      },
    },
    input: SHIPMENT,
    expect: succeeds(SHIPMENT),
  },
  {
    name: 'ItemSelector gives each iteration its item and a field of the Map state input',
    page: inline('inline-map-state-example-params'),
    inferred: SHIP_VAL,
    definition: {
      StartAt: 'Validate-All',
      States: {
        'Validate-All': {
          Type: 'Map',
          InputPath: '$.detail',
          ItemsPath: '$.shipped',
          MaxConcurrency: 0,
          ResultPath: '$.detail.shipped',
          ItemSelector: { 'parcel.$': '$$.Map.Item.Value', 'courier.$': '$.delivery-partner' },
          ItemProcessor: processor('Validate', { Type: 'Task', Resource: fn('ship-val') }),
          End: true,
        },
      },
    },
    input: { detail: { 'delivery-partner': 'UQS', shipped: SHIPMENT.detail.shipped.slice(0, 2) } },
    expect: succeeds({
      detail: {
        'delivery-partner': 'UQS',
        shipped: SHIPMENT.detail.shipped.slice(0, 2).map((parcel) => ({ parcel, courier: 'UQS' })),
      },
    }),
  },
  {
    name: 'ItemSelector mixes a static value with the item from the Context object',
    page: `${PAGES.itemSelector}#input-output-itemselector`,
    definition: single({
      Type: 'Map',
      ItemSelector: { size: 10, 'value.$': '$$.Map.Item.Value' },
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    input: [
      { resize: 'true', format: 'jpg' },
      { resize: 'false', format: 'png' },
    ],
    expect: succeeds([
      { size: 10, value: { resize: 'true', format: 'jpg' } },
      { size: 10, value: { resize: 'false', format: 'png' } },
    ]),
  },
  {
    name: 'The deprecated Parameters and Iterator still build and run each iteration',
    page: inline('map-state-inline-deprecated-fields'),
    definition: single({
      Type: 'Map',
      Parameters: { 'item.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      Iterator: processor('Item', { Type: 'Pass' }),
    }),
    input: ['x', 'y'],
    expect: succeeds([
      { item: 'x', index: 0 },
      { item: 'y', index: 1 },
    ]),
  },
  {
    name: 'MaxConcurrency 1 still outputs every iteration, in input order',
    page: inline('map-state-inline-additional-fields'),
    definition: single({
      Type: 'Map',
      MaxConcurrency: 1,
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    input: [3, 1, 2],
    expect: succeeds([3, 1, 2]),
  },
  {
    name: 'MaxConcurrencyPath reads the concurrency from the input',
    page: inline('map-state-inline-additional-fields'),
    definition: single({
      Type: 'Map',
      ItemsPath: '$.items',
      MaxConcurrencyPath: '$.limit',
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    input: { items: [1, 2, 3], limit: 2 },
    expect: succeeds([1, 2, 3]),
  },
  {
    name: 'A Map state with both MaxConcurrency and MaxConcurrencyPath is refused',
    page: inline('map-state-inline-additional-fields'),
    definition: single({
      Type: 'Map',
      MaxConcurrency: 1,
      MaxConcurrencyPath: '$.limit',
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    expect: refused(),
  },
  {
    name: 'A JSONata MaxConcurrency may be an expression',
    page: inline('map-state-inline-additional-fields'),
    definition: single(
      {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        MaxConcurrency: '{% $states.input.limit %}',
        ItemProcessor: processor('Item', { Type: 'Pass' }),
      },
      'Each item',
      JSONATA,
    ),
    input: { items: ['a', 'b'], limit: 1 },
    expect: succeeds(['a', 'b']),
  },
  {
    name: 'ResultSelector shapes the array of iteration outputs',
    page: inline('map-state-inline-additional-fields'),
    definition: single({
      Type: 'Map',
      ItemProcessor: processor('Item', { Type: 'Pass' }),
      ResultSelector: { 'first.$': '$[0]', 'all.$': '$' },
    }),
    input: [1, 2],
    expect: succeeds({ first: 1, all: [1, 2] }),
  },
  {
    name: 'A JSONata Map iterates over Items and outputs through Output',
    page: inline('map-state-inline-additional-fields'),
    definition: single(
      {
        Type: 'Map',
        Items: '{% $states.input.orders %}',
        ItemSelector: {
          id: '{% $states.context.Map.Item.Value.id %}',
          position: '{% $states.context.Map.Item.Index %}',
        },
        ItemProcessor: processor('Item', { Type: 'Pass' }),
        Output: { orders: '{% $states.result %}', count: '{% $count($states.result) %}' },
      },
      'Each order',
      JSONATA,
    ),
    input: { orders: [{ id: 'a' }, { id: 'b' }] },
    expect: succeeds({
      orders: [
        { id: 'a', position: 0 },
        { id: 'b', position: 1 },
      ],
      count: 2,
    }),
  },
  {
    name: 'A JSONata Map Items may be a literal array',
    page: inline('map-state-inline-additional-fields'),
    definition: single(
      { Type: 'Map', Items: [1, 2, 3], ItemProcessor: processor('Item', { Type: 'Pass' }) },
      'Each',
      JSONATA,
    ),
    expect: succeeds([1, 2, 3]),
  },
  {
    name: 'ItemsPath in a JSONata Map is refused',
    page: inline('map-state-inline-additional-fields'),
    inferred: 'ItemsPath is "JSONPath only": a definition error in a JSONata state.',
    definition: single(
      { Type: 'Map', ItemsPath: '$.items', ItemProcessor: processor('Item', { Type: 'Pass' }) },
      'Each',
      JSONATA,
    ),
    expect: refused(),
  },
  {
    name: 'A Map state over an empty array outputs an empty array',
    page: inline('inline-map-state-output'),
    inferred:
      'The output is "a JSON array, where each item is the output of an iteration": none here.',
    definition: single({ Type: 'Map', ItemProcessor: processor('Item', { Type: 'Pass' }) }),
    input: [],
    expect: succeeds([]),
  },
  {
    name: 'An ItemsPath that does not select an array fails the Map state',
    page: `${PAGES.itemsPath}#input-output-itemspath`,
    inferred:
      'The page says ItemsPath "must identify a value that is a JSON array"; it does not name the error.',
    definition: single({
      Type: 'Map',
      ItemsPath: '$.notArray',
      ItemProcessor: processor('Item', { Type: 'Pass' }),
    }),
    input: { notArray: 'abc' },
    expect: fails(),
  },
  {
    name: 'A failing iteration fails the Map state',
    page: inline('map-state-inline-additional-fields'),
    definition: single({
      Type: 'Map',
      ItemProcessor: processor('Check', { Type: 'Task', Resource: fn('Raise') }),
    }),
    input: [{ errorType: 'BadItem' }],
    expect: fails(),
    inferred: 'The page says the Map state fails; it does not name the error.',
  },
  {
    name: 'A Catch on the Map state takes the failure of an iteration',
    page: inline('map-state-inline-additional-fields'),
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: processor('Check', { Type: 'Task', Resource: fn('Raise') }),
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', Result: 'recovered', End: true },
      },
    },
    input: [{ errorType: 'BadItem' }],
    expect: succeeds('recovered'),
  },
  {
    name: "A Map state's Retry runs every iteration again, not only the failed one",
    page: inline('map-state-inline-additional-fields'),
    inferred:
      'Two items run at once, the second failing once: a retry of all iterations makes four calls, of the failed one only three.',
    definition: single({
      Type: 'Map',
      ItemSelector: { 'errors.$': '$$.Map.Item.Value' },
      ItemProcessor: processor('Call', {
        Type: 'Task',
        Resource: fn('Flaky'),
        ResultSelector: { 'attempts.$': '$.attempts' },
      }),
      Retry: [{ ErrorEquals: ['Busy'] }],
    }),
    input: [[], ['Busy']],
    expect: succeeds([{ attempts: 2 }, { attempts: 2 }]),
    attempts: 4,
  },
  {
    name: 'A state inside the item processor cannot transition outside it',
    page: inline('map-state-inline-additional-fields'),
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'After' } } },
          Next: 'After',
        },
        After: { Type: 'Succeed' },
      },
    },
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'A Distributed Map state with a tolerated failure percentage is accepted',
    page: `${PAGES.mapDistributed}#maprun-fail-threshold`,
    definition: single(
      {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
        ToleratedFailurePercentage: 10,
      },
      'Each',
    ),
    expect: { accepted: true },
  },
  {
    name: 'A Distributed Map state fails with States.ExceedToleratedFailureThreshold past its tolerated failures',
    page: `${PAGES.errors}#error-handling-error-representation`,
    definition: single(
      {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Check',
          States: { Check: { Type: 'Fail', Error: 'BadItem' } },
        },
        ToleratedFailureCount: 0,
      },
      'Each',
    ),
    input: [1, 2],
    expect: fails('States.ExceedToleratedFailureThreshold'),
  },
  {
    name: 'A Distributed Map state reading its items with ItemReader is accepted',
    page: `${PAGES.mapDistributed}#state-map-distributed`,
    definition: single(
      {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: 'amzn-s3-demo-bucket', Key: 'items.json' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
      },
      'Each',
    ),
    expect: { accepted: true },
  },
];
