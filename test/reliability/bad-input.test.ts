/**
 * Bad input in bulk: seeded corpora of malformed requests to the HTTP API, the Step Functions
 * API and the Lambda Invoke API. Each is refused with a 4xx and a JSON body that says what is
 * wrong (for the HTTP API, the field and the rule), and none of them starts an execution, writes
 * an item, or (for the AWS APIs) runs a function. The platform still serves valid requests after.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES } from '../../functions/commons/trip/document.ts';
import {
  listExecutions,
  mapConcurrently,
  type Random,
  seededRandom,
  sideEffects,
} from '../support/reliability.ts';
import { useTestStack, waitForExecution } from '../support/stack.ts';

const SEED = 20_261_126;
const CONCURRENCY = 16;

const platform = useTestStack();

type Document = Record<string, unknown>;

/** What a malformed request must get: a 400 or 415 naming these fields, or a 404 or 413 with a message. */
type Expected = { status: 400 | 415; fields: string[] } | { status: 404 | 413 };

interface HttpCase {
  category: string;
  method: string;
  /** Path and query, sent as they are (already percent-encoded where needed). */
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
}

type HttpApiCase = HttpCase & { expected: Expected };

// ------------------------------------------------------------------ the values that break rules

const REQUIRED_TEXT = ['depart', 'arrive', 'hotel'];
const REQUIRED_INSTANTS = ['depart_at', 'arrive_at', 'check_in', 'check_out'];
const REQUIRED = [...REQUIRED_TEXT, ...REQUIRED_INSTANTS];
const TEXT_FIELDS = [...REQUIRED_TEXT, 'rental'];
const INSTANT_FIELDS = [...REQUIRED_INSTANTS, 'rental_from', 'rental_to'];
const ALL_FIELDS = ['trip_id', ...TEXT_FIELDS, ...INSTANT_FIELDS, 'run_type'];
/** Each pair's second instant must come after its first. */
const ORDERED_PAIRS = [
  ['depart_at', 'arrive_at'],
  ['check_in', 'check_out'],
  ['rental_from', 'rental_to'],
] as const;

const WRONG_TYPES: unknown[] = [
  0,
  1,
  -1,
  3.14,
  1e308,
  true,
  false,
  null,
  [],
  ['London'],
  [1, 2],
  {},
  { value: 'London' },
  { $ne: null },
];

const IMPOSSIBLE_DATES = [
  '2021-02-30T10:00:00.000Z',
  '2021-02-29T10:00:00Z',
  '2021-04-31T10:00:00Z',
  '2021-13-01T10:00:00Z',
  '2021-00-10T10:00:00Z',
  '2021-07-00T10:00:00Z',
  '2021-07-32T10:00:00Z',
  '2021-07-10T25:00:00Z',
  '2021-07-10T24:00:00Z',
  '2021-07-10T12:60:00Z',
  '2021-07-10T12:00:61Z',
  '2021-07-10T12:00:00',
  '2021-07-10T12:00:00.000',
  '2021-07-10 12:00:00Z',
  '2021-07-10',
  '12:00:00Z',
  '2021-07-10T12:00:00+25:00',
  '2021-07-10T12:00:00ZZ',
  '+002021-07-10T12:00:00Z',
  '10/07/2021',
  'Sat, 10 Jul 2021 06:00:00 GMT',
  '1625896800',
  'tomorrow',
  'not a date',
  ' ',
  '',
];

const INJECTIONS = [
  "' OR '1'='1",
  '1; DROP TABLE trips',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '$(reboot)',
  '%00',
];

const CONTROL_CHARACTERS = [
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\u0007',
  '\u0008',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
];

/** Trip ids that break `^[A-Za-z0-9_-]{1,64}$`. */
const BAD_TRIP_IDS = [
  ...INJECTIONS,
  ...CONTROL_CHARACTERS.map((character) => `trip${character}1`),
  '\u0000',
  'trip 1',
  'trip/1',
  'trip#1',
  'trip?x=1',
  'trip.1',
  'trip:1',
  'trip,1',
  'trip\u202Egpj.exe',
  'trïp',
  'трип',
  '🙂',
  '\u200B',
  'a'.repeat(65),
  '-'.repeat(65),
  'x'.repeat(1000),
  ' ',
  '',
];

/** Values the place and hotel names refuse: control characters, empty, too long. */
const BAD_TEXT = [
  ...CONTROL_CHARACTERS.map((character) => `Lon${character}don`),
  '\u0000',
  '\n',
  "' OR '1'='1\u0000",
  '<script>\nalert(1)</script>',
  '${jndi:ldap://x}\t',
  '../../etc/passwd\r\n',
  '',
  'x'.repeat(101),
  'é'.repeat(101),
];

const BAD_RUN_TYPES = [
  'FAILPAYMENT',
  'FailPayment',
  'failpayment',
  'SUCCESS',
  'Success',
  'success ',
  ' success',
  'success\u0000',
  'success\n',
  "success' OR '1'='1",
  'fail',
  'failHotel',
  'failFlightReservation',
  'failure',
  'compensate',
  'null',
  'undefined',
  '',
];

const UNKNOWN_FIELDS = [
  'tripId',
  'tripID',
  'runType',
  'TRIP_ID',
  'Hotel',
  'price',
  'extra',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'depart ',
];

