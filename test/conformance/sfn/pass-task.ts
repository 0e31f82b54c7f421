/**
 * The Pass state (Result, ResultPath, Parameters, Output) and the Task state (a Lambda function
 * by ARN or through lambda:invoke, Arguments and Output, timeouts, a failing function, the
 * payload quota).
 */
import {
  chain,
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

const pass = (anchor: string) => `${PAGES.pass}#${anchor}`;
const task = (anchor: string) => `${PAGES.task}#${anchor}`;
const spec = (anchor: string) => `${PAGES.spec}#${anchor}`;

export const passCases: SfnCase[] = [
  {
    name: 'A Pass state places its Result at its ResultPath in the input',
    page: pass('pass-state-example'),
    definition: single(
      {
        Type: 'Pass',
        Result: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
        ResultPath: '$.coords',
      },
      'No-op',
    ),
    input: { georefOf: 'Home' },
    expect: succeeds({
      georefOf: 'Home',
      coords: { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 },
    }),
  },
  {
    name: 'A Pass state without Result passes its input to its output',
    page: pass('state-pass'),
    definition: single({ Type: 'Pass' }),
    input: { any: ['thing', 1] },
    expect: succeeds({ any: ['thing', 1] }),
  },
  {
    name: 'A Pass state Result without ResultPath becomes its output',
    page: `${PAGES.structure}#statemachine-structure`,
    definition: {
      Comment: 'A Hello World example of the Amazon States Language using a Pass state',
      StartAt: 'HelloWorld',
      States: { HelloWorld: { Type: 'Pass', Result: 'Hello World!', End: true } },
    },
    expect: succeeds('Hello World!'),
  },
  {
    name: 'A Pass state Result is static: a field ending in .$ is not evaluated',
    page: PAGES.diagnostics,
    inferred:
      'PASS_RESULT_IS_STATIC is a warning, which does not prevent creation; the Result is output as written.',
    definition: single({ Type: 'Pass', Result: { 'value.$': '$.x' } }),
    input: { x: 1 },
    expect: succeeds({ 'value.$': '$.x' }),
  },
  {
    name: 'A Pass state Parameters becomes its output',
    page: pass('state-pass'),
    definition: single({ Type: 'Pass', Parameters: { 'name.$': '$.user.name', kind: 'user' } }),
    input: { user: { name: 'Ana', age: 30 } },
    expect: succeeds({ name: 'Ana', kind: 'user' }),
  },
  {
    name: 'A Pass state places its Parameters output at its ResultPath',
    page: `${PAGES.spec}#using-assign-1`,
    inferred:
      'For a Pass state the spec calls the output of Parameters its result; ResultPath places a result.',
    definition: single({ Type: 'Pass', Parameters: { 'n.$': '$.n' }, ResultPath: '$.copy' }),
    input: { n: 1 },
    expect: succeeds({ n: 1, copy: { n: 1 } }),
  },
  {
    name: 'A JSONata Pass state outputs its Output',
    page: pass('state-pass'),
    definition: single(
      { Type: 'Pass', Output: { doubled: '{% $states.input.n * 2 %}' } },
      'State',
      JSONATA,
    ),
    input: { n: 21 },
    expect: succeeds({ doubled: 42 }),
  },
  {
    name: 'A JSONata Pass state without Output passes its input on',
    page: pass('state-pass'),
    inferred: 'Output "overrides the state output default": without it the output is the input.',
    definition: single({ Type: 'Pass' }, 'State', JSONATA),
    input: { kept: true },
    expect: succeeds({ kept: true }),
  },
  {
    name: 'Result in a JSONata Pass state is refused',
    page: pass('state-pass'),
    inferred: 'Result is "JSONPath only": a definition error in a JSONata state.',
    definition: single({ Type: 'Pass', Result: 1 }, 'State', JSONATA),
    expect: refused(),
  },
];

export const taskCases: SfnCase[] = [
  {
    name: 'A Task state runs the Lambda function its Resource names and outputs its result',
    page: spec('example'),
    definition: {
      Comment: 'A simple minimal example of the States language',
      StartAt: 'Hello World',
      States: { 'Hello World': { Type: 'Task', Resource: fn('HelloFunction'), End: true } },
    },
    input: { who: 'World' },
    expect: succeeds('Hello, World!'),
  },
  {
    name: 'The spec Add function returns 7 for 3 and 4',
    page: spec('data'),
    definition: single({ Type: 'Task', Resource: fn('Add') }, 'Add'),
    input: { val1: 3, val2: 4 },
    expect: succeeds(7),
  },
  {
    name: 'lambda:invoke returns the function result as Payload, with StatusCode 200',
    page: `${PAGES.lambda}#connect-lambda`,
    inferred:
      "The page says Payload is parsed from escaped JSON to JSON; StatusCode is the Lambda Invoke response's.",
    definition: single(
      {
        Type: 'Task',
        Resource: LAMBDA_INVOKE,
        Parameters: { FunctionName: fn('Echo'), 'Payload.$': '$' },
        ResultSelector: { 'Payload.$': '$.Payload', 'StatusCode.$': '$.StatusCode' },
      },
      'CallLambda',
    ),
    input: { order: 1 },
    expect: succeeds({ Payload: { order: 1 }, StatusCode: 200 }),
  },
  {
    name: 'lambda:invoke with OutputPath $.Payload outputs the function result',
    page: `${PAGES.mapInline}#inline-map-state-examples`,
    definition: single({
      Type: 'Task',
      Resource: LAMBDA_INVOKE,
      OutputPath: '$.Payload',
      Parameters: { FunctionName: `${fn('HelloFunction')}:$LATEST`, 'Payload.$': '$' },
    }),
    input: { who: 'Step Functions' },
    expect: succeeds('Hello, Step Functions!'),
  },
  {
    name: 'A JSONata lambda:invoke sends its Arguments and outputs from $states.result',
    page: `${PAGES.lambda}#connect-lambda-api-examples`,
    definition: single(
      {
        Type: 'Task',
        Resource: LAMBDA_INVOKE,
        Arguments: {
          FunctionName: fn('HelloFunction'),
          Payload: { who: '{% $states.input.name %}' },
        },
        Output: '{% $states.result.Payload %}',
      },
      'CallLambda',
      JSONATA,
    ),
    input: { name: 'JSONata' },
    expect: succeeds('Hello, JSONata!'),
  },
  {
    name: 'A JSONata Task without Output outputs the raw result',
    page: task('state-task'),
    inferred: 'Output overrides the default output, which is the result ($states.result).',
    definition: single(
      { Type: 'Task', Resource: fn('Add'), Arguments: { val1: 1, val2: 2 } },
      'Add',
      JSONATA,
    ),
    expect: succeeds(3),
  },
  {
    name: 'A function that throws fails the Task with the error name it threw',
    page: `${PAGES.lambda}#connect-lambda`,
    inferred:
      "The page says the Task fails; the error name is the function's error type (error handling page).",
    definition: single({ Type: 'Task', Resource: fn('FailFunction') }),
    expect: fails('HandledError'),
  },
  {
    name: 'A Task that runs longer than TimeoutSeconds fails with States.Timeout',
    page: `${PAGES.errors}#error-handling-examples`,
    definition: single({ Type: 'Task', Resource: fn('sleep10'), TimeoutSeconds: 1 }),
    expect: fails('States.Timeout'),
  },
  {
    name: 'TimeoutSecondsPath reads the Task timeout from the input',
    page: task('state-task'),
    definition: single({ Type: 'Task', Resource: fn('sleep10'), TimeoutSecondsPath: '$.timeout' }),
    input: { timeout: 1 },
    expect: fails('States.Timeout'),
  },
  {
    name: 'A Task with HeartbeatSeconds below TimeoutSeconds runs its function',
    page: spec('task-state'),
    definition: single(
      {
        Type: 'Task',
        Resource: fn('Add'),
        TimeoutSeconds: 300,
        HeartbeatSeconds: 60,
      },
      'TaskState',
    ),
    input: { val1: 1, val2: 1 },
    expect: succeeds(2),
  },
  {
    name: 'HeartbeatSeconds not smaller than TimeoutSeconds is refused',
    page: spec('task-state'),
    inferred:
      'The spec says HeartbeatSeconds MUST be smaller than TimeoutSeconds: a definition error.',
    definition: single({
      Type: 'Task',
      Resource: fn('Echo'),
      TimeoutSeconds: 10,
      HeartbeatSeconds: 10,
    }),
    expect: refused(),
  },
  {
    name: 'A TimeoutSeconds of zero is refused',
    page: spec('task-state'),
    inferred: 'The spec says timeouts MUST be positive integers: a definition error.',
    definition: single({ Type: 'Task', Resource: fn('Echo'), TimeoutSeconds: 0 }),
    expect: refused(),
  },
  {
    name: 'A Task Resource that is not a valid resource is refused',
    page: PAGES.diagnostics,
    definition: single({ Type: 'Task', Resource: 'not-a-resource' }),
    expect: refused('INVALID_RESOURCE'),
  },
  {
    name: 'A Task result over the payload quota fails with States.DataLimitExceeded',
    page: `${PAGES.errors}#error-data-limit-exceed`,
    definition: single({ Type: 'Task', Resource: fn('Big'), Parameters: { bytes: 300_000 } }),
    expect: fails('States.DataLimitExceeded'),
  },
  {
    name: 'A Task passes its effective input to the function when it has no Parameters',
    page: spec('filters'),
    definition: chain([
      ['Select', { Type: 'Pass', Parameters: { 'who.$': '$.name' } }],
      ['Greet', { Type: 'Task', Resource: fn('HelloFunction') }],
    ]),
    input: { name: 'Maria' },
    expect: succeeds('Hello, Maria!'),
  },
];
