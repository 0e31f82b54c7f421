/**
 * Hostile input against every port of the platform (HTTP API, Lambda API, Step Functions API,
 * DynamoDB, console): each reproduction that once ended the whole process, then a seeded run of
 * malformed traffic to all five. Every request gets an answer of its own (AWS's error, or a clear
 * 4xx), and after them every port still answers and nothing booked before is lost. The platform
 * runs in this process: anything thrown outside a request's own handling fails the run.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_EXPRESSION_PARENTHESES } from '../../local/emulators/dynamodb.ts';
import { MAX_INPUT_NESTING } from '../../local/emulators/sfn/service.ts';
import {
  ALL_PORTS,
  bookThroughApi,
  cutOffRequest,
  DYNAMODB_AUTH,
  endpointOf,
  PORTS,
  type PortName,
  rawRequest,
  referenceTrip,
} from '../support/raw-http.ts';
import { mapConcurrently, type Random, seededRandom } from '../support/reliability.ts';
import { tripItems, useTestStack, waitForExecution } from '../support/stack.ts';

const SEED = 20_261_130;

const platform = useTestStack({
  ports: ALL_PORTS,
});

const trip = referenceTrip;
const endpoint = (port: PortName) => endpointOf(platform, port);
const hostOf = (port: PortName) => new URL(endpoint(port)).host;

/** A trip booked before any hostile request: it must come through everything unchanged. */
let booked: { tripId: string; executionArn: string; items: Record<string, unknown>[] };

beforeAll(async () => {
  booked = await bookThroughApi(platform, `kept-${randomUUID()}`);
});

/** A request every port must still answer, and the booked trip still whole. */
const stillServing = async () => {
  const answers = await Promise.all([
    fetch(`${platform.stack.endpoints.api}/trips/${booked.tripId}`),
    fetch(`${platform.stack.endpoints.lambda}/2015-03-31/functions/`),
    fetch(`${endpoint('console')}/api/executions`),
  ]);
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
  const execution = await platform.clients.sfn.send(
    new DescribeExecutionCommand({ executionArn: booked.executionArn }),
  );
  expect(execution.status).toBe('SUCCEEDED');
  expect(
    await tripItems(platform.clients.dynamodb, platform.stack.tableName, booked.tripId),
  ).toEqual(booked.items);
};

/** An attribute value of Maps nested `wraps` deep around a string. */
const nestedMaps = (wraps: number): AttributeValue => {
  let value: AttributeValue = { S: 'deep' };
  for (let level = 0; level < wraps; level++) value = { M: { a: value } };
  return value;
};

const VALIDATION = 'com.amazon.coral.validate#ValidationException';
const NESTING =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';

/** Maps nested `wraps` deep, as JSON text: the SDK's own serialiser cannot go this deep. */
const deepMaps = (wraps: number) => `${'{"M":{"a":'.repeat(wraps)}{"S":"x"}${'}}'.repeat(wraps)}`;

/** A DynamoDB operation sent as it comes over the wire; its status and parsed answer. */
const sendToDynamoDb = async (operation: string, body: string) => {
  const answer = await rawRequest(endpoint('dynamodb'), {
    method: 'POST',
    headers: {
      host: hostOf('dynamodb'),
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      ...DYNAMODB_AUTH,
    },
    body,
  });
  return { status: answer.status, body: JSON.parse(answer.text) as unknown };
};