const UNKNOWN_QUERY_PARAMETERS = [
  'foo',
  'tripid',
  'TripID',
  'trip_id',
  'run_type',
  'runtype',
  'RUNTYPE',
  'debug',
  'callback',
  'tripID[]',
  'tripID ',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

// ------------------------------------------------------------------ the HTTP API's corpus

const hex = (random: Random, length: number) =>
  Array.from({ length }, () => random.integer(16).toString(16)).join('');

const validTrip = (random: Random): Document => ({
  trip_id: `reliability-${hex(random, 12)}`,
  ...REFERENCE_TRIP,
  run_type: random.pick(RUN_TYPES),
});

/** A copy with `key` set as an own property (even `__proto__`, as JSON.parse would set it). */
const withField = (document: Document, key: string, value: unknown): Document => {
  const copy = { ...document };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
};

const without = (document: Document, keys: string[]): Document =>
  Object.fromEntries(Object.entries(document).filter(([key]) => !keys.includes(key)));

const refused = (...fields: string[]): Expected => ({ status: 400, fields });
/** A body that is not JSON by its Content-Type: 415 before it is read at all. */
const notJsonType: Expected = { status: 415, fields: ['content-type'] };

const post = (
  category: string,
  body: Document | string | Uint8Array,
  expected: Expected,
  contentType = 'application/json',
): HttpApiCase => ({
  category,
  method: 'POST',
  path: '/trips',
  body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  contentType,
  expected,
});

const get = (category: string, path: string, expected: Expected): HttpApiCase => ({
  category,
  method: 'GET',
  path,
  expected,
});

const query = (parameters: [string, string][]) => new URLSearchParams(parameters).toString();

const shifted = (instant: string, milliseconds: number) =>
  new Date(Date.parse(instant) + milliseconds).toISOString();

/** The same instant written with a +02:00 offset. */
const inPlusTwo = (instant: string) => shifted(instant, 2 * 3_600_000).replace('Z', '+02:00');

/** One rule broken on one field of a trip document. */
interface Mutation {
  field: string;
  apply: (document: Document) => Document;
}

const randomMutation = (random: Random): Mutation => {
  const set = (field: string, value: unknown): Mutation => ({
    field,
    apply: (document) => withField(document, field, value),
  });
  switch (random.integer(7)) {
    case 0:
      return set(random.pick(ALL_FIELDS), random.pick(WRONG_TYPES));
    case 1: {
      const field = random.pick(REQUIRED);
      return { field, apply: (document) => without(document, [field]) };
    }
    case 2:
      return set(random.pick(INSTANT_FIELDS), random.pick(IMPOSSIBLE_DATES));
    case 3:
      return set(random.pick(TEXT_FIELDS), random.pick(BAD_TEXT));
    case 4:
      return set('trip_id', random.pick(BAD_TRIP_IDS));
    case 5:
      return set('run_type', random.pick(BAD_RUN_TYPES));
    default:
      return set(random.pick(UNKNOWN_FIELDS), random.pick(['x', 1, null]));
  }
};

/** The malformed requests to the HTTP API, the same for the same seed. */
const httpApiCorpus = (seed: number): HttpApiCase[] => {
  const random = seededRandom(seed);
  const trip = () => validTrip(random);
  const cases: HttpApiCase[] = [];

  for (const field of ALL_FIELDS) {
    for (const value of WRONG_TYPES) {
      cases.push(post('wrong type', withField(trip(), field, value), refused(field)));
    }
  }

  for (const field of REQUIRED) {
    cases.push(post('missing field', without(trip(), [field]), refused(field)));
  }
  cases.push(post('missing field', {}, refused(...REQUIRED)));
  cases.push(post('missing field', { trip_id: 'only-an-id' }, refused(...REQUIRED)));
  for (let index = 0; index < 40; index++) {
    const fields = random.sample(REQUIRED, 2 + random.integer(REQUIRED.length - 1));
    cases.push(post('missing field', without(trip(), fields), refused(...fields)));
  }

  for (const key of UNKNOWN_FIELDS) {
    cases.push(post('unknown field', withField(trip(), key, 'x'), refused(key)));
  }

  for (const field of INSTANT_FIELDS) {
    for (const value of IMPOSSIBLE_DATES) {
      cases.push(post('impossible date', withField(trip(), field, value), refused(field)));
    }
  }

  for (const [earlier, later] of ORDERED_PAIRS) {
    const first = '2021-07-10T12:00:00.000Z';
    const reversals = [
      first,
      inPlusTwo(first),
      shifted(first, -1),
      shifted(first, -3_600_000),
      shifted(first, -365 * 86_400_000),
    ];
    for (let index = 0; index < 10; index++) {
      reversals.push(shifted(first, -random.integer(1_000_000_000)));
    }
    for (const value of reversals) {
      cases.push(
        post('reversed dates', { ...trip(), [earlier]: first, [later]: value }, refused(later)),
      );
    }
  }

  for (const id of BAD_TRIP_IDS) {
    cases.push(post('bad trip id', { ...trip(), trip_id: id }, refused('trip_id')));
    cases.push(
      get(
        'bad trip id',
        `${random.pick(['/', '/trips', '/book'])}?${query([
          ['tripID', id],
          ...(random.next() < 0.5 ? [] : ([['runType', 'success']] as [string, string][])),
        ])}`,
        refused('tripID'),
      ),
    );
    // `.` and `..` are path segments, not ids: the URL itself drops them.
    if (id !== '' && id !== '.' && id !== '..') {
      cases.push(get('bad trip id', `/trips/${encodeURIComponent(id)}`, refused('tripId')));
    }
  }
  cases.push(
    get(
      'bad trip id',
      `/?${query([
        ['tripID', 'a'],
        ['tripID', 'b'],
      ])}`,
      refused('tripID'),
    ),
  );
  cases.push(get('bad trip id', '/?tripID=', refused('tripID')));

  for (const field of TEXT_FIELDS) {
    for (const value of BAD_TEXT) {
      cases.push(post('bad text', withField(trip(), field, value), refused(field)));
    }
  }

  for (const value of BAD_RUN_TYPES) {
    cases.push(post('unknown run type', { ...trip(), run_type: value }, refused('run_type')));
    cases.push(
      get(
        'unknown run type',
        `/?${query([
          ['tripID', `reliability-${hex(random, 12)}`],
          ['runType', value],
        ])}`,
        refused('runType'),
      ),
    );
  }
  cases.push(
    get(
      'unknown run type',
      `/?${query([
        ['runType', 'success'],
        ['runType', 'success'],
      ])}`,
      refused('runType'),
    ),
  );

  const text = JSON.stringify(trip());
  const invalidJson: (string | Uint8Array)[] = [
    text.slice(0, -1),
    ...Array.from({ length: 16 }, () => text.slice(0, 1 + random.integer(text.length - 2))),
    text.replace(/}$/, ',}'),
    '{"trip_id": "x",}',
    '[1,]',
    text.replaceAll('"', "'"),
    text.replace(/"(\w+)":/g, '$1:'),
    `\uFEFF${text}`,
    '\uFEFFgarbage',
    '\uFEFF',
    '',
    ' \n\t ',
    'null',
    'true',
    'false',
    '0',
    '42',
    '"a string"',
    '[]',
    `[${text}]`,
    '[null]',
    'undefined',
    'NaN',
    'Infinity',
    '{"depart": NaN}',
    '{"depart": undefined}',
    '{"depart": 0x10}',
    `// a comment\n${text}`,
    `/* a comment */${text}`,
    `${text}${text}`,
    `${text}x`,
    '<trip><trip_id>x</trip_id></trip>',
    'trip_id=x&run_type=success',
    '{',
    '}',
    '{{}}',
    '"',
    '{"depart": "London',
    '{"depart": "Lon\u0000don"}',
    '\u0000',
    Buffer.from([0xff, 0xfe, 0x00]),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
    Buffer.from(text, 'utf16le'),
    // A valid trip but for one byte that is not UTF-8, inside a string: not booked as U+FFFD.
    Buffer.from(text.replace('London', 'Lond\u00ff'), 'latin1'),
  ];
  for (const body of invalidJson) cases.push(post('invalid JSON', body, refused('body')));
  for (const contentType of ['text/plain', 'application/octet-stream', 'application/xml']) {
    cases.push(post('invalid JSON', text.slice(0, -1), notJsonType, contentType));
    cases.push(post('invalid JSON', '[]', notJsonType, contentType));
    cases.push(post('invalid JSON', text, notJsonType, contentType));
  }

  const padded = (bytes: number) => {
    const body = JSON.stringify(trip());
    return body + ' '.repeat(bytes - Buffer.byteLength(body));
  };
  const oversized: (string | Uint8Array)[] = [
    padded(8193),
    padded(8193 + random.integer(100)),
    padded(9000),
    padded(64 * 1024),
    padded(1024 * 1024),
    JSON.stringify({ ...trip(), hotel: 'x'.repeat(8200) }),
    // Fewer characters than the limit, more bytes: the limit counts bytes.
    JSON.stringify({ ...trip(), hotel: 'é'.repeat(4100) }),
    'x'.repeat(16 * 1024),
    Buffer.alloc(9000, 0x7b),
  ];
  for (const body of oversized) cases.push(post('oversized body', body, refused('body')));
  cases.push(post('oversized body', padded(9000), notJsonType, 'application/octet-stream'));
  // Past what the API takes at all (10 MB): refused before any function runs.
  cases.push(post('oversized body', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20), { status: 413 }));

  const someId = `reliability-${hex(random, 12)}`;
  for (const method of ['PUT', 'DELETE', 'PATCH', 'PROPFIND', 'OPTIONS']) {
    for (const path of ['/trips', `/trips/${someId}`, '/trips/%3Cscript%3E', '/']) {
      cases.push({
        category: 'wrong method',
        method,
        path,
        body: JSON.stringify(trip()),
        contentType: 'application/json',
        expected: { status: 404 },
      });
    }
  }
  for (const path of [`/trips/${someId}`, '/trips/x/y', '/', '/book', '/trips/trip-1/bookings']) {
    cases.push({ ...post('wrong method', trip(), { status: 404 }), path });
  }

  for (const name of UNKNOWN_QUERY_PARAMETERS) {
    cases.push(get('unknown query parameter', `/?${query([[name, 'x']])}`, refused(name)));
    cases.push(
      get(
        'unknown query parameter',
        `${random.pick(['/', '/book'])}?${query([
          ['tripID', `reliability-${hex(random, 12)}`],
          ['runType', 'success'],
          [name, '1'],
        ])}`,
        refused(name),
      ),
    );
  }

  for (let index = 0; index < 20; index++) {
    cases.push(get('unknown trip', `/trips/unknown-${hex(random, 16)}`, { status: 404 }));
  }
  for (const id of ['a', 'Z'.repeat(64), '_', '-', '0']) {
    cases.push(get('unknown trip', `/trips/${id}`, { status: 404 }));
  }
  for (const raw of ['%', '%ZZ', 'abc%', '%E0%A4%A', '%C0%AF', '%FF', '%D8%00']) {
    cases.push(get('bad percent-encoding', `/trips/${raw}`, refused('tripId')));
  }

  for (let index = 0; index < 300; index++) {
    const mutations: Mutation[] = [];
    const count = 2 + random.integer(3);
    while (mutations.length < count) {
      const mutation = randomMutation(random);
      if (!mutations.some((chosen) => chosen.field === mutation.field)) mutations.push(mutation);
    }
    const document = mutations.reduce((current, mutation) => mutation.apply(current), trip());
    cases.push(
      post('several at once', document, refused(...mutations.map((mutation) => mutation.field))),
    );
  }

  return cases;
};

