/**
 * JSONPath input and output processing: paths and reference paths, InputPath, Parameters,
 * ResultSelector, ResultPath and OutputPath with the developer guide's worked examples and the
 * specification's rules (null paths, defaults, multiple values, runtime errors).
 */
import { anyString, chain, fails, fn, refused, type SfnCase, single, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const params = (anchor: string) => `${PAGES.inputPathParams}#${anchor}`;
const resultPath = (anchor: string) => `${PAGES.resultPath}#${anchor}`;
const spec = (anchor: string) => `${PAGES.spec}#${anchor}`;

/** The tutorial's input to HelloFunction, which answers "Hello, AWS Step Functions!". */
const HELLO_INPUT = {
  comment: 'This is a test of the input and output of a Task state.',
  details: 'Default example',
  who: 'AWS Step Functions',
};

const hello = (fields: Record<string, unknown> = {}) =>
  single({ Type: 'Task', Resource: fn('HelloFunction'), ...fields }, 'HelloWorld');

export const inputOutputCases: SfnCase[] = [
  // Paths
  {
    name: 'Reference paths select a number, an array and a nested field',
    page: `${PAGES.paths}#amazon-states-language-reference-paths`,
    definition: single({
      Type: 'Pass',
      Parameters: { 'foo.$': '$.foo', 'bar.$': '$.bar', 'cdr.$': '$.car.cdr' },
    }),
    input: { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } },
    expect: succeeds({ foo: 123, bar: ['a', 'b', 'c'], cdr: true }),
  },
  {
    name: 'A path with a filter selects the objects that match it',
    page: `${PAGES.paths}#amazon-states-language-reference-paths`,
    definition: single({ Type: 'Pass', InputPath: '$.jar[?(@.a >= 5)]' }),
    input: { jar: [{ a: 1 }, { a: 5 }, { a: 2 }, { a: 7 }, { a: 3 }] },
    expect: succeeds([{ a: 5 }, { a: 7 }]),
  },
  {
    name: 'A path that yields several values gives them as an array',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', InputPath: '$.a[0,1]' }),
    input: { a: [1, 2, 3, 4] },
    expect: succeeds([1, 2]),
  },
  {
    name: 'An OutputPath that yields several values gives them as an array',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', OutputPath: '$.a[2,3]' }),
    input: { a: [1, 2, 3, 4] },
    expect: succeeds([3, 4]),
  },
  // InputPath
  {
    name: 'InputPath selects a portion of the state input',
    page: params('input-output-inputpath'),
    definition: single({ Type: 'Pass', InputPath: '$.dataset2' }),
    input: {
      comment: 'Example for InputPath.',
      dataset1: { val1: 1, val2: 2, val3: 3 },
      dataset2: { val1: 'a', val2: 'b', val3: 'c' },
    },
    expect: succeeds({ val1: 'a', val2: 'b', val3: 'c' }),
  },
  {
    name: 'An InputPath slice selects part of an array',
    page: params('input-output-inputpath'),
    definition: single({ Type: 'Pass', InputPath: '$.a[0:2]' }),
    input: { a: [1, 2, 3, 4] },
    expect: succeeds([1, 2]),
  },
  {
    name: 'An InputPath of null gives the state an empty object',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', InputPath: null }),
    input: { discarded: true },
    expect: succeeds({}),
  },
  {
    name: 'An InputPath that selects nothing fails with States.Runtime',
    page: `${PAGES.errors}#states-runtime-error`,
    inferred:
      'The page gives "applying InputPath or OutputPath on a null JSON payload" as a cause of States.Runtime; a path to a missing field is such a case.',
    definition: single({ Type: 'Pass', InputPath: '$.missing' }),
    input: { present: 1 },
    expect: fails('States.Runtime'),
  },
  // Parameters
  {
    name: 'Parameters builds key-value pairs, static and selected with .$ paths',
    page: params('input-output-parameters'),
    definition: single({
      Type: 'Pass',
      Parameters: {
        comment: 'Selecting what I care about.',
        MyDetails: {
          'size.$': '$.product.details.size',
          'exists.$': '$.product.availability',
          StaticValue: 'foo',
        },
      },
    }),
    input: {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    },
    expect: succeeds({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    }),
  },
  {
    name: 'Parameters applies after InputPath',
    page: params('input-output-inputpath-params'),
    definition: single({
      Type: 'Pass',
      InputPath: '$.product',
      Parameters: { 'size.$': '$.details.size' },
    }),
    input: { product: { details: { size: 'small' } } },
    expect: succeeds({ size: 'small' }),
  },
  {
    name: 'The spec example of Parameters selects an item and a negative slice',
    page: spec('payload-template'),
    inferred:
      'The spec\'s example without its "weekday" field, which reads a Context field AWS does not have.',
    definition: single({
      Type: 'Task',
      Resource: fn('Echo'),
      Parameters: { flagged: true, parts: { 'first.$': '$.vals[0]', 'last3.$': '$.vals[-3:]' } },
    }),
    input: { flagged: 7, vals: [0, 10, 20, 30, 40, 50] },
    expect: succeeds({ flagged: true, parts: { first: 0, last3: [30, 40, 50] } }),
  },
  {
    name: 'A Task receives its static Parameters as its input',
    page: spec('payload-template'),
    definition: single({
      Type: 'Task',
      Resource: fn('Echo'),
      Parameters: { first: 88, second: 99 },
    }),
    input: { ignored: true },
    expect: succeeds({ first: 88, second: 99 }),
  },
  {
    name: 'A Parameters path that cannot be applied fails with States.ParameterPathFailure',
    page: spec('payload-template'),
    definition: single({ Type: 'Pass', Parameters: { 'value.$': '$.missing.field' } }),
    input: { present: 1 },
    expect: fails('States.ParameterPathFailure'),
  },
  {
    name: 'A field ending in .$ whose value is not a path or an intrinsic is refused',
    page: spec('payload-template'),
    inferred:
      'The spec says the value MUST be a Path or an Intrinsic Function: a definition error.',
    definition: single({ Type: 'Pass', Parameters: { 'value.$': 'not a path' } }),
    expect: refused(),
  },
  {
    name: 'Two fields that are the same name once .$ is stripped are refused',
    page: spec('payload-template'),
    inferred: 'The spec says a JSON object MUST NOT have such duplicates: a definition error.',
    definition: single({ Type: 'Pass', Parameters: { value: 1, 'value.$': '$.x' } }),
    expect: refused(),
  },
  {
    name: 'A Parameters value that looks like a path but lacks .$ stays a literal string',
    page: `${PAGES.diagnostics}`,
    inferred: 'NO_DOLLAR is a warning, which does not prevent creation; the value is then static.',
    definition: single({ Type: 'Pass', Parameters: { value: '$.x' } }),
    input: { x: 1 },
    expect: succeeds({ value: '$.x' }),
  },
  // ResultSelector
  {
    name: 'ResultSelector picks parts of the result that ResultPath then merges into the input',
    page: params('input-output-resultselector'),
    inferred:
      'The page uses an EMR task; an echo function returns the same result shape, given as its Parameters.',
    definition: single(
      {
        Type: 'Task',
        Resource: fn('Echo'),
        Parameters: {
          resourceType: 'elasticmapreduce',
          resource: 'createCluster.sync',
          output: {
            SdkHttpMetadata: { HttpStatusCode: 200 },
            SdkResponseMetadata: { RequestId: '1234-5678-9012' },
            ClusterId: 'AKIAIOSFODNN7EXAMPLE',
          },
        },
        ResultSelector: { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' },
        ResultPath: '$.EMROutput',
      },
      'Create Cluster',
    ),
    input: { OtherDataFromInput: {} },
    expect: succeeds({
      OtherDataFromInput: {},
      EMROutput: { ClusterId: 'AKIAIOSFODNN7EXAMPLE', ResourceType: 'elasticmapreduce' },
    }),
  },
  {
    name: 'ResultSelector flattens the array of arrays a Parallel state returns',
    page: params('flatten-array-of-arrays-result-selector'),
    definition: single({
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Result: [1, 2], End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', Result: [3], End: true } } },
      ],
      ResultSelector: { 'flattenArray.$': '$[*][*]' },
    }),
    expect: succeeds({ flattenArray: [1, 2, 3] }),
  },
  // ResultPath
  {
    name: 'Without ResultPath the result replaces the input',
    page: resultPath('input-output-resultpath-default'),
    definition: hello(),
    input: HELLO_INPUT,
    expect: succeeds('Hello, AWS Step Functions!'),
  },
  {
    name: 'A ResultPath of $ replaces the input with the result',
    page: resultPath('input-output-resultpath-default'),
    definition: hello({ ResultPath: '$' }),
    input: HELLO_INPUT,
    expect: succeeds('Hello, AWS Step Functions!'),
  },
  {
    name: 'A ResultPath of null discards the result and keeps the input',
    page: resultPath('input-output-resultpath-null'),
    definition: hello({ ResultPath: null }),
    input: HELLO_INPUT,
    expect: succeeds(HELLO_INPUT),
  },
  {
    name: 'ResultPath adds the result to the input',
    page: resultPath('input-output-resultpath-append'),
    definition: hello({ ResultPath: '$.taskresult' }),
    input: HELLO_INPUT,
    expect: succeeds({ ...HELLO_INPUT, taskresult: 'Hello, AWS Step Functions!' }),
  },
  {
    name: 'ResultPath inserts the result as a child of a node of the input',
    page: resultPath('input-output-resultpath-append'),
    definition: hello({ ResultPath: '$.strings.lambdaresult' }),
    input: {
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', string3: 'baz' },
      who: 'AWS Step Functions',
    },
    expect: succeeds({
      comment: 'An input comment.',
      strings: {
        string1: 'foo',
        string2: 'bar',
        string3: 'baz',
        lambdaresult: 'Hello, AWS Step Functions!',
      },
      who: 'AWS Step Functions',
    }),
  },
  {
    name: 'ResultPath to an existing node replaces that node with the result',
    page: resultPath('input-output-resultpath-amend'),
    definition: hello({ ResultPath: '$.comment' }),
    input: { comment: 'This is a test', details: 'Default example', who: 'Step Functions' },
    expect: succeeds({
      comment: 'Hello, Step Functions!',
      details: 'Default example',
      who: 'Step Functions',
    }),
  },
  {
    name: 'A ResultPath to an existing field overwrites it',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', Result: 6, ResultPath: '$.master.detail' }),
    input: { master: { detail: [1, 2, 3] } },
    expect: succeeds({ master: { detail: 6 } }),
  },
  {
    name: 'A ResultPath through missing fields creates them',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', Result: 6, ResultPath: '$.master.result.sum' }),
    input: { master: { detail: [1, 2, 3] } },
    expect: succeeds({ master: { detail: [1, 2, 3], result: { sum: 6 } } }),
  },
  {
    name: 'The spec example adds the sum of the numbers beside them',
    page: spec('inputoutput-processing-examples'),
    definition: single(
      {
        Type: 'Task',
        Resource: fn('Add'),
        InputPath: '$.numbers',
        ResultPath: '$.sum',
      },
      'Add',
    ),
    input: { title: 'Numbers to add', numbers: { val1: 3, val2: 4 } },
    expect: succeeds({ title: 'Numbers to add', numbers: { val1: 3, val2: 4 }, sum: 7 }),
  },
  {
    name: 'ResultPath constructs several levels of object',
    page: spec('inputoutput-processing-examples'),
    definition: single({ Type: 'Pass', Result: 'Hi!', ResultPath: '$.b.greeting' }),
    input: { a: 1 },
    expect: succeeds({ a: 1, b: { greeting: 'Hi!' } }),
  },
  {
    name: 'A ResultPath that cannot apply to a string input fails with States.ResultPathMatchFailure',
    page: spec('jsonpath-runtime-errors'),
    definition: single({ Type: 'Pass', Result: 1, ResultPath: '$.x' }),
    input: 'foo',
    expect: fails('States.ResultPathMatchFailure'),
  },
  {
    name: 'A ResultPath that begins with $$ is refused',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    inferred: 'The spec says it MUST NOT: a definition error.',
    definition: single({ Type: 'Pass', Result: 1, ResultPath: '$$.Execution.x' }),
    expect: refused(),
  },
  {
    name: 'A Catch ResultPath keeps the input and adds the error output',
    page: resultPath('input-output-resultpath-catch'),
    definition: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Parameters: { errorType: 'Error here', errorMessage: 'the cause' },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NextTask', ResultPath: '$.error' }],
          End: true,
        },
        NextTask: { Type: 'Pass', End: true },
      },
    },
    input: { foo: 'bar' },
    expect: succeeds({
      foo: 'bar',
      error: {
        Error: 'Error here',
        Cause: anyString,
      },
    }),
    inferred:
      'The page shows the Error field; the spec says the error output SHOULD have a Cause string.',
  },
  // OutputPath and the whole chain
  {
    name: 'An OutputPath of null gives an empty object',
    page: spec('using-inputpath-parameters-resultselector-resultpath-and-outputpath'),
    definition: single({ Type: 'Pass', OutputPath: null }),
    input: { discarded: true },
    expect: succeeds({}),
  },
  {
    name: 'InputPath, ResultPath and OutputPath combine as the example shows',
    page: `${PAGES.ioExample}`,
    definition: {
      Comment: 'A Hello World example of the Amazon States Language using an AWS Lambda function',
      StartAt: 'HelloWorld',
      States: {
        HelloWorld: {
          Type: 'Task',
          Resource: fn('HelloFunction'),
          InputPath: '$.lambda',
          ResultPath: '$.data.lambdaresult',
          OutputPath: '$.data',
          End: true,
        },
      },
    },
    input: {
      comment: 'An input comment.',
      data: { val1: 23, val2: 17 },
      extra: 'foo',
      lambda: { who: 'AWS Step Functions' },
    },
    expect: succeeds({ val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' }),
  },
  {
    name: 'The Lambda function receives only the node InputPath selects',
    page: `${PAGES.ioExample}`,
    definition: single({ Type: 'Task', Resource: fn('Echo'), InputPath: '$.lambda' }),
    input: { comment: 'An input comment.', lambda: { who: 'AWS Step Functions' } },
    expect: succeeds({ who: 'AWS Step Functions' }),
  },
  {
    name: 'Without any of the five fields a state passes its result on',
    page: spec('defaults'),
    definition: chain([
      ['Call', { Type: 'Task', Resource: fn('Add') }],
      ['After', { Type: 'Pass' }],
    ]),
    input: { val1: 3, val2: 4 },
    expect: succeeds(7),
  },
  {
    name: 'OutputPath in a Fail state is refused',
    page: spec('filters'),
    inferred:
      "The spec's table of fields gives InputPath and OutputPath to every state but Fail: a definition error.",
    definition: { StartAt: 'Stop', States: { Stop: { Type: 'Fail', OutputPath: '$.x' } } },
    expect: refused(),
  },
];
