/**
 * The Choice state: every JSONPath comparison operator (and its Path form), And/Or/Not, the
 * type tests, the order of the rules, Default and States.NoChoiceMatched, the definition rules,
 * and JSONata Conditions with Assign per rule or for the state.
 */
import { fails, JSONATA, refused, type SfnCase, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.choice}#${anchor}`;
const spec = (anchor: string) => `${PAGES.spec}#${anchor}`;
const RULES = page('state-choice-rules-jsonpath');

/**
 * A JSONPath machine whose Choice state tries `rule` and outputs "matched" through its Next, or
 * "otherwise" through its Default.
 */
const choose = (rule: Record<string, unknown>) => ({
  StartAt: 'Check',
  States: {
    Check: { Type: 'Choice', Choices: [{ ...rule, Next: 'Matched' }], Default: 'Otherwise' },
    Matched: { Type: 'Pass', Result: 'matched', End: true },
    Otherwise: { Type: 'Pass', Result: 'otherwise', End: true },
  },
});

const matched = succeeds('matched');
const notMatched = succeeds('otherwise');

/** A case for one comparison: the rule, the input, whether the rule matches it. */
const comparison = (
  name: string,
  rule: Record<string, unknown>,
  input: unknown,
  matches: boolean,
  inferred?: string,
): SfnCase => ({
  name,
  page: RULES,
  ...(inferred ? { inferred } : {}),
  definition: choose(rule),
  input,
  expect: matches ? matched : notMatched,
});

const OPERATOR_ONLY = 'The page lists the operator; the case applies it as its name says.';