// ------------------------------------------------------------------ sending and judging

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const send = async (endpoint: string, request: HttpCase, headers: Record<string, string> = {}) => {
  const response = await fetch(`${endpoint}${request.path}`, {
    method: request.method,
    headers: {
      ...(request.contentType ? { 'content-type': request.contentType } : {}),
      ...headers,
    },
    // fetch sends no body with a GET.
    ...(request.body === undefined || request.method === 'GET' ? {} : { body: request.body }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describeCase = (request: HttpCase) =>
  `${request.category}: ${request.method} ${request.path.slice(0, 120)} ${
    typeof request.body === 'string' ? JSON.stringify(request.body.slice(0, 160)) : ''
  }`;

/** What is wrong with the HTTP API's answer to a malformed request; empty when nothing is. */
const judgeHttpAnswer = (request: HttpApiCase, answer: Answer): string[] => {
  const problems: string[] = [];
  const body = parsed(answer.text);
  if (answer.status < 400 || answer.status > 499) problems.push(`status ${answer.status}`);
  if (answer.status !== request.expected.status)
    problems.push(`status ${answer.status}, expected ${request.expected.status}`);
  if (!answer.headers.get('content-type')?.startsWith('application/json'))
    problems.push(`content-type ${answer.headers.get('content-type')}`);
  if (!isRecord(body)) problems.push(`body is not a JSON object: ${answer.text}`);
  else if (typeof body.message !== 'string' || body.message === '') problems.push('no message');
  if (isRecord(body) && (request.expected.status === 400 || request.expected.status === 415)) {
    const errors = Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
    if (errors.length === 0 || errors.length !== (body.errors as unknown[]).length)
      problems.push(`no errors: ${answer.text}`);
    for (const error of errors) {
      if (typeof error.field !== 'string' || error.field === '')
        problems.push(`an error names no field: ${JSON.stringify(error)}`);
      if (typeof error.rule !== 'string' || error.rule === '')
        problems.push(`an error names no rule: ${JSON.stringify(error)}`);
    }
    const named = errors.map((error) => error.field);
    for (const field of request.expected.fields) {
      if (!named.includes(field)) problems.push(`${field} not named in ${answer.text}`);
    }
  }
  return problems.map((problem) => `${describeCase(request)} -> ${problem}`);
};

/** A corpus in short: each request with its body hashed (two corpora are equal if these are). */
const fingerprint = (cases: HttpCase[]) =>
  cases.map(({ body, ...request }) => ({
    ...request,
    body: body === undefined ? undefined : createHash('sha256').update(body).digest('hex'),
  }));

const countBy = (cases: { category: string }[]) =>
  cases.reduce<Record<string, number>>((counts, { category }) => {
    counts[category] = (counts[category] ?? 0) + 1;
    return counts;
  }, {});

const functionInvocations = () =>
  platform.stack.lambda.functions.reduce((total, fn) => total + fn.invocations, 0);

describe('a seeded corpus of malformed requests to the HTTP API', () => {
  it('holds over a thousand requests in every category, the same ones on every run', () => {
    // Act
    const corpus = httpApiCorpus(SEED);

    // Assess
    expect(corpus.length).toBeGreaterThanOrEqual(1000);
    expect(fingerprint(httpApiCorpus(SEED))).toEqual(fingerprint(corpus));
    expect(countBy(corpus)).toEqual({
      'wrong type': ALL_FIELDS.length * WRONG_TYPES.length,
      'missing field': REQUIRED.length + 42,
      'unknown field': UNKNOWN_FIELDS.length,
      'impossible date': INSTANT_FIELDS.length * IMPOSSIBLE_DATES.length,
      'reversed dates': ORDERED_PAIRS.length * 15,
      'bad trip id': 3 * BAD_TRIP_IDS.length + 1,
      'bad text': TEXT_FIELDS.length * BAD_TEXT.length,
      'unknown run type': 2 * BAD_RUN_TYPES.length + 1,
      'invalid JSON': 68,
      'oversized body': 11,
      'wrong method': 25,
      'unknown query parameter': 2 * UNKNOWN_QUERY_PARAMETERS.length,
      'unknown trip': 25,
      'bad percent-encoding': 7,
      'several at once': 300,
    });
  });

  it('gets a 4xx for every one, with a JSON body naming the broken field and its rule, and starts and writes nothing', async () => {
    // Prepare
    const corpus = httpApiCorpus(SEED);
    const before = await sideEffects(platform);

    // Act
    const answers = await mapConcurrently(corpus, CONCURRENCY, (request) =>
      send(platform.stack.endpoints.api, request),
    );

    // Assess
    const problems = corpus.flatMap((request, index) =>
      judgeHttpAnswer(request, answers[index] as Answer),
    );
    expect(problems).toEqual([]);
    expect(answers.filter((answer) => answer.status >= 400 && answer.status < 500)).toHaveLength(
      corpus.length,
    );
    expect(await sideEffects(platform)).toEqual(before);
  });
});

// ------------------------------------------------------------------ the AWS APIs' corpora

interface AwsCase extends HttpCase {
  headers?: Record<string, string>;
  /** The AWS error type (`__type` for Step Functions, `x-amzn-errortype` for Lambda). */
  errorType: string;
}

const SFN_CONTENT_TYPE = 'application/x-amz-json-1.0';

/** The malformed requests to the Step Functions API, the same for the same seed. */
const stepFunctionsCorpus = (seed: number, stateMachineArn: string): AwsCase[] => {
  const random = seededRandom(seed);
  const [prefix = ''] = stateMachineArn.split(':stateMachine:');
  const executionPrefix = `${prefix}:execution:`;
  const cases: AwsCase[] = [];
  const call = (
    category: string,
    operation: string | undefined,
    body: unknown,
    errorType: string,
    method = 'POST',
  ) =>
    cases.push({
      category,
      method,
      path: '/',
      headers: {
        'content-type': SFN_CONTENT_TYPE,
        ...(operation === undefined ? {} : { 'x-amz-target': operation }),
      },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      errorType,
    });
  const target = (operation: string) => `AWSStepFunctions.${operation}`;
  const freshName = () => `reliability-${hex(random, 12)}`;
  const validStart = () => ({ stateMachineArn, name: freshName(), input: '{}' });

  const notJson: (string | Uint8Array)[] = [
    '{',
    '{"stateMachineArn":',
    "{'name':'x'}",
    '{"name":"x",}',
    '\uFEFF{}',
    'undefined',
    'NaN',
    '<StartExecution/>',
    'name=x',
    '{}{}',
    Buffer.from([0xff, 0xfe]),
  ];
  const notObjects = ['null', '[]', '"StartExecution"', '1', 'true', '[{}]'];
  for (const operation of [
    'StartExecution',
    'ListExecutions',
    'DescribeExecution',
    'CreateStateMachine',
  ]) {
    for (const body of [...notJson, ...notObjects])
      call('invalid JSON', target(operation), body, 'SerializationException');
  }

  for (const operation of [
    undefined,
    '',
    'AWSStepFunctions.',
    'AWSStepFunctions.Nope',
    'awsstepfunctions.StartExecution',
    'AWSStepFunctions.startExecution',
    'StartExecution',
    'AWSStepFunctions.StartExecution.Extra',
    'AWSStepFunctions.constructor',
    'AWSStepFunctions.toString',
    'AWSStepFunctions.__proto__',
    'AWSStepFunctions.hasOwnProperty',
    'AWSStepFunctions.valueOf',
    'AWSStepFunctions.__defineGetter__',
    'AWSStepFunctions.SendTaskSuccess',
    'AWSStepFunctions.StartSyncExecution',
    'AmazonSQS.SendMessage',
    'DynamoDB_20120810.Scan',
  ]) {
    call('unknown operation', operation, validStart(), 'UnknownOperationException');
  }

  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    call(
      'wrong method',
      target('StartExecution'),
      validStart(),
      'UnknownOperationException',
      method,
    );
  }
  cases.push({
    category: 'wrong method',
    method: 'GET',
    path: '/',
    headers: { 'x-amz-target': target('ListStateMachines') },
    errorType: 'UnknownOperationException',
  });

  for (const operation of [
    'CreateStateMachine',
    'DescribeStateMachine',
    'DeleteStateMachine',
    'StartExecution',
    'DescribeExecution',
    'DescribeStateMachineForExecution',
    'ListExecutions',
    'GetExecutionHistory',
    'StopExecution',
  ]) {
    call('missing member', target(operation), {}, 'ValidationException');
    call('missing member', target(operation), '', 'ValidationException');
  }

  const badStateMachineArns: [unknown, string][] = [
    [123, 'InvalidArn'],
    [true, 'InvalidArn'],
    [[], 'InvalidArn'],
    [{}, 'InvalidArn'],
    [null, 'InvalidArn'],
    ['', 'InvalidArn'],
    ['not-an-arn', 'InvalidArn'],
    ['arn:aws:states', 'InvalidArn'],
    [`${prefix}:stateMachine:`, 'InvalidArn'],
    ['arn:aws:states:us-east-1:12345:stateMachine:BookingSaga', 'InvalidArn'],
    ['arn:aws:lambda:us-east-1:123456789012:function:StartBookingFunction', 'InvalidArn'],
    [`${executionPrefix}BookingSaga`, 'InvalidArn'],
    [`${stateMachineArn}:extra`, 'InvalidArn'],
    [stateMachineArn.toUpperCase(), 'InvalidArn'],
    [`${prefix}:stateMachine:NoSuchMachine`, 'StateMachineDoesNotExist'],
    [stateMachineArn.replace(/:[a-z]+-[a-z]+-\d:/, ':eu-west-1:'), 'StateMachineDoesNotExist'],
    [stateMachineArn.replace(/:\d{12}:/, ':999999999999:'), 'StateMachineDoesNotExist'],
    [`${stateMachineArn}x`, 'StateMachineDoesNotExist'],
    [`${stateMachineArn} `, 'StateMachineDoesNotExist'],
  ];
  for (let index = 0; index < 10; index++) {
    badStateMachineArns.push([
      `${prefix}:stateMachine:Machine-${hex(random, 8)}`,
      'StateMachineDoesNotExist',
    ]);
  }
  for (const [arn, errorType] of badStateMachineArns) {
    call(
      'bad state machine ARN',
      target('StartExecution'),
      { ...validStart(), stateMachineArn: arn },
      errorType,
    );
    call(
      'bad state machine ARN',
      target('DescribeStateMachine'),
      { stateMachineArn: arn },
      errorType,
    );
    call('bad state machine ARN', target('ListExecutions'), { stateMachineArn: arn }, errorType);
    call(
      'bad state machine ARN',
      target('DeleteStateMachine'),
      { stateMachineArn: arn },
      errorType,
    );
  }
  // A test case names a state machine for StartExecution only: never one to describe or delete.
  for (const operation of ['DescribeStateMachine', 'ListExecutions', 'DeleteStateMachine']) {
    call(
      'bad state machine ARN',
      target(operation),
      { stateMachineArn: `${stateMachineArn}#HappyPathTest` },
      'InvalidArn',
    );
  }
  // A test case of the mock configuration that does not exist (nor any inherited name).
  for (const testCase of [
    'NoSuchTestCase',
    'happypathtest',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ]) {
    call(
      'bad state machine ARN',
      target('StartExecution'),
      { ...validStart(), stateMachineArn: `${stateMachineArn}#${testCase}` },
      'ValidationException',
    );
  }

  const badExecutionArns: [unknown, string][] = [
    [123, 'InvalidArn'],
    [{}, 'InvalidArn'],
    [[], 'InvalidArn'],
    [false, 'InvalidArn'],
    [null, 'InvalidArn'],
    ['', 'InvalidArn'],
    ['nope', 'InvalidArn'],
    [stateMachineArn, 'InvalidArn'],
    [`${executionPrefix}BookingSaga`, 'InvalidArn'],
    [`${executionPrefix}BookingSaga:a:b`, 'InvalidArn'],
    [`${executionPrefix}BookingSaga:no-such-trip`, 'ExecutionDoesNotExist'],
    [`${executionPrefix}OtherMachine:no-such-trip`, 'ExecutionDoesNotExist'],
    [`${executionPrefix}BookingSaga:constructor`, 'ExecutionDoesNotExist'],
  ];
  for (let index = 0; index < 8; index++) {
    badExecutionArns.push([
      `${executionPrefix}BookingSaga:${freshName()}`,
      'ExecutionDoesNotExist',
    ]);
  }
  for (const [arn, errorType] of badExecutionArns) {
    for (const operation of [
      'DescribeExecution',
      'DescribeStateMachineForExecution',
      'GetExecutionHistory',
      'StopExecution',
    ]) {
      call('bad execution ARN', target(operation), { executionArn: arn }, errorType);
    }
  }

  const forbidden = [...' <>{}[]?*"#%\\^|~`$&,;:/', '\u0000', '\n', '\t', '\u007f', '\u0085'];
  const badNames: unknown[] = [
    123,
    true,
    [],
    {},
    null,
    '',
    'a'.repeat(81),
    'x'.repeat(10_000),
    "' OR '1'='1",
    '<script>',
    '${jndi:ldap://x}',
    '../../etc/passwd',
    ...forbidden.map((character) => `trip${character}1`),
  ];
  for (let index = 0; index < 20; index++) {
    const name = freshName();
    const at = random.integer(name.length);
    badNames.push(`${name.slice(0, at)}${random.pick(forbidden)}${name.slice(at)}`);
  }
  for (const name of badNames) {
    call('bad name', target('StartExecution'), { ...validStart(), name }, 'InvalidName');
  }

  for (const input of [{}, [], 1, true, null, { trip_id: 'x' }]) {
    call('bad input', target('StartExecution'), { ...validStart(), input }, 'ValidationException');
  }
  for (const input of [
    '{',
    'not json',
    '',
    "{'a':1}",
    '{"a":1,}',
    'undefined',
    '\uFEFF{}',
    '{"a":NaN}',
  ]) {
    call(
      'bad input',
      target('StartExecution'),
      { ...validStart(), input },
      'InvalidExecutionInput',
    );
  }

  for (const [member, value] of [
    ['maxResults', '10'],
    ['maxResults', -1],
    ['maxResults', 1001],
    ['maxResults', 1.5],
    ['maxResults', true],
    ['statusFilter', 'DONE'],
    ['statusFilter', 'running'],
    ['statusFilter', 1],
  ] as const) {
    call(
      'bad member',
      target('ListExecutions'),
      { stateMachineArn, [member]: value },
      'ValidationException',
    );
  }
  for (const nextToken of ['garbage', 123, {}, '!!!!']) {
    call('bad member', target('ListExecutions'), { stateMachineArn, nextToken }, 'InvalidToken');
  }
  call('bad member', target('ListStateMachines'), { maxResults: 'all' }, 'ValidationException');

  const definitionOf = (states: unknown) => JSON.stringify({ StartAt: 'A', States: states });
  for (const [request, errorType] of [
    [{ definition: '{' }, 'InvalidDefinition'],
    [{ definition: '{}' }, 'InvalidDefinition'],
    [{ definition: 'null' }, 'InvalidDefinition'],
    [{ definition: '[]' }, 'InvalidDefinition'],
    [{ definition: '"a state machine"' }, 'InvalidDefinition'],
    [{ definition: definitionOf({}) }, 'InvalidDefinition'],
    [{ definition: definitionOf({ A: { Type: 'Nope', End: true } }) }, 'InvalidDefinition'],
    [
      {
        definition: definitionOf({
          A: { Type: 'Task', Resource: 'not-an-arn', End: true },
        }),
      },
      'InvalidDefinition',
    ],
    [{ definition: 123 }, 'ValidationException'],
    [{ name: 'bad name' }, 'InvalidName'],
    [{ name: 123 }, 'InvalidName'],
    [{ roleArn: 'not-a-role' }, 'InvalidArn'],
    [{ roleArn: 42 }, 'InvalidArn'],
    [{ type: 'EXPRESS' }, 'ValidationException'],
  ] as const) {
    call(
      'bad state machine',
      target('CreateStateMachine'),
      {
        name: `Reliability-${hex(random, 8)}`,
        definition: definitionOf({ A: { Type: 'Pass', End: true } }),
        roleArn: 'arn:aws:iam::123456789012:role/Reliability',
        ...request,
      },
      errorType,
    );
  }

  call(
    'huge body',
    target('StartExecution'),
    { ...validStart(), input: JSON.stringify({ pad: 'x'.repeat(262_144) }) },
    'ValidationException',
  );
  call(
    'huge body',
    target('StartExecution'),
    { ...validStart(), name: 'x'.repeat(100_000) },
    'InvalidName',
  );
  call(
    'huge body',
    target('StartExecution'),
    ' '.repeat(2 * 1024 * 1024 + 1),
    'ValidationException',
  );
  call(
    'huge body',
    target('ListExecutions'),
    Buffer.alloc(3 * 1024 * 1024, 0x7b),
    'ValidationException',
  );

  return cases;
};

const LAMBDA_PREFIX = '/2015-03-31/functions';

/** The malformed requests to the Lambda Invoke API, the same for the same seed. */
const lambdaCorpus = (seed: number, functionArn: string): AwsCase[] => {
  const random = seededRandom(seed);
  const cases: AwsCase[] = [];
  const functions = [
    'StartBookingFunction',
    'GetTripFunction',
    'ReserveHotelFunction',
    'CancelHotelFunction',
  ];
  const arnPrefix = functionArn.slice(0, functionArn.lastIndexOf(':') + 1);
  const request = (
    category: string,
    path: string,
    errorType: string,
    options: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {},
  ) =>
    cases.push({
      category,
      method: options.method ?? 'POST',
      path,
      body: options.body ?? (options.method === undefined ? '{}' : undefined),
      ...(options.headers ? { headers: options.headers } : {}),
      errorType,
    } as AwsCase);
  const invocations = (name: string) => `${LAMBDA_PREFIX}/${encodeURIComponent(name)}/invocations`;

  const unknownNames = [
    'Nope',
    'startbookingfunction',
    'STARTBOOKINGFUNCTION',
    'StartBooking',
    'StartBookingFunction2',
    'BookingSaga',
    'constructor',
    '__proto__',
    'toString',
    'a'.repeat(65),
    'Start Booking',
    "' OR '1'='1",
    '../../etc/passwd',
    '${jndi:ldap://x}',
    `${arnPrefix}Nope`,
    arnPrefix,
    functionArn.replace(/:[a-z]+-[a-z]+-\d:/, ':eu-west-1:'),
    functionArn.replace(/:\d{12}:/, ':999999999999:'),
    'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga',
    '',
  ];
  for (let index = 0; index < 40; index++) unknownNames.push(`Function${hex(random, 10)}`);
  for (const name of unknownNames) {
    request('unknown function', invocations(name), 'ResourceNotFoundException');
  }
  for (const name of ['Nope', 'constructor', `${arnPrefix}Nope`]) {
    request(
      'unknown function',
      `${LAMBDA_PREFIX}/${encodeURIComponent(name)}`,
      'ResourceNotFoundException',
      { method: 'GET' },
    );
  }

  for (const [path, errorType] of [
    ['/', 'UnknownOperationException'],
    ['/2015-03-31', 'UnknownOperationException'],
    ['/2015-03-31/', 'UnknownOperationException'],
    ['/2015-03-31/function/StartBookingFunction/invocations', 'UnknownOperationException'],
    ['/2015-03-31/functions/StartBookingFunction/invoke', 'UnknownOperationException'],
    ['/2015-03-31/functions/StartBookingFunction/invocations/extra', 'UnknownOperationException'],
    ['/2014-11-13/functions/StartBookingFunction/invocations', 'UnknownOperationException'],
    ['/2015-03-31/functions/StartBookingFunction/configuration', 'UnknownOperationException'],
    ['/2015-03-31/functions/a/b/invocations', 'UnknownOperationException'],
    ['/2015-03-31//functions/StartBookingFunction/invocations', 'UnknownOperationException'],
    ['/2015-03-31/functions/StartBookingFunction%2Finvocations', 'ResourceNotFoundException'],
    ['/2015-03-31/functions/%ZZ/invocations', 'ResourceNotFoundException'],
    ['/2015-03-31/functions/%/invocations', 'ResourceNotFoundException'],
    ['/2015-03-31/functions/%E0%A4%A/invocations', 'ResourceNotFoundException'],
    ['/2015-03-31/functions/StartBooking%FFFunction/invocations', 'ResourceNotFoundException'],
  ] as const) {
    request('malformed path', path, errorType);
  }

  const notJson: (string | Uint8Array)[] = [
    '{',
    'abc',
    "{'a':1}",
    '{"a":1,}',
    '\uFEFF{}',
    'undefined',
    'NaN',
    '<event/>',
    '{"a":',
    '}',
    '[1,]',
    Buffer.from([0xff, 0xfe, 0xfd]),
  ];
  for (const name of functions) {
    for (const body of notJson) {
      request('non-JSON payload', invocations(name), 'InvalidRequestContentException', { body });
    }
  }

  for (const invocationType of [
    'event',
    'EVENT',
    'Async',
    'requestresponse',
    'Request',
    'RequestResponse,Event',
    'dryrun',
    '0',
    '',
  ]) {
    request(
      'bad invocation type',
      invocations(random.pick(functions)),
      'InvalidParameterValueException',
      {
        body: '{}',
        headers: { 'x-amz-invocation-type': invocationType },
      },
    );
  }

  for (const qualifier of [
    '1',
    '2',
    'prod',
    'live',
    '$latest',
    'LATEST',
    '$LATEST ',
    '',
    '$LATEST:1',
    '%24LATEST',
  ]) {
    request(
      'bad qualifier',
      `${invocations(random.pick(functions))}?${query([['Qualifier', qualifier]])}`,
      'ResourceNotFoundException',
    );
  }
  for (const qualified of [':1', ':prod', ':$latest', ':', ':$LATEST:1', ':LATEST']) {
    request(
      'bad qualifier',
      invocations(`${random.pick(functions)}${qualified}`),
      'ResourceNotFoundException',
    );
  }
  request('bad qualifier', invocations(`${functionArn}:7`), 'ResourceNotFoundException');
  request(
    'bad qualifier',
    `${invocations('GetTripFunction:$LATEST')}?Qualifier=1`,
    'ResourceNotFoundException',
  );

  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    request('wrong method', invocations('StartBookingFunction'), 'UnknownOperationException', {
      method,
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
  }
  for (const method of ['POST', 'PUT', 'DELETE']) {
    request('wrong method', `${LAMBDA_PREFIX}/GetTripFunction`, 'UnknownOperationException', {
      method,
      body: '{}',
    });
    request('wrong method', `${LAMBDA_PREFIX}/`, 'ResourceNotFoundException', {
      method,
      body: '{}',
    });
  }

  request('huge payload', invocations('GetTripFunction'), 'RequestTooLargeException', {
    body: Buffer.alloc(6 * 1024 * 1024 + 1, 0x20),
  });

  return cases;
};

const sendAws = (endpoint: string, request: AwsCase) => send(endpoint, request, request.headers);

/** What is wrong with an AWS API's answer to a malformed request; empty when nothing is. */
const judgeAwsAnswer = (request: AwsCase, answer: Answer, errorType: string | undefined) => {
  const problems: string[] = [];
  if (answer.status < 400 || answer.status > 499) problems.push(`status ${answer.status}`);
  const body = parsed(answer.text);
  if (!isRecord(body)) problems.push(`body is not a JSON object: ${answer.text.slice(0, 200)}`);
  else if (typeof body.message !== 'string' || body.message === '') problems.push('no message');
  if (errorType !== request.errorType)
    problems.push(
      `error type ${errorType}, expected ${request.errorType}: ${answer.text.slice(0, 200)}`,
    );
  return problems.map((problem) => `${describeCase(request)} -> ${problem}`);
};

describe('a seeded corpus of malformed requests to the Step Functions API', () => {
  it('gets a 4xx with the AWS error type in __type for every one, and starts or creates nothing', async () => {
    // Prepare
    const { stack } = platform;
    const corpus = stepFunctionsCorpus(SEED, stack.stateMachineArn);
    const before = await sideEffects(platform);
    const machinesBefore = await fetch(stack.endpoints.sfn, {
      method: 'POST',
      headers: {
        'content-type': SFN_CONTENT_TYPE,
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      },
      body: '{}',
    }).then((response) => response.json());

    // Act
    const answers = await mapConcurrently(corpus, CONCURRENCY, (request) =>
      sendAws(stack.endpoints.sfn, request),
    );

    // Assess
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(countBy(corpus)).toEqual({
      'invalid JSON': 68,
      'unknown operation': 18,
      'wrong method': 5,
      'missing member': 18,
      'bad state machine ARN': 125,
      'bad execution ARN': 84,
      'bad name': 60,
      'bad input': 14,
      'bad member': 13,
      'bad state machine': 14,
      'huge body': 4,
    });
    expect(fingerprint(stepFunctionsCorpus(SEED, stack.stateMachineArn))).toEqual(
      fingerprint(corpus),
    );
    const problems = corpus.flatMap((request, index) => {
      const answer = answers[index] as Answer;
      const body = parsed(answer.text);
      const type = isRecord(body) && typeof body.__type === 'string' ? body.__type : '';
      return judgeAwsAnswer(request, answer, type.split('#').at(-1));
    });
    expect(problems).toEqual([]);
    expect(await sideEffects(platform)).toEqual(before);
    const machinesAfter = await fetch(stack.endpoints.sfn, {
      method: 'POST',
      headers: {
        'content-type': SFN_CONTENT_TYPE,
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      },
      body: '{}',
    }).then((response) => response.json());
    expect(machinesAfter).toEqual(machinesBefore);
  });
});

describe('a seeded corpus of malformed requests to the Lambda Invoke API', () => {
  it('gets a 4xx with the AWS error type in x-amzn-errortype for every one, and runs no function', async () => {
    // Prepare
    const { stack } = platform;
    const functionArn = stack.lambda.find('GetTripFunction')?.config.arn ?? '';
    const corpus = lambdaCorpus(SEED, functionArn);
    const before = await sideEffects(platform);
    const invocationsBefore = functionInvocations();

    // Act
    const answers = await mapConcurrently(corpus, CONCURRENCY, (request) =>
      sendAws(stack.endpoints.lambda, request),
    );

    // Assess
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(countBy(corpus)).toEqual({
      'unknown function': 63,
      'malformed path': 15,
      'non-JSON payload': 48,
      'bad invocation type': 9,
      'bad qualifier': 18,
      'wrong method': 10,
      'huge payload': 1,
    });
    expect(fingerprint(lambdaCorpus(SEED, functionArn))).toEqual(fingerprint(corpus));
    const problems = corpus.flatMap((request, index) => {
      const answer = answers[index] as Answer;
      return judgeAwsAnswer(request, answer, answer.headers.get('x-amzn-errortype') ?? undefined);
    });
    expect(problems).toEqual([]);
    expect(functionInvocations()).toBe(invocationsBefore);
    expect(await sideEffects(platform)).toEqual(before);
  });
});

describe('after every corpus', () => {
  it('the platform still books a valid trip, reports it, and answers the AWS APIs', async () => {
    // Prepare
    const { stack, clients } = platform;
    const trip: Document = { ...validTrip(seededRandom(SEED + 1)), run_type: 'success' };
    const tripId = String(trip.trip_id);
    const getTripEvent = readFileSync(new URL('../../events/get-trip.json', import.meta.url));

    // Act
    const booked = await fetch(`${stack.endpoints.api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trip),
    });
    const { execution_arn: executionArn } = (await booked.json()) as { execution_arn: string };
    const ended = await waitForExecution(clients.sfn, executionArn);
    const status = await fetch(`${stack.endpoints.api}/trips/${tripId}`);
    const invoked = await fetch(
      `${stack.endpoints.lambda}${LAMBDA_PREFIX}/GetTripFunction/invocations`,
      {
        method: 'POST',
        body: getTripEvent,
      },
    );

    // Assess
    expect(booked.status).toBe(202);
    expect(ended.description.status).toBe('SUCCEEDED');
    expect((await listExecutions(platform)).map((execution) => execution.name)).toContain(tripId);
    expect(status.status).toBe(200);
    expect(invoked.status).toBe(200);
    expect(JSON.parse(await invoked.text())).toMatchObject({ statusCode: 404 });
  });
});