describe('the reproductions that ended the process', () => {
  it.each(PORTS)(
    'a body cut off mid-upload on the %s port ends that request only',
    async (port) => {
      // Prepare: headers that announce 10 bytes, of which 1 comes before the socket closes
      const head = [
        'POST / HTTP/1.1',
        `Host: ${hostOf(port)}`,
        'Content-Type: application/x-amz-json-1.0',
        `X-Amz-Target: ${port === 'sfn' ? 'AWSStepFunctions.StartExecution' : 'DynamoDB_20120810.PutItem'}`,
        `Authorization: ${DYNAMODB_AUTH.authorization}`,
        `X-Amz-Date: ${DYNAMODB_AUTH['x-amz-date']}`,
        'Content-Length: 10',
        '',
        '',
      ].join('\r\n');

      // Act
      await cutOffRequest(endpoint(port), head, '{');
      await cutOffRequest(endpoint(port), head.replace('POST / ', 'POST /trips '), '{');

      // Assess
      await stillServing();
    },
  );

  it('a PutItem whose item nests Maps 1,000 deep (12 KB) gets DynamoDB ValidationException; 31 wraps are stored, 32 are not', async () => {
    // Prepare
    const pk = `deep-${randomUUID()}`;
    const put = (wraps: number, sk: string) =>
      platform.clients.dynamodb
        .send(
          new PutItemCommand({
            TableName: platform.stack.tableName,
            Item: { pk: { S: pk }, sk: { S: sk }, value: nestedMaps(wraps) },
          }),
        )
        .then(
          () => 'stored',
          (error: Error) => `${error.name}: ${error.message}`,
        );

    // Act
    const deep = await sendToDynamoDb(
      'PutItem',
      `{"TableName":"${platform.stack.tableName}","Item":{"pk":{"S":"${pk}"},"sk":{"S":"a"},"value":${deepMaps(1000)}}}`,
    );
    const outcomes = [await put(32, 'b'), await put(31, 'c')];

    // Assess
    expect(deep).toEqual({ status: 400, body: { __type: VALIDATION, message: NESTING } });
    expect(outcomes).toEqual([`ValidationException: ${NESTING}`, 'stored']);
    const items = await tripItems(platform.clients.dynamodb, platform.stack.tableName, pk);
    expect(items.map((item) => item.sk)).toEqual(['c']);
    await stillServing();
  });

  it('an UpdateItem whose ExpressionAttributeValues nest 1,000 deep is refused the same way, and writes nothing', async () => {
    // Prepare
    const pk = `deep-${randomUUID()}`;

    // Act
    const answer = await sendToDynamoDb(
      'UpdateItem',
      `{"TableName":"${platform.stack.tableName}","Key":{"pk":{"S":"${pk}"},"sk":{"S":"a"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":${deepMaps(1000)}}}`,
    );

    // Assess
    expect(answer).toEqual({ status: 400, body: { __type: VALIDATION, message: NESTING } });
    expect(await tripItems(platform.clients.dynamodb, platform.stack.tableName, pk)).toEqual([]);
  });

  it('an expression nesting parentheses 20 deep is refused at once by dynalite, instead of freezing the process in its parser; DynamoDB Local takes it, as AWS does', async () => {
    // Prepare: 20 levels cost dynalite's backtracking parser over half a minute
    // A condition nesting `depth` parentheses, none of them redundant (DynamoDB refuses those).
    const condition = (depth: number): string =>
      depth <= 1
        ? 'attribute_not_exists(pk)'
        : `attribute_not_exists(pk) AND (${condition(depth - 1)} OR attribute_not_exists(sk))`;
    const put = (depth: number) =>
      platform.clients.dynamodb
        .send(
          new PutItemCommand({
            TableName: platform.stack.tableName,
            Item: { pk: { S: `parens-${randomUUID()}` }, sk: { S: 'a' } },
            ConditionExpression: condition(depth),
          }),
        )
        .then(
          () => 'stored',
          (error: Error) => `${error.name}: ${error.message}`,
        );

    // Act (a function call's own parentheses count as a level)
    const outcomes = [await put(20), await put(MAX_EXPRESSION_PARENTHESES)];

    // Assess
    expect(outcomes).toEqual(
      platform.stack.dynamodb.engine === 'dynalite'
        ? [
            `ValidationException: Invalid ConditionExpression: The expression nests parentheses more than ${MAX_EXPRESSION_PARENTHESES} deep, the most the offline platform parses`,
            'stored',
          ]
        : ['stored', 'stored'],
    );
  });

  it('a StartExecution whose input nests arrays 4,500 deep (9 KB) gets InvalidExecutionInput, and nothing starts', async () => {
    // Prepare
    const start = (input: string) =>
      platform.clients.sfn
        .send(
          new StartExecutionCommand({
            stateMachineArn: platform.stack.stateMachineArn,
            name: `deep-${randomUUID()}`,
            input,
          }),
        )
        .then(
          (started) => started.executionArn ?? '',
          (error: Error) => `${error.name}: ${error.message}`,
        );
    const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    // Act
    const outcomes = [
      await start(arrays(4500)),
      await start(objects(2000)),
      await start(arrays(MAX_INPUT_NESTING + 1)),
      await start(JSON.stringify({ pad: 'x'.repeat(262_144) })),
      // Deep, but within the limit: runs (and fails as the saga fails a document that is no trip).
      await start(JSON.stringify({ ...trip, extra: JSON.parse(arrays(MAX_INPUT_NESTING - 1)) })),
    ];

    // Assess
    const tooDeep = `InvalidExecutionInput: Invalid State Machine Execution Input: 'the input nests deeper than ${MAX_INPUT_NESTING} levels, the most the offline platform runs'`;
    expect(outcomes.slice(0, 3)).toEqual([tooDeep, tooDeep, tooDeep]);
    expect(outcomes[3]).toMatch(/^ValidationException: .*262144/);
    const ended = await waitForExecution(platform.clients.sfn, outcomes[4] ?? '');
    expect(ended.description.status).not.toBe('RUNNING');
    await stillServing();
  });
});

