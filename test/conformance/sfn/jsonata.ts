/**
 * Transforming data with JSONata: the QueryLanguage field, `{% %}` strings, the reserved
 * `$states` variable, the expression errors (States.QueryEvaluationError), the JSONPath to
 * JSONata conversions, the page's examples, and the functions Step Functions adds.
 */
import { createHash } from 'node:crypto';
import {
  anyUuid,
  chain,
  fails,
  fn,
  JSONATA,
  numberIn,
  refused,
  rejected,
  type SfnCase,
  single,
  succeeds,
} from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.jsonata}#${anchor}`;

/** A JSONata machine whose one Pass state outputs `output`. */
const output = (value: unknown) => single({ Type: 'Pass', Output: value }, 'State', JSONATA);

/** A JSONata machine that assigns `assign` in a first state and outputs `value` in a second. */
const assignThenOutput = (assign: Record<string, unknown>, value: unknown) =>
  chain(
    [
      ['Assign', { Type: 'Pass', Assign: assign }],
      ['Show', { Type: 'Pass', Output: value }],
    ],
    JSONATA,
  );

/** A JSONata machine that assigns `assign` in a first state, then runs `state`. */
const assignThen = (
  assign: Record<string, unknown>,
  name: string,
  state: Record<string, unknown>,
) =>
  chain(
    [
      ['Assign', { Type: 'Pass', Assign: assign }],
      [name, state],
    ],
    JSONATA,
  );

const QUERY_ERROR = 'States.QueryEvaluationError';

