/**
 * Intrinsic functions (JSONPath states): every function of the developer guide's page with its
 * example, its input validation, and the specification's Appendix B and escapes. A failed
 * intrinsic fails the state with States.IntrinsicFailure (spec, Payload Template).
 */
import { createHash } from 'node:crypto';
import { anyUuid, fails, fn, integerIn, type SfnCase, single, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const page = (anchor: string) => `${PAGES.intrinsics}#${anchor}`;
const spec = (anchor: string) => `${PAGES.spec}#${anchor}`;

/** A Pass state whose Parameters are the payload template under test: its output is the payload. */
const pass = (parameters: Record<string, unknown>) =>
  single({ Type: 'Pass', Parameters: parameters });

const FAILURE_RULE =
  'The page states the validation rule; the error name is the spec\'s for "the Intrinsic Function fails during evaluation" (Payload Template).';

const hash = (algorithm: string, data: string) => createHash(algorithm).update(data).digest('hex');

export const intrinsicFunctionCases: SfnCase[] = [
  // States.Format
  {
    name: 'States.Format fills each {} of a literal template with the value of its argument',
    page: page('asl-intrsc-func-generic'),
    definition: pass({ 'greeting.$': "States.Format('Hello, my name is {}.', $.name)" }),
    input: { name: 'Arnav', template: 'Hello, my name is {}.' },
    expect: succeeds({ greeting: 'Hello, my name is Arnav.' }),
  },
  {
    name: 'States.Format takes its template from a path as well',
    page: page('asl-intrsc-func-generic'),
    definition: pass({ 'greeting.$': 'States.Format($.template, $.name)' }),
    input: { name: 'Arnav', template: 'Hello, my name is {}.' },
    expect: succeeds({ greeting: 'Hello, my name is Arnav.' }),
  },
  {
    name: 'States.Format writes a number argument in its natural string form',
    page: spec('statesformat'),
    definition: pass({
      'foo.$': "States.Format('Your name is {}, we are in the year {}', $.name, 2020)",
    }),
    input: { name: 'Foo', zebra: 'stripe' },
    expect: succeeds({ foo: 'Your name is Foo, we are in the year 2020' }),
  },
  {
    name: 'States.Format reads an escaped apostrophe as a literal one',
    page: spec('intrinsic-functions'),
    inferred: "The spec shows the template; the output is the escape rules' reading of it.",
    definition: pass({
      'greeting.$': "States.Format('Welcome to {} {}\\'s playlist.', $.firstName, $.lastName)",
    }),
    input: { firstName: 'Jane', lastName: 'Doe' },
    expect: succeeds({ greeting: "Welcome to Jane Doe's playlist." }),
  },
  {
    name: 'States.Format reads escaped braces as literal braces, not as a placeholder',
    page: page('intrinsic-functions-escapes'),
    inferred: 'The output is the escape rules applied to this template.',
    definition: pass({ 'braces.$': "States.Format('\\{{}\\}', $.word)" }),
    input: { word: 'inside' },
    expect: succeeds({ braces: '{inside}' }),
  },
  {
    name: 'States.Format fails when a path argument yields an object',
    page: spec('statesformat'),
    inferred: `"The Value MUST NOT be a JSON array or object." ${FAILURE_RULE}`,
    definition: pass({ 'text.$': "States.Format('value: {}', $.object)" }),
    input: { object: { a: 1 } },
    expect: fails('States.IntrinsicFailure'),
  },
  // States.StringToJson and States.JsonToString
  {
    name: 'States.StringToJson parses an escaped JSON string',
    page: page('asl-intrsc-func-json-manipulate'),
    definition: pass({ 'parsed.$': 'States.StringToJson($.escapedJsonString)' }),
    input: { escapedJsonString: '{"foo": "bar"}' },
    expect: succeeds({ parsed: { foo: 'bar' } }),
  },
  {
    name: 'States.StringToJson returns a number inside the parsed object as a number',
    page: spec('statesstringtojson'),
    definition: pass({ 'foo.$': 'States.StringToJson($.someString)' }),
    input: { someString: '{"number": 20}', zebra: 'stripe' },
    expect: succeeds({ foo: { number: 20 } }),
  },
  {
    name: 'States.StringToJson fails on a string that is not JSON',
    page: spec('statesstringtojson'),
    inferred: `"The interpreter applies a JSON parser to the Value." ${FAILURE_RULE}`,
    definition: pass({ 'parsed.$': 'States.StringToJson($.text)' }),
    input: { text: '{not json' },
    expect: fails('States.IntrinsicFailure'),
  },
  {
    name: 'States.JsonToString returns the JSON text of the data a path selects',
    page: spec('statesjsontostring'),
    definition: pass({ 'foo.$': 'States.JsonToString($.someJson)' }),
    input: { someJson: { name: 'Foo', year: 2020 }, zebra: 'stripe' },
    expect: succeeds({ foo: '{"name":"Foo","year":2020}' }),
  },
  // States.Array
  {
    name: 'States.Array returns its arguments as an array',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'BuildId.$': 'States.Array($.Id)' }),
    input: { Id: 123456 },
    expect: succeeds({ BuildId: [123456] }),
  },
  {
    name: 'States.Array takes strings, numbers, paths and null, in order',
    page: spec('statesarray'),
    definition: pass({ 'foo.$': "States.Array('Foo', 2020, $.someJson, null)" }),
    input: { someJson: { random: 'abcdefg' }, zebra: 'stripe' },
    expect: succeeds({ foo: ['Foo', 2020, { random: 'abcdefg' }, null] }),
  },
  {
    name: 'States.Array with no argument returns an empty array',
    page: page('asl-intrsc-func-arrays'),
    inferred: '"takes zero or more arguments": zero gives an empty array.',
    definition: pass({ 'empty.$': 'States.Array()' }),
    expect: succeeds({ empty: [] }),
  },
  // States.ArrayPartition
  {
    name: 'States.ArrayPartition chunks an array, the last chunk shorter',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'inputArray.$': 'States.ArrayPartition($.inputArray,4)' }),
    input: { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expect: succeeds({
      inputArray: [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    }),
  },
  {
    name: 'States.ArrayPartition rounds a non-integer chunk size to the nearest integer',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'chunks.$': 'States.ArrayPartition($.inputArray, 3.6)' }),
    input: { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expect: succeeds({
      chunks: [[1, 2, 3, 4], [5, 6, 7, 8], [9]],
    }),
  },
  {
    name: 'States.ArrayPartition fails on a chunk size of zero',
    page: page('asl-intrsc-func-arrays'),
    inferred: `"You must specify a non-zero, positive integer for the second argument." ${FAILURE_RULE}`,
    definition: pass({ 'chunks.$': 'States.ArrayPartition($.inputArray, 0)' }),
    input: { inputArray: [1, 2, 3] },
    expect: fails('States.IntrinsicFailure'),
  },
  {
    name: 'States.ArrayPartition fails when its first argument is not an array',
    page: page('asl-intrsc-func-arrays'),
    inferred: `"You must specify an array as the input value for the function's first argument." ${FAILURE_RULE}`,
    definition: pass({ 'chunks.$': 'States.ArrayPartition($.notAnArray, 2)' }),
    input: { notAnArray: 'abc' },
    expect: fails('States.IntrinsicFailure'),
  },
  // States.ArrayContains
  {
    name: 'States.ArrayContains finds a value present in the array',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'contains.$': 'States.ArrayContains($.inputArray, $.lookingFor)' }),
    input: { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 },
    expect: succeeds({ contains: true }),
  },
  {
    name: 'States.ArrayContains answers false for a value the array lacks',
    page: page('asl-intrsc-func-arrays'),
    inferred: 'The page shows the true case; false is the function as described.',
    definition: pass({ 'contains.$': 'States.ArrayContains($.inputArray, $.lookingFor)' }),
    input: { inputArray: [1, 2, 3], lookingFor: 5 },
    expect: succeeds({ contains: false }),
  },
  // States.ArrayRange
  {
    name: 'States.ArrayRange counts from the first to the last argument by the step',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'array.$': 'States.ArrayRange(1, 9, 2)' }),
    expect: succeeds({ array: [1, 3, 5, 7, 9] }),
  },
  {
    name: 'States.ArrayRange may generate exactly 1000 items',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'array.$': 'States.ArrayRange(1, 1000, 1)' }),
    expect: succeeds({ array: Array.from({ length: 1000 }, (_, index) => index + 1) }),
  },
  {
    name: 'States.ArrayRange fails when the array would hold more than 1000 items',
    page: page('asl-intrsc-func-arrays'),
    inferred: `"The newly generated array can't contain more than 1000 items." ${FAILURE_RULE}`,
    definition: pass({ 'array.$': 'States.ArrayRange(1, 1001, 1)' }),
    expect: fails('States.IntrinsicFailure'),
  },
  {
    name: 'States.ArrayRange fails on a step of zero',
    page: page('asl-intrsc-func-arrays'),
    inferred: `"You must specify a non-zero value for the third argument." ${FAILURE_RULE}`,
    definition: pass({ 'array.$': 'States.ArrayRange(1, 9, 0)' }),
    expect: fails('States.IntrinsicFailure'),
  },
  {
    name: 'States.ArrayRange rounds non-integer arguments to the nearest integer',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'array.$': 'States.ArrayRange(1.2, 8.8, 2)' }),
    expect: succeeds({ array: [1, 3, 5, 7, 9] }),
  },
  // States.ArrayGetItem, ArrayLength, ArrayUnique
  {
    name: 'States.ArrayGetItem returns the value at an index',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'item.$': 'States.ArrayGetItem($.inputArray, $.index)' }),
    input: { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 },
    expect: succeeds({ item: 6 }),
  },
  {
    name: 'States.ArrayLength returns the length of an array',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'length.$': 'States.ArrayLength($.inputArray)' }),
    input: { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
    expect: succeeds({ length: 9 }),
  },
  {
    name: 'States.ArrayUnique removes the duplicate values of an array',
    page: page('asl-intrsc-func-arrays'),
    definition: pass({ 'array.$': 'States.ArrayUnique($.inputArray)' }),
    input: { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] },
    expect: succeeds({ array: [1, 2, 3, 4] }),
  },
  // Base64
  {
    name: 'States.Base64Encode encodes a string as MIME Base64',
    page: page('asl-intrsc-func-data-encode-decode'),
    definition: pass({ 'base64.$': 'States.Base64Encode($.input)' }),
    input: { input: 'Data to encode' },
    expect: succeeds({ base64: 'RGF0YSB0byBlbmNvZGU=' }),
  },
  {
    name: 'States.Base64Decode decodes a MIME Base64 string',
    page: page('asl-intrsc-func-data-encode-decode'),
    inferred:
      'The page decodes "RGF0YSB0byBlbmNvZGU=" and prints "Decoded data", which is not what that string encodes ("Data to encode", the Base64Encode example): the case expects the decoding.',
    definition: pass({ 'data.$': 'States.Base64Decode($.base64)' }),
    input: { base64: 'RGF0YSB0byBlbmNvZGU=' },
    expect: succeeds({ data: 'Data to encode' }),
  },
  {
    name: 'States.Base64Encode fails on a string longer than 10,000 characters',
    page: page('asl-intrsc-func-data-encode-decode'),
    inferred: `"This function takes a data string of up to 10,000 characters." ${FAILURE_RULE}`,
    definition: pass({ 'base64.$': 'States.Base64Encode($.input)' }),
    input: { input: 'a'.repeat(10_001) },
    expect: fails('States.IntrinsicFailure'),
  },
  // States.Hash
  {
    name: 'States.Hash calculates the SHA-1 hash of a string',
    page: page('asl-intrsc-func-hash-calc'),
    inferred:
      'The page prints 39 hex digits for the SHA-1 of "input data" (one "4" of "d74485" is missing); the case expects the 40-digit digest.',
    definition: pass({ 'output.$': 'States.Hash($.Data, $.Algorithm)' }),
    input: { Data: 'input data', Algorithm: 'SHA-1' },
    expect: succeeds({ output: hash('sha1', 'input data') }),
  },
  {
    name: 'States.Hash supports MD5, SHA-256, SHA-384 and SHA-512',
    page: page('asl-intrsc-func-hash-calc'),
    inferred: 'The page lists the algorithms; the digests are the standard ones, in hex as shown.',
    definition: pass({
      'md5.$': "States.Hash($.Data, 'MD5')",
      'sha256.$': "States.Hash($.Data, 'SHA-256')",
      'sha384.$': "States.Hash($.Data, 'SHA-384')",
      'sha512.$': "States.Hash($.Data, 'SHA-512')",
    }),
    input: { Data: 'input data' },
    expect: succeeds({
      md5: hash('md5', 'input data'),
      sha256: hash('sha256', 'input data'),
      sha384: hash('sha384', 'input data'),
      sha512: hash('sha512', 'input data'),
    }),
  },
  {
    name: 'States.Hash fails on an algorithm it does not list',
    page: page('asl-intrsc-func-hash-calc'),
    inferred: `The page lists the five algorithms allowed. ${FAILURE_RULE}`,
    definition: pass({ 'output.$': "States.Hash($.Data, 'SHA-3')" }),
    input: { Data: 'input data' },
    expect: fails('States.IntrinsicFailure'),
  },
  {
    name: 'States.Hash fails on data longer than 10,000 characters',
    page: page('asl-intrsc-func-hash-calc'),
    inferred: `"The data you provide must be an object string containing 10,000 characters or less." ${FAILURE_RULE}`,
    definition: pass({ 'output.$': "States.Hash($.Data, 'MD5')" }),
    input: { Data: 'a'.repeat(10_001) },
    expect: fails('States.IntrinsicFailure'),
  },
  // States.JsonMerge
  {
    name: 'States.JsonMerge merges shallowly, the second object winning a shared key',
    page: page('asl-intrsc-func-json-manipulate'),
    definition: pass({ 'output.$': 'States.JsonMerge($.json1, $.json2, false)' }),
    input: {
      json1: { a: { a1: 1, a2: 2 }, b: 2 },
      json2: { a: { a3: 1, a4: 2 }, c: 3 },
    },
    expect: succeeds({ output: { a: { a3: 1, a4: 2 }, b: 2, c: 3 } }),
  },
  // Math
  {
    name: 'States.MathRandom returns an integer from the start (inclusive) to the end (exclusive)',
    page: page('asl-intrsc-func-math-operation'),
    definition: pass({ 'random.$': 'States.MathRandom($.start, $.end)' }),
    input: { start: 1, end: 999 },
    expect: succeeds({ random: integerIn(1, 998) }),
  },
  {
    name: 'States.MathRandom returns identical numbers for the same seed',
    page: page('asl-intrsc-func-math-operation'),
    definition: pass({
      'first.$': 'States.MathRandom(1, 1000000, 42)',
      'second.$': 'States.MathRandom(1, 1000000, 42)',
    }),
    expect: {
      status: 'SUCCEEDED',
      satisfies: {
        rule: 'the same seed gives the same integer in [1, 1000000)',
        test: (output) => {
          const { first, second } = output as { first: number; second: number };
          return Number.isInteger(first) && first >= 1 && first < 1_000_000 && first === second;
        },
      },
    },
  },
  {
    name: 'States.MathAdd returns the sum of two integers',
    page: page('asl-intrsc-func-math-operation'),
    definition: pass({ 'value1.$': 'States.MathAdd($.value1, $.step)' }),
    input: { value1: 111, step: -1 },
    expect: succeeds({ value1: 110 }),
  },
  {
    name: 'States.MathAdd rounds a non-integer argument to the nearest integer',
    page: page('asl-intrsc-func-math-operation'),
    definition: pass({ 'sum.$': 'States.MathAdd($.value, 1)' }),
    input: { value: 1.6 },
    expect: succeeds({ sum: 3 }),
  },
  {
    name: 'States.MathAdd fails on an integer outside -2147483648..2147483647',
    page: page('asl-intrsc-func-math-operation'),
    inferred: `"You must specify integer values in the range of -2147483648 and 2147483647." ${FAILURE_RULE}`,
    definition: pass({ 'sum.$': 'States.MathAdd($.value, 1)' }),
    input: { value: 2147483648 },
    expect: fails('States.IntrinsicFailure'),
  },
  // Strings and UUIDs
  {
    name: 'States.StringSplit splits a string on a delimiting character',
    page: page('asl-intrsc-func-string-operation'),
    definition: pass({ 'array.$': 'States.StringSplit($.inputString, $.splitter)' }),
    input: { inputString: '1,2,3,4,5', splitter: ',' },
    expect: succeeds({ array: ['1', '2', '3', '4', '5'] }),
  },
  {
    name: 'States.StringSplit splits on each of several delimiting characters',
    page: page('asl-intrsc-func-string-operation'),
    definition: pass({ 'myStringArray.$': 'States.StringSplit($.inputString, $.splitter)' }),
    input: { inputString: 'This.is+a,test=string', splitter: '.+,=' },
    expect: succeeds({ myStringArray: ['This', 'is', 'a', 'test', 'string'] }),
  },
  {
    name: 'States.UUID returns a version 4 UUID',
    page: page('asl-intrsc-func-uuid-generate'),
    definition: pass({ 'uuid.$': 'States.UUID()' }),
    expect: succeeds({ uuid: anyUuid }),
  },
  // Nesting and fields
  {
    name: 'Intrinsic functions nest, the inner call an argument of the outer',
    page: page('intrinsic-functions'),
    inferred:
      'The page allows up to 10 nested calls; its own nine-call example gives three {} and two arguments, so the case nests three calls of its own.',
    definition: pass({
      'count.$': "States.ArrayLength(States.ArrayUnique(States.StringSplit($.csv, ',')))",
    }),
    input: { csv: 'a,b,a,c' },
    expect: succeeds({ count: 3 }),
  },
  {
    name: 'An intrinsic function in a Task ResultSelector works on the task result',
    page: page('intrinsic-functions-states'),
    inferred:
      'The page lists ResultSelector among the Task fields taking intrinsics; the output follows.',
    definition: single({
      Type: 'Task',
      Resource: fn('Echo'),
      Parameters: { 'name.$': '$.name' },
      ResultSelector: { 'greeting.$': "States.Format('Hi {}', $.name)" },
    }),
    input: { name: 'Ana' },
    expect: succeeds({ greeting: 'Hi Ana' }),
  },
];