describe("issue 20's reproductions", () => {
  it('a 6 MB payload of arrays nested 3 million deep on the Lambda API is refused at once, and holds no other request up', async ({
    annotate,
  }) => {
    // Prepare: it stalled every port for seconds, then answered a RangeError
    const payload = Buffer.from(`${'['.repeat(3_000_000)}${']'.repeat(3_000_000)}`);
    const delay = monitorEventLoopDelay({ resolution: 10 });

    // Act
    delay.enable();
    const [refused, listed] = await Promise.all([
      rawRequest(`${endpoint('lambda')}/2015-03-31/functions/ReserveHotelFunction/invocations`, {
        method: 'POST',
        headers: { host: hostOf('lambda') },
        body: payload,
      }),
      rawRequest(`${endpoint('lambda')}/2015-03-31/functions/`, {
        headers: { host: hostOf('lambda') },
      }),
    ]);
    delay.disable();

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(listed.status).toBe(200);
    const stalledMs = delay.max / 1e6;
    await annotate(`longest event-loop delay during the request: ${stalledMs.toFixed(0)} ms`);
    // The soak's stall threshold: the platform's own work here is a few ms.
    expect(stalledMs).toBeLessThan(1000);
    await stillServing();
  });

  it.each([
    ['a table name that is a list', (table: string) => `{"TableName":["${table}"]}`],
    ['a key that is a number', (table: string) => `{"TableName":"${table}","Key":1e999}`],
    [
      'an attribute value whose S is a map',
      (table: string) => `{"TableName":"${table}","Key":{"pk":{"S":{"a":1}},"sk":{"S":"x"}}}`,
    ],
    ['a body that is a list', () => '[1,2,3]'],
  ])(
    'a GetItem with %s gets SerializationException, as DynamoDB answers it (DynamoDB Local failed it with a 500)',
    async (_what, body) => {
      // Act
      const answer = await sendToDynamoDb('GetItem', body(platform.stack.tableName));

      // Assess
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        __type: 'com.amazon.coral.service#SerializationException',
      });
    },
  );

  it.each([
    ['a byte that is not UTF-8', Buffer.from([0xff])],
    ['a lone surrogate', Buffer.from('\\ud800')],
  ])(
    'StartExecution whose input holds %s is InvalidExecutionInput, and nothing starts',
    async (_what, stray) => {
      // Prepare: it started an execution (200)
      const name = `not-utf8-${randomUUID()}`;
      const body = Buffer.concat([
        Buffer.from(
          `{"stateMachineArn":"${platform.stack.stateMachineArn}","name":"${name}","input":"{\\"trip_id\\":\\"`,
        ),
        stray,
        Buffer.from('\\"}"}'),
      ]);

      // Act
      const answer = await rawRequest(endpoint('sfn'), {
        method: 'POST',
        headers: {
          host: hostOf('sfn'),
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.StartExecution',
        },
        body,
      });

      // Assess
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        __type: 'com.amazonaws.swf.service.v2.model#InvalidExecutionInput',
        message: "Invalid State Machine Execution Input: 'the input is not valid UTF-8'",
      });
      const executionArn = `${platform.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      await expect(
        platform.clients.sfn.send(new DescribeExecutionCommand({ executionArn })),
      ).rejects.toThrow(/does not exist/i);
    },
  );
});

// ------------------------------------------------------------------ seeded malformed traffic

type Malformed =
  | {
      kind: 'request';
      port: PortName;
      method: string;
      path: string;
      headers: Record<string, string>;
      body: string | Buffer;
    }
  | { kind: 'cut-off'; port: PortName; head: string; partial: string };

const TARGETS: Record<PortName, string[]> = {
  api: [''],
  lambda: [''],
  console: [''],
  sfn: [
    'AWSStepFunctions.StartExecution',
    'AWSStepFunctions.DescribeExecution',
    'AWSStepFunctions.GetExecutionHistory',
    'AWSStepFunctions.ListExecutions',
    'AWSStepFunctions.StopExecution',
    'AWSStepFunctions.CreateStateMachine',
    'AWSStepFunctions.constructor',
  ],
  dynamodb: [
    'DynamoDB_20120810.PutItem',
    'DynamoDB_20120810.UpdateItem',
    'DynamoDB_20120810.Query',
    'DynamoDB_20120810.Scan',
    'DynamoDB_20120810.BatchWriteItem',
    'DynamoDB_20120810.DeleteTable',
    'DynamoDB_20120810.__proto__',
  ],
};

const PATHS: Record<PortName, string[]> = {
  api: ['/', '/trips', '/trips/x', '/trips/%E0%A4%A', '/?tripID=&runType=%00', '/trips/../../etc'],
  lambda: [
    '/2015-03-31/functions/ReserveHotelFunction/invocations',
    '/2015-03-31/functions/%ZZ/invocations',
    '/2015-03-31/functions/',
    '/2015-03-31/functions/constructor',
  ],
  sfn: ['/'],
  dynamodb: ['/'],
  console: ['/api/start', '/api/execution?arn=%ZZ', '/api/execution?arn=x', '/app.js', '/'],
};

const deepJson = (random: Random) => {
  const depth = 1000 + random.integer(9000);
  return random.next() < 0.5
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"M":'.repeat(depth)}{"S":"x"}${'}'.repeat(depth)}`;
};