export const jsonataCases: SfnCase[] = [
  // The conversion sample: the same result from JSONPath and from JSONata.
  {
    name: 'A JSONata Task sends its Arguments, a variable and a literal "$name" string among them',
    page: page('transforming-data'),
    inferred: 'The page shows the arguments sent; an echo function returns them as the result.',
    definition: chain(
      [
        ['Store', { Type: 'Pass', Assign: { customerName: 'María' } }],
        [
          'Call',
          {
            Type: 'Task',
            Resource: fn('Echo'),
            Arguments: {
              static: 'Hello',
              title: '{% $states.input.title %}',
              name: '{% $customerName %}',
              'not-evaluated': '$customerName',
            },
          },
        ],
      ],
      JSONATA,
    ),
    input: { title: 'Doctor' },
    expect: succeeds({
      static: 'Hello',
      title: 'Doctor',
      name: 'María',
      'not-evaluated': '$customerName',
    }),
  },
  {
    name: 'The same Task in JSONPath sends the same Parameters, a variable read with name.$',
    page: page('transforming-data'),
    inferred: 'The page shows the arguments sent; an echo function returns them as the result.',
    definition: chain([
      ['Store', { Type: 'Pass', Assign: { customerName: 'María' } }],
      [
        'Call',
        {
          Type: 'Task',
          Resource: fn('Echo'),
          Parameters: {
            static: 'Hello',
            'title.$': '$.title',
            'name.$': '$customerName',
            'not-evaluated': '$customerName',
          },
        },
      ],
    ]),
    input: { title: 'Doctor' },
    expect: succeeds({
      static: 'Hello',
      title: 'Doctor',
      name: 'María',
      'not-evaluated': '$customerName',
    }),
  },
  // QueryLanguage
  {
    name: 'Without a top-level QueryLanguage a machine is JSONPath, and {% %} is a plain string',
    page: page('querylanguage-field'),
    inferred: 'In JSONPath a Pass Result is static: the expression text is output as it is.',
    definition: single({ Type: 'Pass', Result: '{% 1 + 1 %}' }),
    expect: succeeds('{% 1 + 1 %}'),
  },
  {
    name: 'A state of a JSONPath machine can set QueryLanguage to JSONata for itself',
    page: page('querylanguage-field'),
    definition: chain([
      ['Select', { Type: 'Pass', InputPath: '$.order' }],
      ['Compute', { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.n * 2 %}' }],
    ]),
    input: { order: { n: 21 } },
    expect: succeeds(42),
  },
  {
    name: 'A state of a JSONata machine cannot set QueryLanguage to JSONPath for itself',
    page: page('querylanguage-field'),
    inferred:
      "The guide lets a JSONPath machine turn single states to JSONata; the CDK's QueryLanguage page (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_stepfunctions.QueryLanguage.html) says that with JSONata at the top level \"JSONPath cannot be used in the state machine definition\", and ValidateStateMachineDefinition answers \"'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine\".",
    definition: chain(
      [
        ['Compute', { Type: 'Pass', Output: { n: '{% 20 + 1 %}' } }],
        ['Select', { Type: 'Pass', QueryLanguage: 'JSONPath', OutputPath: '$.n' }],
      ],
      JSONATA,
    ),
    expect: refused('SCHEMA_VALIDATION_FAILED'),
  },
  // Writing expressions
  {
    name: 'A string that opens with {% but does not close with %} is a validation error',
    page: page('writing-jsonata-expressions-in-json-strings'),
    definition: output('{% $states.input %} '),
    expect: refused(),
  },
  {
    name: 'An element of an array is evaluated when surrounded by {% %}',
    page: page('writing-jsonata-expressions-in-json-strings'),
    definition: assignThenOutput({ two: 2 }, [1, '{% $two %}', 3]),
    expect: succeeds([1, 2, 3]),
  },
  {
    name: 'A Map Items array may hold an expression among its elements',
    page: page('writing-jsonata-expressions-in-json-strings'),
    definition: assignThen({ two: 2 }, 'Each', {
      Type: 'Map',
      Items: [1, '{% $two %}', 3],
      ItemProcessor: {
        StartAt: 'Double',
        States: { Double: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } },
      },
    }),
    expect: succeeds([2, 4, 6]),
  },
  {
    name: 'A Task TimeoutSeconds may be an expression',
    page: page('writing-jsonata-expressions-in-json-strings'),
    definition: assignThen({ timeout: 30 }, 'Call', {
      Type: 'Task',
      Resource: fn('Echo'),
      TimeoutSeconds: '{% $timeout %}',
      Arguments: { ok: true },
    }),
    expect: succeeds({ ok: true }),
  },
  {
    name: 'Map Items that evaluate to neither an array nor an object fail the state',
    page: page('writing-jsonata-expressions-in-json-strings'),
    inferred:
      '"must evaluate to an array or object"; the page names QueryEvaluationError for a value a field will not accept.',
    definition: single(
      {
        Type: 'Map',
        Items: "{% 'abc' %}",
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      },
      'Each',
      JSONATA,
    ),
    expect: fails(QUERY_ERROR),
  },
  // $states
  {
    name: '$states.input is the original state input, even beside the result',
    page: page('transforming-reserved-variable-states'),
    definition: single(
      {
        Type: 'Task',
        Resource: fn('Echo'),
        Arguments: { doubled: '{% $states.input.n * 2 %}' },
        Output: { input: '{% $states.input %}', result: '{% $states.result %}' },
      },
      'Call',
      JSONATA,
    ),
    input: { n: 4 },
    expect: succeeds({ input: { n: 4 }, result: { doubled: 8 } }),
  },
  {
    name: '$states.errorOutput holds the error output in a Catch Output',
    page: page('transforming-reserved-variable-states'),
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Raise'),
          Arguments: { errorType: 'Oops', errorMessage: 'no' },
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Output: { caught: '{% $states.errorOutput.Error %}' },
              Next: 'Done',
            },
          ],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: succeeds({ caught: 'Oops' }),
  },
  {
    name: '$states.result in a Pass state is refused at creation',
    page: page('transforming-reserved-variable-states'),
    definition: output('{% $states.result %}'),
    expect: refused(),
  },
  {
    name: '$states.errorOutput outside a Catch is refused at creation',
    page: page('transforming-reserved-variable-states'),
    definition: single(
      { Type: 'Task', Resource: fn('Echo'), Output: '{% $states.errorOutput %}' },
      'Call',
      JSONATA,
    ),
    expect: refused(),
  },
  // Expression errors
  {
    name: 'An arithmetic expression on a value that is not a number fails with States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: assignThenOutput({ x: 1, y: 'two' }, '{% $x + $y %}'),
    expect: fails(QUERY_ERROR),
  },
  {
    name: 'A TimeoutSeconds expression that returns a string fails with States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: assignThen({ timeout: 'ten' }, 'Call', {
      Type: 'Task',
      Resource: fn('Echo'),
      TimeoutSeconds: '{% $timeout %}',
    }),
    expect: fails(QUERY_ERROR),
  },
  {
    name: 'A negative TimeoutSeconds expression fails with States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: assignThen({ timeout: -5 }, 'Call', {
      Type: 'Task',
      Resource: fn('Echo'),
      TimeoutSeconds: '{% $timeout %}',
    }),
    expect: fails(QUERY_ERROR),
  },
  {
    name: 'An expression that returns nothing fails with States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: output('{% $states.input.thisFieldDoesNotExist %}'),
    expect: fails(QUERY_ERROR),
  },
  {
    name: 'An expression past the maximum recursion depth fails with States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: output('{% ($f := function($n) { $f($n + 1) + 1 }; $f(0)) %}'),
    expect: fails(QUERY_ERROR),
  },
  {
    name: 'A Task Catch takes States.QueryEvaluationError',
    page: page('handling-errors-jsonata-expressions'),
    definition: {
      ...JSONATA,
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('Echo'),
          Arguments: { value: '{% $states.input.missing %}' },
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'Recover' }],
          End: true,
        },
        Recover: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
      },
    },
    expect: succeeds(QUERY_ERROR),
  },
  // Converting from JSONPath
  {
    name: 'Output may be a JSON object mixing literals and expressions',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: output({ field1: 42, field2: '{% $states.input.x %}' }),
    input: { x: 'y' },
    expect: succeeds({ field1: 42, field2: 'y' }),
  },
  {
    name: 'Output may be the literal true',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: output(true),
    expect: succeeds(true),
  },
  {
    name: 'Output may be a plain string, with no expression in it',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: output('done'),
    expect: succeeds('done'),
  },
  {
    name: 'Output may be the literal 42',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: output(42),
    expect: succeeds(42),
  },
  {
    name: 'Output in a JSONPath state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: single({ Type: 'Pass', Output: { a: 1 } }),
    expect: refused(),
  },
  {
    name: 'Arguments in a JSONPath state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: single({ Type: 'Task', Resource: fn('Echo'), Arguments: { a: 1 } }),
    expect: refused(),
  },
  {
    name: 'InputPath in a JSONata state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: single({ Type: 'Pass', InputPath: '$.a' }, 'State', JSONATA),
    expect: refused(),
  },
  {
    name: 'Parameters in a JSONata state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: single({ Type: 'Pass', Parameters: { a: 1 } }, 'State', JSONATA),
    expect: refused(),
  },
  {
    name: 'TimeoutSecondsPath in a JSONata state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: single(
      { Type: 'Task', Resource: fn('Echo'), TimeoutSecondsPath: '$.timeout' },
      'Call',
      JSONATA,
    ),
    expect: refused(),
  },
  {
    name: 'A JSONata Choice compares with a Condition expression',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { current_price: 90 }, Next: 'Check Price' },
        'Check Price': {
          Type: 'Choice',
          Default: 'Pause',
          Choices: [
            {
              Condition: '{% $current_price <= $states.input.desired_price %}',
              Next: 'Send Notification',
            },
          ],
        },
        'Send Notification': { Type: 'Pass', Output: 'notify', End: true },
        Pause: { Type: 'Pass', Output: 'pause', End: true },
      },
    },
    input: { desired_price: 100 },
    expect: succeeds('notify'),
  },
  {
    name: 'A Choice rule with Variable in a JSONata state is refused at creation',
    page: page('converting-from-jsonpath-to-jsonata'),
    definition: {
      ...JSONATA,
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  // The page's examples
  {
    name: 'A Succeed state outputs the example of Input and Output',
    page: page('jsonata-examples'),
    definition: {
      Comment: 'Input and Output example using JSONata',
      QueryLanguage: 'JSONata',
      StartAt: 'Basic Input and Output',
      States: {
        'Basic Input and Output': {
          QueryLanguage: 'JSONata',
          Type: 'Succeed',
          Output: {
            lastName: "{% 'Last=>' & $states.input.customer.lastName %}",
            orderValue: '{% $states.input.order.total %}',
          },
        },
      },
    },
    input: {
      customer: { firstName: 'Martha', lastName: 'Rivera' },
      order: { items: 7, total: 27.91 },
    },
    expect: succeeds({ lastName: 'Last=>Rivera', orderValue: 27.91 }),
  },
  {
    name: 'A path filter keeps the products with zero calories',
    page: page('jsonata-examples'),
    definition: {
      Comment: 'Filter products using JSONata',
      QueryLanguage: 'JSONata',
      StartAt: 'FilterDietProducts',
      States: {
        FilterDietProducts: {
          Type: 'Pass',
          Output: { dietProducts: '{% $states.input.products[calories=0] %}' },
          End: true,
        },
      },
    },
    input: {
      products: [
        { calories: 140, flavour: 'Cola', name: 'Product-1' },
        { calories: 0, flavour: 'Cola', name: 'Product-2' },
        { calories: 160, flavour: 'Orange', name: 'Product-3' },
        { calories: 100, flavour: 'Orange', name: 'Product-4' },
        { calories: 0, flavour: 'Lime', name: 'Product-5' },
      ],
    },
    expect: succeeds({
      dietProducts: [
        { calories: 0, flavour: 'Cola', name: 'Product-2' },
        { calories: 0, flavour: 'Lime', name: 'Product-5' },
      ],
    }),
  },
  // The functions Step Functions adds
  {
    name: '$partition chunks an array by the chunk size',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: assignThenOutput(
      { arrayPartition: '{% $partition([1,2,3,4], $states.input.chunkSize) %}' },
      '{% $arrayPartition %}',
    ),
    input: { chunkSize: 3 },
    expect: succeeds([[1, 2, 3], [4]]),
  },
  {
    name: '$partition rounds a non-integer chunk size down',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: output('{% $partition([1,2,3,4,5], 2.7) %}'),
    expect: succeeds([[1, 2], [3, 4], [5]]),
  },
  {
    name: '$range generates the values from the first to the last by the delta',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: assignThenOutput({ arrayRange: '{% $range(0, 10, 2) %}' }, '{% $arrayRange %}'),
    expect: succeeds([0, 2, 4, 6, 8, 10]),
  },
  {
    name: '$range counts down with a negative delta',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: output('{% $range(10, 0, -5) %}'),
    expect: succeeds([10, 5, 0]),
  },
  {
    name: '$hash calculates the hash of a string with the algorithm named',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: assignThenOutput(
      {
        hashAlgorithmName: 'SHA-256',
        myHash: "{% $hash($states.input.content, 'SHA-256') %}",
      },
      '{% $myHash %}',
    ),
    input: { content: 'input data' },
    expect: succeeds(createHash('sha256').update('input data').digest('hex')),
  },
  {
    name: '$hash with an algorithm it does not list fails with States.QueryEvaluationError',
    page: page('jsonata-functions-provided-by-sfn'),
    inferred: 'The page lists the five algorithms; a failed expression is a QueryEvaluationError.',
    definition: output("{% $hash('data', 'SHA-3') %}"),
    expect: fails(QUERY_ERROR),
  },
  {
    name: '$random returns a number from 0 (inclusive) to 1 (exclusive)',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: output('{% $random() %}'),
    expect: succeeds(numberIn(0, 1)),
  },
  {
    name: '$random returns identical numbers for the same seed',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: output({ first: '{% $random(7) %}', second: '{% $random(7) %}' }),
    expect: {
      status: 'SUCCEEDED',
      satisfies: {
        rule: 'the same seed gives the same number in [0, 1)',
        test: (value) => {
          const { first, second } = value as { first: number; second: number };
          return typeof first === 'number' && first >= 0 && first < 1 && first === second;
        },
      },
    },
  },
  {
    name: '$uuid returns a version 4 UUID',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: assignThenOutput({ uniqueId: '{% $uuid() %}' }, '{% $uniqueId %}'),
    expect: succeeds(anyUuid),
  },
  {
    name: '$parse deserializes a JSON string',
    page: page('jsonata-functions-provided-by-sfn'),
    definition: assignThenOutput(
      { deserializedPayload: '{% $parse($states.input.json_string) %}' },
      '{% $deserializedPayload %}',
    ),
    input: { json_string: '{"a":[1,2],"b":"c"}' },
    expect: succeeds({ a: [1, 2], b: 'c' }),
  },
  {
    name: '$eval is not supported in Step Functions workflows',
    page: page('jsonata-functions-provided-by-sfn'),
    inferred: 'The page says $eval is not supported, not how: a refusal or a failed run.',
    definition: output('{% $eval("1 + 1") %}'),
    expect: rejected,
  },
  {
    name: 'The ?? operator of JSONata releases after 2.0.6 is not available',
    page: page('transforming-data'),
    inferred:
      'The page names JSONata 2.0.6, which has no ?? operator (added in 2.1): a refusal or a failed run.',
    definition: output('{% $states.input.missing ?? "default" %}'),
    expect: rejected,
  },
];
