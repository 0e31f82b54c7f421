/**
 * The Context object: its fields in JSONata ($states.context) and JSONPath ($$.), the JSONPath
 * fields that may read it, and the Map state's Index, Value and Source.
 */
import {
  anyTimestamp,
  chain,
  context,
  fn,
  JSONATA,
  type SfnCase,
  single,
  succeeds,
} from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.context}#${anchor}`;

/** The page's Map example: its input, and each iteration's Index, Value and Source. */
const MAP_CONTEXT_INPUT = [{ who: 'bob' }, { who: 'meg' }, { who: 'joe' }];
const MAP_CONTEXT_OUTPUT = MAP_CONTEXT_INPUT.map((value, index) => ({
  ContextIndex: index,
  ContextValue: value,
  ContextSource: 'STATE_DATA',
}));

export const contextObjectCases: SfnCase[] = [
  {
    name: 'A JSONata state reads the execution ARN as $states.context.Execution.Id',
    page: page('contextobject-access'),
    definition: single(
      { Type: 'Pass', Output: { ExecutionID: '{% $states.context.Execution.Id %}' } },
      'State',
      JSONATA,
    ),
    expect: succeeds({ ExecutionID: context('executionArn') }),
  },
  {
    name: 'A JSONPath state reads the execution ARN as $$.Execution.Id',
    page: page('contextobject-access'),
    definition: single({ Type: 'Pass', Parameters: { 'ExecutionID.$': '$$.Execution.Id' } }),
    expect: succeeds({ ExecutionID: context('executionArn') }),
  },
  {
    name: 'The Context object holds the execution, the state and the state machine',
    page: page('contextobject-format'),
    definition: single(
      {
        Type: 'Pass',
        Parameters: {
          'input.$': '$$.Execution.Input',
          'name.$': '$$.Execution.Name',
          'role.$': '$$.Execution.RoleArn',
          'start.$': '$$.Execution.StartTime',
          'entered.$': '$$.State.EnteredTime',
          'state.$': '$$.State.Name',
          'retries.$': '$$.State.RetryCount',
          'machine.$': '$$.StateMachine.Id',
          'machineName.$': '$$.StateMachine.Name',
        },
      },
      'Test',
    ),
    input: { key: 'value' },
    expect: succeeds({
      input: { key: 'value' },
      name: context('executionName'),
      role: context('roleArn'),
      start: anyTimestamp,
      entered: anyTimestamp,
      state: 'Test',
      retries: 0,
      machine: context('stateMachineArn'),
      machineName: context('stateMachineName'),
    }),
  },
  {
    name: 'The same Context object fields read from JSONata',
    page: page('contextobject-format'),
    definition: single(
      {
        Type: 'Pass',
        Output: {
          input: '{% $states.context.Execution.Input %}',
          name: '{% $states.context.Execution.Name %}',
          state: '{% $states.context.State.Name %}',
          machineName: '{% $states.context.StateMachine.Name %}',
          start: '{% $states.context.Execution.StartTime %}',
        },
      },
      'Test',
      JSONATA,
    ),
    input: { key: 'value' },
    expect: succeeds({
      input: { key: 'value' },
      name: context('executionName'),
      state: 'Test',
      machineName: context('stateMachineName'),
      start: anyTimestamp,
    }),
  },
  {
    name: 'State.RetryCount counts the retries of the state in progress',
    page: page('contextobject-format'),
    inferred: 'The page shows RetryCount as a number; a third attempt is the second retry.',
    definition: single({
      Type: 'Task',
      Resource: fn('Flaky'),
      Parameters: { errors: ['Busy', 'Busy'], 'retryCount.$': '$$.State.RetryCount' },
      Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 2 }],
      ResultSelector: { 'attempts.$': '$.attempts', 'retryCount.$': '$.input.retryCount' },
      ResultPath: '$.call',
    }),
    expect: succeeds({ call: { attempts: 3, retryCount: 2 } }),
    attempts: 3,
  },
  {
    name: 'InputPath may select from the Context object',
    page: page('contextobject-access'),
    definition: single({ Type: 'Pass', InputPath: '$$.Execution.Input.original' }),
    input: { original: { kept: true } },
    expect: succeeds({ kept: true }),
  },
  {
    name: 'OutputPath may select from the Context object',
    page: page('contextobject-access'),
    definition: single({ Type: 'Pass', OutputPath: '$$.Execution.Name' }),
    expect: succeeds(context('executionName')),
  },
  {
    name: 'ResultSelector may select from the Context object',
    page: page('contextobject-access'),
    definition: single(
      {
        Type: 'Task',
        Resource: fn('Echo'),
        ResultSelector: { 'state.$': '$$.State.Name' },
      },
      'Call',
    ),
    expect: succeeds({ state: 'Call' }),
  },
  {
    name: 'A Choice Variable may read the Context object',
    page: page('contextobject-access'),
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$$.State.Name', StringEquals: 'Check', Next: 'Yes' }],
          Default: 'No',
        },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      },
    },
    expect: succeeds('yes'),
  },
  {
    name: 'A Map ItemsPath may select from the Context object',
    page: page('contextobject-access'),
    definition: single({
      Type: 'Map',
      ItemsPath: '$$.Execution.Input.items',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    }),
    input: { items: [1, 2] },
    expect: succeeds([1, 2]),
  },
  {
    name: 'A JSONPath Map ItemSelector reads the Index, Value and Source of each item',
    page: page('contextobject-map'),
    definition: {
      StartAt: 'ExampleMapState',
      States: {
        ExampleMapState: {
          Type: 'Map',
          ItemSelector: {
            'ContextIndex.$': '$$.Map.Item.Index',
            'ContextValue.$': '$$.Map.Item.Value',
            'ContextSource.$': '$$.Map.Item.Source',
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'TestPass',
            States: { TestPass: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    },
    input: MAP_CONTEXT_INPUT,
    expect: succeeds(MAP_CONTEXT_OUTPUT),
  },
  {
    name: 'A JSONata Map ItemSelector reads the Index, Value and Source of each item',
    page: page('contextobject-map'),
    definition: {
      StartAt: 'ExampleMapState',
      QueryLanguage: 'JSONata',
      States: {
        ExampleMapState: {
          Type: 'Map',
          ItemSelector: {
            ContextIndex: '{% $states.context.Map.Item.Index %}',
            ContextValue: '{% $states.context.Map.Item.Value %}',
            ContextSource: '{% $states.context.Map.Item.Source %}',
          },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'TestPass',
            States: { TestPass: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    },
    input: MAP_CONTEXT_INPUT,
    expect: succeeds(MAP_CONTEXT_OUTPUT),
  },
  {
    name: "Each state's Context object names that state",
    page: page('contextobject-format'),
    definition: chain([
      ['First', { Type: 'Pass', Parameters: { 'first.$': '$$.State.Name' } }],
      [
        'Second',
        { Type: 'Pass', Parameters: { 'first.$': '$.first', 'second.$': '$$.State.Name' } },
      ],
    ]),
    expect: succeeds({ first: 'First', second: 'Second' }),
  },
];