export const choiceCases: SfnCase[] = [
  comparison(
    'NumericEquals matches an equal number',
    { Variable: '$.foo', NumericEquals: 1 },
    { foo: 1 },
    true,
  ),
  comparison(
    'NumericEquals does not match a different number',
    { Variable: '$.foo', NumericEquals: 1 },
    { foo: 2 },
    false,
  ),
  comparison(
    'NumericEquals does not match a string holding the number',
    { Variable: '$.foo', NumericEquals: 1 },
    { foo: '1' },
    false,
    '"Step Functions doesn\'t attempt to match a numeric field to a string value."',
  ),
  comparison(
    'StringEquals matches an equal string',
    { Variable: '$.foo', StringEquals: 'MyString' },
    { foo: 'MyString' },
    true,
  ),
  comparison(
    'String comparisons are case-sensitive',
    { Variable: '$.foo', StringEquals: 'MyString' },
    { foo: 'mystring' },
    false,
    'The spec: the String comparators "are case-sensitive".',
  ),
  comparison(
    'StringGreaterThan matches a greater string',
    { Variable: '$.foo', StringGreaterThan: 'MyStringABC' },
    { foo: 'MyStringABD' },
    true,
  ),
  comparison(
    'Strings compare by code point, uppercase before lowercase',
    { Variable: '$.foo', StringLessThan: 'a' },
    { foo: 'B' },
    true,
    'The page refers to Java\'s String.compareTo: "B" (66) sorts before "a" (97).',
  ),
  comparison(
    'StringGreaterThanEquals matches an equal string',
    { Variable: '$.foo', StringGreaterThanEquals: 'abc' },
    { foo: 'abc' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'StringLessThanEquals does not match a greater string',
    { Variable: '$.foo', StringLessThanEquals: 'abc' },
    { foo: 'abd' },
    false,
    OPERATOR_ONLY,
  ),
  comparison(
    'StringEqualsPath compares with another value of the input',
    { Variable: '$.foo', StringEqualsPath: '$.bar' },
    { foo: 'x', bar: 'x' },
    true,
  ),
  comparison(
    'StringLessThanPath compares with another value of the input',
    { Variable: '$.foo', StringLessThanPath: '$.bar' },
    { foo: 'a', bar: 'b' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericGreaterThan matches a greater number',
    { Variable: '$.foo', NumericGreaterThan: 10 },
    { foo: 10.5 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericGreaterThanEquals matches an equal number',
    { Variable: '$.foo', NumericGreaterThanEquals: 10 },
    { foo: 10 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericLessThan does not match an equal number',
    { Variable: '$.foo', NumericLessThan: 10 },
    { foo: 10 },
    false,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericLessThanEquals matches a smaller number',
    { Variable: '$.foo', NumericLessThanEquals: 10 },
    { foo: -3 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericEqualsPath compares with another number of the input',
    { Variable: '$.foo', NumericEqualsPath: '$.bar' },
    { foo: 3, bar: 3 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'NumericLessThanEqualsPath compares with another number of the input',
    { Variable: '$.current_price.current_price', NumericLessThanEqualsPath: '$.desired_price' },
    { current_price: { current_price: 90 }, desired_price: 100 },
    true,
  ),
  comparison(
    'NumericGreaterThanPath compares with another number of the input',
    { Variable: '$.foo', NumericGreaterThanPath: '$.bar' },
    { foo: 3, bar: 4 },
    false,
    OPERATOR_ONLY,
  ),
  comparison(
    'BooleanEquals matches the same boolean',
    { Variable: '$.flag', BooleanEquals: true },
    { flag: true },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'BooleanEquals does not match the string "true"',
    { Variable: '$.flag', BooleanEquals: true },
    { flag: 'true' },
    false,
    'Comparisons are type-sensitive: a string is not a boolean.',
  ),
  comparison(
    'BooleanEqualsPath compares with another boolean of the input',
    { Variable: '$.flag', BooleanEqualsPath: '$.other' },
    { flag: false, other: false },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'TimestampEquals matches the same instant',
    { Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' },
    { foo: '2001-01-01T12:00:00Z' },
    true,
  ),
  comparison(
    'TimestampGreaterThan matches a later instant',
    { Variable: '$.foo', TimestampGreaterThan: '2001-01-01T12:00:00Z' },
    { foo: '2001-01-01T12:00:01Z' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'TimestampLessThan matches an earlier instant',
    { Variable: '$.foo', TimestampLessThan: '2001-01-01T12:00:00Z' },
    { foo: '2000-12-31T23:59:59Z' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'TimestampGreaterThanEquals matches the same instant',
    { Variable: '$.foo', TimestampGreaterThanEquals: '2001-01-01T12:00:00Z' },
    { foo: '2001-01-01T12:00:00Z' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'TimestampLessThanEquals does not match a later instant',
    { Variable: '$.foo', TimestampLessThanEquals: '2001-01-01T12:00:00Z' },
    { foo: '2001-01-02T12:00:00Z' },
    false,
    OPERATOR_ONLY,
  ),
  comparison(
    'TimestampEqualsPath compares with another timestamp of the input',
    { Variable: '$.foo', TimestampEqualsPath: '$.bar' },
    { foo: '2016-08-18T17:33:00Z', bar: '2016-08-18T17:33:00Z' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'A timestamp can be matched by StringEquals',
    { Variable: '$.foo', StringEquals: '2016-08-18T17:33:00Z' },
    { foo: '2016-08-18T17:33:00Z' },
    true,
  ),
  comparison(
    'StringMatches matches a pattern with a wildcard',
    { Variable: '$.foo', StringMatches: 'log-*.txt' },
    { foo: 'log-2024-01.txt' },
    true,
  ),
  comparison(
    'StringMatches does not match outside its pattern',
    { Variable: '$.foo', StringMatches: 'log-*.txt' },
    { foo: 'log-2024.csv' },
    false,
  ),
  comparison(
    'StringMatches reads an escaped asterisk as a literal one',
    { Variable: '$.foo', StringMatches: 'log-\\*.txt' },
    { foo: 'log-1.txt' },
    false,
    'The wildcard "is escaped by using the standard \\\\": the pattern matches only "log-*.txt".',
  ),
  comparison(
    'StringMatches gives no other character a special meaning',
    { Variable: '$.foo', StringMatches: 'a.c?' },
    { foo: 'abcd' },
    false,
    '"No characters other than * have any special meaning during matching."',
  ),
  comparison(
    'IsNull matches null',
    { Variable: '$.possiblyNullValue', IsNull: true },
    { possiblyNullValue: null },
    true,
  ),
  comparison(
    'IsNull false matches a value that is not null',
    { Variable: '$.possiblyNullValue', IsNull: false },
    { possiblyNullValue: 0 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsPresent false matches a missing field',
    { Variable: '$.missing', IsPresent: false },
    {},
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsNumeric matches a number',
    { Variable: '$.value', IsNumeric: true },
    { value: 1.5 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsNumeric does not match a numeric string',
    { Variable: '$.value', IsNumeric: true },
    { value: '1.5' },
    false,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsString matches a string',
    { Variable: '$.value', IsString: true },
    { value: 'x' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsBoolean matches a boolean',
    { Variable: '$.value', IsBoolean: true },
    { value: false },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsTimestamp matches a timestamp',
    { Variable: '$.value', IsTimestamp: true },
    { value: '2016-08-18T17:33:00Z' },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'IsTimestamp does not match a date without a time',
    { Variable: '$.value', IsTimestamp: true },
    { value: '2016-08-18' },
    false,
    'A timestamp conforms to RFC 3339, which a date alone does not.',
  ),
  comparison(
    'And with IsPresent first skips the comparison of a missing field',
    {
      And: [
        { Variable: '$.keyThatMightNotExist', IsPresent: true },
        { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
      ],
    },
    {},
    false,
  ),
  comparison(
    'And with IsPresent first compares a field that exists',
    {
      And: [
        { Variable: '$.keyThatMightNotExist', IsPresent: true },
        { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
      ],
    },
    { keyThatMightNotExist: 'foo' },
    true,
  ),
  comparison(
    'Or matches when any of its rules matches',
    {
      Or: [
        { Variable: '$.a', NumericEquals: 1 },
        { Variable: '$.b', NumericEquals: 2 },
      ],
    },
    { a: 0, b: 2 },
    true,
    OPERATOR_ONLY,
  ),
  comparison(
    'Not inverts its rule',
    { Not: { Variable: '$.type', StringEquals: 'Private' } },
    { type: 'Public' },
    true,
  ),
  {
    name: 'The spec example goes to ValueInTwenties for a private value of 22',
    page: spec('choice-state'),
    definition: {
      StartAt: 'ChoiceStateX',
      States: {
        ChoiceStateX: {
          Type: 'Choice',
          Choices: [
            { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
            {
              And: [
                { Variable: '$.value', NumericGreaterThanEquals: 20 },
                { Variable: '$.value', NumericLessThan: 30 },
              ],
              Next: 'ValueInTwenties',
            },
          ],
          Default: 'DefaultState',
        },
        Public: { Type: 'Pass', Result: 'Public', End: true },
        ValueInTwenties: { Type: 'Pass', Result: 'ValueInTwenties', End: true },
        DefaultState: { Type: 'Fail', Cause: 'No Matches!' },
      },
    },
    input: { type: 'Private', value: 22 },
    expect: succeeds('ValueInTwenties'),
    path: ['ChoiceStateX', 'ValueInTwenties'],
  },
  {
    name: 'The spec example fails in its Default state when no rule matches',
    page: spec('choice-state'),
    definition: {
      StartAt: 'ChoiceStateX',
      States: {
        ChoiceStateX: {
          Type: 'Choice',
          Choices: [{ Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' }],
          Default: 'DefaultState',
        },
        Public: { Type: 'Pass', End: true },
        DefaultState: { Type: 'Fail', Cause: 'No Matches!' },
      },
    },
    input: { type: 'Private', value: 50 },
    expect: { status: 'FAILED', cause: 'No Matches!' },
    path: ['ChoiceStateX', 'DefaultState'],
  },
  {
    name: 'The first matching rule wins',
    page: RULES,
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 0, Next: 'First' },
            { Variable: '$.n', NumericGreaterThan: 5, Next: 'Second' },
          ],
        },
        First: { Type: 'Pass', Result: 'first', End: true },
        Second: { Type: 'Pass', Result: 'second', End: true },
      },
    },
    input: { n: 10 },
    expect: succeeds('first'),
  },
  {
    name: 'A Choice state passes its input on to the state it chooses',
    page: page('state-choice'),
    definition: {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }] },
        Done: { Type: 'Succeed' },
      },
    },
    input: { n: 1, other: 'kept' },
    expect: succeeds({ n: 1, other: 'kept' }),
  },
  {
    name: 'No matching rule and no Default fails with States.NoChoiceMatched',
    page: page('state-choice'),
    inferred:
      'The page names a failure to transition; the spec names the error States.NoChoiceMatched.',
    definition: {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }] },
        Done: { Type: 'Succeed' },
      },
    },
    input: { n: 2 },
    expect: fails('States.NoChoiceMatched'),
  },
  // Definition rules
  {
    name: 'A Choice state with End is refused',
    page: page('state-choice'),
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  {
    name: 'A Choice state with no rule is refused',
    page: page('state-choice'),
    definition: {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Choice', Choices: [], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  {
    name: 'A rule inside And with its own Next is refused',
    page: RULES,
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ And: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }], Next: 'Done' }],
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  {
    name: 'A Choice state with Next beside its Choices is refused',
    page: page('state-choice'),
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused(),
  },
  {
    name: 'A rule with two comparison operators is refused',
    page: spec('choice-state'),
    inferred:
      'The spec says each rule MUST contain exactly one comparison operator: a definition error.',
    definition: choose({ Variable: '$.n', NumericEquals: 1, NumericGreaterThan: 0 }),
    expect: refused(),
  },
  {
    name: 'A NumericEquals with a string value is refused',
    page: RULES,
    inferred: '"the corresponding value must be of the appropriate type": a definition error.',
    definition: choose({ Variable: '$.n', NumericEquals: 'one' }),
    expect: refused(),
  },
  // JSONata
  {
    name: 'A JSONata Condition chooses the rule whose expression is true',
    page: page('state-choice-rules'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { foo: 1, type: 'local' }, Next: 'Check' },
        Check: {
          Type: 'Choice',
          Choices: [
            { Condition: "{% $type = 'remote' %}", Next: 'StringMatchState' },
            { Condition: '{% $foo = 1 %}', Next: 'NumericMatchState' },
          ],
          Default: 'DefaultState',
        },
        StringMatchState: { Type: 'Pass', Output: 'string', End: true },
        NumericMatchState: { Type: 'Pass', Output: 'numeric', End: true },
        DefaultState: { Type: 'Pass', Output: 'default', End: true },
      },
    },
    expect: succeeds('numeric'),
  },
  {
    name: 'A JSONata Condition can test for null before comparing',
    page: page('state-choice-rules'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { possiblyNullValue: null }, Next: 'Check' },
        Check: {
          Type: 'Choice',
          Choices: [
            {
              Condition: '{% $possiblyNullValue != null and $possiblyNullValue = 42 %}',
              Next: 'NotNullAnd42',
            },
          ],
          Default: 'Other',
        },
        NotNullAnd42: { Type: 'Pass', Output: 'forty-two', End: true },
        Other: { Type: 'Pass', Output: 'other', End: true },
      },
    },
    expect: succeeds('other'),
  },
  {
    name: 'A JSONata Condition that is not a boolean fails with States.QueryEvaluationError',
    page: page('state-choice-rules'),
    inferred:
      'A Condition "evaluates to true/false"; a value of another type is a QueryEvaluationError (transforming-data).',
    definition: {
      ...JSONATA,
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Condition: "{% 'yes' %}", Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: fails('States.QueryEvaluationError'),
  },
  {
    name: "A matching rule's Assign applies and the state's own Assign does not",
    page: page('state-choice-assign'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { score: 95 }, Next: 'Grade' },
        Grade: {
          Type: 'Choice',
          Assign: { outputValue: "{% 'default path taken' %}" },
          Choices: [
            {
              Condition: '{% $score > 90 %}',
              Assign: { outputValue: "{% 'high score' %}" },
              Next: 'HighScoreState',
            },
            { Condition: '{% $score > 50 %}', Next: 'MediumScoreState' },
          ],
          Default: 'LowScoreState',
        },
        HighScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
        MediumScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
        LowScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
      },
    },
    expect: succeeds('high score'),
  },
  {
    name: "The state's own Assign applies when no rule matches",
    page: page('state-choice-assign'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { score: 10 }, Next: 'Grade' },
        Grade: {
          Type: 'Choice',
          Assign: { outputValue: "{% 'default path taken' %}" },
          Choices: [
            {
              Condition: '{% $score > 90 %}',
              Assign: { outputValue: "{% 'high score' %}" },
              Next: 'HighScoreState',
            },
          ],
          Default: 'LowScoreState',
        },
        HighScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
        LowScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
      },
    },
    expect: succeeds('default path taken'),
  },
  {
    name: 'A rule that matches without an Assign of its own leaves the variable as it was',
    page: page('state-choice-assign'),
    definition: {
      ...JSONATA,
      StartAt: 'Store',
      States: {
        Store: { Type: 'Pass', Assign: { score: 60, outputValue: 'before' }, Next: 'Grade' },
        Grade: {
          Type: 'Choice',
          Assign: { outputValue: "{% 'default path taken' %}" },
          Choices: [{ Condition: '{% $score > 50 %}', Next: 'MediumScoreState' }],
          Default: 'MediumScoreState',
        },
        MediumScoreState: { Type: 'Pass', Output: '{% $outputValue %}', End: true },
      },
    },
    expect: succeeds('before'),
  },
  {
    name: 'Per-rule Assign blocks set different variables for each path',
    page: page('state-choice-rules'),
    definition: {
      ...JSONATA,
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [
            {
              Condition: "{% $states.input.category = 'premium' %}",
              Next: 'PremiumPath',
              Assign: { discount: 20 },
            },
            {
              Condition: "{% $states.input.category = 'standard' %}",
              Next: 'StandardPath',
              Assign: { discount: 5 },
            },
          ],
          Default: 'DefaultPath',
          Assign: { discount: 0 },
        },
        PremiumPath: { Type: 'Pass', Output: '{% $discount %}', End: true },
        StandardPath: { Type: 'Pass', Output: '{% $discount %}', End: true },
        DefaultPath: { Type: 'Pass', Output: '{% $discount %}', End: true },
      },
    },
    input: { category: 'standard' },
    expect: succeeds(5),
  },
];