const randomBytes = (random: Random, size: number) =>
  Buffer.from(Array.from({ length: size }, () => random.integer(256)));

/** A body meant to reach deep into the port's code: almost right, but wrong somewhere. */
const bodyFor = (random: Random, port: PortName): string | Buffer => {
  const tripDocument = JSON.stringify({ ...trip, trip_id: `fuzz-${random.integer(1e9)}` });
  const choices: (() => string | Buffer)[] = [
    () => randomBytes(random, random.integer(600)),
    () => tripDocument.slice(0, random.integer(tripDocument.length)),
    () => deepJson(random),
    () =>
      JSON.stringify({ input: deepJson(random), stateMachineArn: platform.stack.stateMachineArn }),
    () =>
      `{"TableName":"${platform.stack.tableName}","Item":{"pk":{"S":"fuzz"},"sk":{"S":"x"},"v":${deepJson(random)}}}`,
    () =>
      JSON.stringify({
        TableName: platform.stack.tableName,
        KeyConditionExpression: `${'('.repeat(5 + random.integer(30))}pk = :p`,
        FilterExpression: 'x'.repeat(random.integer(8000)),
      }),
    () =>
      JSON.stringify({
        executionArn: `${platform.stack.stateMachineArn}${'\u0000'.repeat(random.integer(3))}`,
        maxResults: random.pick([-1, 0, 1e9, 'x', null]),
        nextToken: randomBytes(random, 20).toString('latin1'),
      }),
    () => Buffer.concat([Buffer.from(tripDocument.slice(0, 40)), Buffer.from([0xff, 0xc3, 0x28])]),
    () => `${tripDocument}${' '.repeat(random.integer(300_000))}`,
    () => JSON.stringify({ run_type: { __proto__: 1 }, trip_id: ['x'] }),
  ];
  void port;
  return random.pick(choices)();
};

const malformedTraffic = (seed: number, count: number): Malformed[] => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (): Malformed => {
    const port = random.pick(PORTS);
    const target = random.pick(TARGETS[port]);
    const path = random.pick(PATHS[port]);
    const headers: Record<string, string> = {
      host: hostOf(port),
      'content-type': random.pick([
        'application/x-amz-json-1.0',
        'application/json',
        'text/plain',
        'application/octet-stream',
        '',
      ]),
      ...(target ? { 'x-amz-target': target } : {}),
      ...(port === 'dynamodb' ? DYNAMODB_AUTH : {}),
      ...(random.next() < 0.1
        ? { 'x-amz-invocation-type': random.pick(['Event', 'DryRun', 'x']) }
        : {}),
    };
    const body = bodyFor(random, port);
    if (random.next() < 0.2) {
      const text = Buffer.from(body).toString('latin1');
      const head = [
        `POST ${path} HTTP/1.1`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        `content-length: ${text.length + 1 + random.integer(1000)}`,
        '',
        '',
      ].join('\r\n');
      return { kind: 'cut-off', port, head, partial: text.slice(0, random.integer(text.length)) };
    }
    return {
      kind: 'request',
      port,
      method: random.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'OPTIONS']),
      path,
      headers,
      body,
    };
  });
};

describe('seeded malformed traffic to all five ports', () => {
  it('gets an answer for every request, then every port still answers and nothing booked is lost', async () => {
    // Prepare
    const traffic = malformedTraffic(SEED, 400);
    expect(new Set(traffic.map((request) => request.port))).toEqual(new Set(PORTS));

    // Act
    const statuses = await mapConcurrently(traffic, 8, async (request) => {
      if (request.kind === 'cut-off') {
        await cutOffRequest(endpoint(request.port), request.head, request.partial);
        return 'cut off';
      }
      const answer = await rawRequest(`${endpoint(request.port)}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.method === 'GET' ? {} : { body: request.body }),
      });
      return answer.status;
    });

    // Assess: an answer of its own for each (no 5xx but from a function that failed), and the
    // platform whole after them
    const serverErrors = traffic.filter(
      (request, index) =>
        typeof statuses[index] === 'number' &&
        (statuses[index] as number) >= 500 &&
        !(request.kind === 'request' && request.port === 'api'),
    );
    expect(serverErrors.map((request) => `${request.port} ${request.kind}`)).toEqual([]);
    await stillServing();
  });
});
