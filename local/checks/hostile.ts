/**
 * Hostile traffic against every port of a running platform, seeded: requests that are almost
 * right, mutated in depth (arrays and objects nested up to millions deep), size (up to and past
 * each port's limit), encoding (bytes that are not UTF-8, a BOM, lone surrogates, UTF-16) and
 * syntax, and sent with hostile framing (chunked in one-byte chunks, cut off, dribbled slowly,
 * headers past Node's limit, Content-Length that lies or is not a number, both Content-Length
 * and Transfer-Encoding, pipelined requests, request lines that are not HTTP). Optionally
 * (`runaway`), state machines whose JSONata never ends.
 *
 * Each request's outcome is counted: its status, or a connection closed or reset without one,
 * or no answer at all within ANSWER_MS where one was owed (a request left hanging). What a port
 * must never do is judged by the caller with the steady probe (./probe.ts): stall, or end.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { PlatformEndpoints } from './probe.ts';
import { type Random, seededRandom } from './runs.ts';

/** What the traffic is aimed at: the platform's endpoints and the names it needs to be almost right. */
export interface HostileTarget {
  endpoints: PlatformEndpoints;
  stateMachineArn: string;
  tableName: string;
  /** A function of the platform, to invoke. */
  functionName: string;
  /** An SNS topic and an event bus of the platform. */
  topicArn: string;
  busName: string;
  /** The application's own requests, to mutate: a path and a JSON body each, per port. */
  samples: { port: PortName; method: string; path: string; body?: unknown }[];
}

const PORT_NAMES = ['api', 'lambda', 'sfn', 'dynamodb', 'messaging', 'console'] as const;
export type PortName = (typeof PORT_NAMES)[number];

/** How long a request that is owed an answer may wait for it. */
const ANSWER_MS = 30_000;

export interface HostileOptions {
  durationMs: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Also start state machines whose JSONata recurses without end or runs for long. */
  runaway?: boolean;
  /** Told of each request's outcome as it comes. */
  onOutcome?: (outcome: Outcome) => void;
}

export interface Outcome {
  port: PortName;
  kind: string;
  /** The status, or `closed` / `reset` (no answer, the connection ended), or `unanswered`. */
  result: number | 'closed' | 'reset' | 'unanswered' | 'not owed';
  ms: number;
}

export interface HostileReport {
  seconds: number;
  requests: number;
  /** Per port: how many of each result. */
  results: Record<string, Record<string, number>>;
  /** Requests owed an answer that got none within 30 s (left hanging): must be 0. */
  unanswered: Outcome[];
  /** Answers 500 and above other than a function's own failure on the HTTP API or a 503 asking to come back. */
  serverErrors: Outcome[];
  /** Runaway state machines started (when asked for). */
  runaways: number;
}

const DYNAMODB_AUTH = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

/** What each port speaks: the headers an almost-right request carries, per operation. */
const protocolHeaders = (port: PortName, operation: string): Record<string, string> => {
  switch (port) {
    case 'sfn':
      return {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AWSStepFunctions.${operation}`,
      };
    case 'dynamodb':
      return {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        ...DYNAMODB_AUTH,
      };
    case 'messaging':
      return operation === 'Publish'
        ? { 'content-type': 'application/x-www-form-urlencoded' }
        : { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' };
    default:
      return { 'content-type': 'application/json' };
  }
};

interface Shot {
  port: PortName;
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** The big bodies, built once: every shot that needs one takes it from here. */
const bigBodies = () => {
  const deep = (levels: number) => Buffer.from(`${'['.repeat(levels)}${']'.repeat(levels)}`);
  const flat = (bytes: number) =>
    Buffer.from(
      JSON.stringify({
        items: Array.from({ length: Math.floor(bytes / 40) }, (_, at) => ({ id: at, v: 'xxxxxx' })),
      }),
    );
  return {
    deep6m: deep(3_000_000),
    deep60k: deep(30_000),
    flat1m: flat(1024 * 1024),
    flat6m: flat(6 * 1024 * 1024 - 200),
    flat17m: Buffer.alloc(17 * 1024 * 1024, 0x20),
  };
};
type BigBodies = ReturnType<typeof bigBodies>;

/** The base requests of each port: the application's samples and each protocol's own operations. */
const basesOf = (target: HostileTarget) => {
  const { stateMachineArn, tableName, functionName, topicArn, busName } = target;
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:hostile`;
  return [
    ...target.samples,
    {
      port: 'lambda' as const,
      method: 'POST',
      path: `/2015-03-31/functions/${functionName}/invocations`,
      body: { hello: 'world' },
    },
    ...[
      ['StartExecution', { stateMachineArn, name: 'hostile', input: '{"a":1}' }],
      ['DescribeExecution', { executionArn }],
      ['GetExecutionHistory', { executionArn, maxResults: 5 }],
      ['ListExecutions', { stateMachineArn, maxResults: 5 }],
      ['StopExecution', { executionArn }],
      [
        'CreateStateMachine',
        { name: 'hostile', definition: '{}', roleArn: 'arn:aws:iam::1:role/x' },
      ],
    ].map(([operation, body]) => ({
      port: 'sfn' as const,
      method: 'POST',
      path: '/',
      operation: String(operation),
      body,
    })),
    ...[
      ['PutItem', { TableName: tableName, Item: { pk: { S: 'hostile' }, sk: { S: 'x' } } }],
      [
        'Query',
        {
          TableName: tableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': { S: 'hostile' } },
        },
      ],
      ['GetItem', { TableName: tableName, Key: { pk: { S: 'hostile' }, sk: { S: 'x' } } }],
      [
        'BatchWriteItem',
        {
          RequestItems: {
            [tableName]: [{ PutRequest: { Item: { pk: { S: 'hostile' }, sk: { S: 'y' } } } }],
          },
        },
      ],
    ].map(([operation, body]) => ({
      port: 'dynamodb' as const,
      method: 'POST',
      path: '/',
      operation: String(operation),
      body,
    })),
    {
      port: 'messaging' as const,
      method: 'POST',
      path: '/',
      operation: 'PutEvents',
      body: {
        Entries: [
          { EventBusName: busName, Source: 'hostile', DetailType: 'Hostile', Detail: '{"a":1}' },
        ],
      },
    },
    {
      port: 'messaging' as const,
      method: 'POST',
      path: '/',
      operation: 'Publish',
      body: `Action=Publish&TopicArn=${encodeURIComponent(topicArn)}&Message=hostile`,
    },
  ];
};
type Base = ReturnType<typeof basesOf>[number];

/** The JSON text of a base request, mutated one way or another. */
const mutatedBody = (
  random: Random,
  base: Base,
  big: BigBodies,
): { kind: string; body: Buffer } => {
  const text = typeof base.body === 'string' ? base.body : JSON.stringify(base.body ?? {});
  const deepText = (levels: number, open = '[', close = ']') =>
    `${open.repeat(levels)}${close.repeat(levels)}`;
  const inside = (value: string) =>
    // The value put where the request's first member was: the shape stays almost right.
    text.replace(/:("[^"]*"|\d+|\{[^{}]*\})/, `:${value}`);
  const choices: [string, () => Buffer | string][] = [
    ['deep member', () => inside(deepText(random.pick([100, 1_000, 5_000, 60_000])))],
    [
      'deep object member',
      () => {
        const levels = random.pick([100, 1_200, 20_000]);
        return inside(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
      },
    ],
    ['deep body', () => (random.next() < 0.5 ? big.deep60k : big.deep6m)],
    [
      'deep string input',
      () => inside(JSON.stringify(deepText(random.pick([300, 2_000, 100_000])))),
    ],
    ['large', () => (random.next() < 0.5 ? big.flat1m : big.flat6m)],
    ['past every limit', () => big.flat17m],
    ['long string', () => inside(JSON.stringify('x'.repeat(random.pick([300_000, 1_100_000]))))],
    [
      'wide object',
      () =>
        inside(
          JSON.stringify(
            Object.fromEntries(Array.from({ length: 50_000 }, (_, at) => [`k${at}`, at])),
          ),
        ),
    ],
    [
      'not UTF-8',
      () =>
        Buffer.concat([
          Buffer.from(text.slice(0, text.length >> 1)),
          Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
          Buffer.from(text.slice(text.length >> 1)),
        ]),
    ],
    ['BOM', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['lone surrogate', () => inside('"\\ud800\\udfff\\udc00"')],
    ['UTF-16', () => Buffer.from(text, 'utf16le')],
    ['NUL bytes', () => text.replaceAll('"', '"\u0000')],
    ['cut short', () => text.slice(0, random.integer(text.length))],
    [
      'garbage',
      () => Buffer.from(Array.from({ length: random.integer(2000) }, () => random.integer(256))),
    ],
    [
      'wrong types',
      () => inside(random.pick(['[]', '{}', 'null', '1e999', '-0', 'true', '[[[]]]'])),
    ],
    ['empty', () => ''],
  ];
  const [kind, make] = random.pick(choices);
  const body = make();
  return { kind, body: typeof body === 'string' ? Buffer.from(body) : body };
};

const shotFor = (random: Random, target: HostileTarget, big: BigBodies): Shot => {
  const bases = basesOf(target).filter(
    (base) => base.port !== 'console' || target.endpoints.console,
  );
  const base = random.pick(bases);
  const { kind, body } = mutatedBody(random, base, big);
  const operation = 'operation' in base ? base.operation : '';
  return {
    port: base.port,
    kind,
    method: random.next() < 0.9 ? base.method : random.pick(['GET', 'PUT', 'DELETE', 'PATCH']),
    path: base.path,
    headers: {
      ...protocolHeaders(base.port, operation),
      ...(random.next() < 0.1 ? { 'x-amz-invocation-type': random.pick(['Event', 'DryRun']) } : {}),
    },
    body,
  };
};

const endpointOf = (target: HostileTarget, port: PortName) =>
  new URL((port === 'console' ? target.endpoints.console : target.endpoints[port]) ?? '');

/** Sends a shot as a client library would; its status, or how the connection ended. */
const send = (url: URL, shot: Shot): Promise<Outcome['result']> =>
  new Promise((resolve) => {
    let settled = false;
    const settle = (result: Outcome['result']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      sent.destroy();
      settle('unanswered');
    }, ANSWER_MS);
    const sent = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: shot.method,
        path: shot.path,
        headers: { host: url.host, ...shot.headers, 'content-length': String(shot.body.length) },
        agent: false,
      },
      (response) => {
        response.resume();
        response.on('end', () => settle(response.statusCode ?? 0));
        response.on('error', () => settle(response.statusCode ?? 'reset'));
      },
    );
    sent.on('error', (error: NodeJS.ErrnoException) =>
      // The server answered before the whole body went (413 on its Content-Length): a write
      // error after a response is an answer.
      settle(error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed'),
    );
    sent.end(shot.body);
  });

/**
 * Writes `pieces` on a raw socket (`gapMs` between them), then waits for the first status line,
 * or, when none is owed (`owed` false: the request was cut off), closes after the last piece.
 */
const sendRaw = (
  url: URL,
  pieces: (string | Buffer)[],
  { gapMs = 0, owed = true }: { gapMs?: number; owed?: boolean } = {},
): Promise<Outcome['result']> =>
  new Promise((resolve) => {
    let settled = false;
    let received = '';
    const settle = (result: Outcome['result']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => settle(owed ? 'unanswered' : 'not owed'),
      ANSWER_MS + pieces.length * gapMs,
    );
    const socket = connect(Number(url.port), url.hostname, async () => {
      for (const piece of pieces) {
        if (settled || socket.destroyed) return;
        socket.write(piece);
        if (gapMs > 0) await new Promise((next) => setTimeout(next, gapMs));
      }
      if (!owed) settle('not owed');
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (status) settle(Number(status[1]));
    });
    socket.on('error', () => settle('reset'));
    socket.on('close', () => settle(owed ? 'closed' : 'not owed'));
  });

/** A request with hostile framing, on a raw socket. */
const framedShot = (
  random: Random,
  target: HostileTarget,
): { port: PortName; kind: string; go: () => Promise<Outcome['result']> } => {
  const ports = PORT_NAMES.filter((port) => port !== 'console' || target.endpoints.console);
  const port = random.pick(ports);
  const url = endpointOf(target, port);
  const path = port === 'lambda' ? `/2015-03-31/functions/${target.functionName}/invocations` : '/';
  const host = `Host: ${url.host}\r\n`;
  const head = (extra: string) =>
    `POST ${path} HTTP/1.1\r\n${host}Content-Type: application/json\r\n${extra}\r\n`;
  const body = '{"hello":"world","id":"hostile"}';
  const choices: [string, () => Promise<Outcome['result']>][] = [
    [
      'one-byte chunks',
      () =>
        sendRaw(url, [
          head('Transfer-Encoding: chunked\r\n'),
          ...[...body].map((character) => `1\r\n${character}\r\n`),
          '0\r\n\r\n',
        ]),
    ],
    [
      'huge chunk size',
      () =>
        sendRaw(url, [head('Transfer-Encoding: chunked\r\n'), 'FFFFFFFFFFFF\r\nabc'], {
          owed: false,
        }),
    ],
    ['cut off', () => sendRaw(url, [head('Content-Length: 5000\r\n'), body], { owed: false })],
    [
      'slow body',
      () => sendRaw(url, [head(`Content-Length: ${body.length}\r\n`), ...[...body]], { gapMs: 50 }),
    ],
    [
      'slow headers',
      () => sendRaw(url, [...head(`Content-Length: ${body.length}\r\n`), body], { gapMs: 5 }),
    ],
    [
      'oversized headers',
      () => sendRaw(url, [head(`X-Pad: ${'x'.repeat(40_000)}\r\nContent-Length: 2\r\n`), '{}']),
    ],
    ['Content-Length not a number', () => sendRaw(url, [head('Content-Length: abc\r\n'), body])],
    [
      'Content-Length twice',
      () => sendRaw(url, [head(`Content-Length: 2\r\nContent-Length: ${body.length}\r\n`), body]),
    ],
    [
      'Content-Length and chunked',
      () =>
        sendRaw(url, [head(`Content-Length: 4\r\nTransfer-Encoding: chunked\r\n`), '0\r\n\r\n']),
    ],
    [
      'Content-Length shorter than the body',
      () => sendRaw(url, [head('Content-Length: 3\r\n'), body]),
    ],
    [
      'pipelined',
      () =>
        sendRaw(url, [
          Array.from({ length: 8 }, () => `GET ${path} HTTP/1.1\r\n${host}\r\n`).join(''),
        ]),
    ],
    [
      'not HTTP',
      () => sendRaw(url, ['\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003']),
    ],
    ['unknown method', () => sendRaw(url, [`BREW ${path} HTTP/1.1\r\n${host}\r\n`])],
    ['long URL', () => sendRaw(url, [`GET /${'a'.repeat(100_000)} HTTP/1.1\r\n${host}\r\n`])],
    ['no Host', () => sendRaw(url, [`GET ${path} HTTP/1.1\r\n\r\n`])],
    ['half a request line', () => sendRaw(url, ['GET /tr'], { owed: false })],
  ];
  const [kind, go] = random.pick(choices);
  return { port, kind, go };
};

/** A state machine whose JSONata never ends, or runs long; started once. */
const runawayMachine = async (target: HostileTarget, random: Random, serial: number) => {
  const outputs = [
    '{% ( $f := function($n){ $f($n + 1) }; $f(0) ) %}',
    '{% $count($map([1..1000000], function($v){ $v * 2 })) %}',
  ];
  const definition = {
    QueryLanguage: 'JSONata',
    StartAt: 'Runaway',
    TimeoutSeconds: 5,
    States: { Runaway: { Type: 'Pass', Output: random.pick(outputs), End: true } },
  };
  const call = (operation: string, body: unknown) =>
    fetch(target.endpoints.sfn, {
      method: 'POST',
      headers: protocolHeaders('sfn', operation),
      body: JSON.stringify(body),
    }).then(async (response) => (await response.json()) as Record<string, string>);
  const created = await call('CreateStateMachine', {
    name: `runaway-${serial}`,
    definition: JSON.stringify(definition),
    roleArn: 'arn:aws:iam::123456789012:role/runaway',
  });
  if (!created.stateMachineArn) return;
  await call('StartExecution', { stateMachineArn: created.stateMachineArn, input: '{}' });
};

/** A report of no traffic yet. */
export const emptyHostileReport = (): HostileReport => ({
  seconds: 0,
  requests: 0,
  results: {},
  unanswered: [],
  serverErrors: [],
  runaways: 0,
});

/** Sends hostile traffic for `durationMs` and reports every outcome (see the module's header). */
export const hostileTraffic = async (
  target: HostileTarget,
  { durationMs, seed, concurrency = 6, runaway = false, onOutcome }: HostileOptions,
): Promise<HostileReport> => {
  const random = seededRandom(seed);
  const big = bigBodies();
  const report = emptyHostileReport();
  const record = (outcome: Outcome) => {
    report.requests++;
    const counts = report.results[outcome.port] ?? {};
    report.results[outcome.port] = counts;
    const key = String(outcome.result);
    counts[key] = (counts[key] ?? 0) + 1;
    if (outcome.result === 'unanswered') report.unanswered.push(outcome);
    if (
      typeof outcome.result === 'number' &&
      outcome.result >= 500 &&
      outcome.result !== 503 &&
      !(outcome.port === 'api' && outcome.result === 500)
    )
      report.serverErrors.push(outcome);
    onOutcome?.(outcome);
  };
  const started = performance.now();
  const until = started + durationMs;
  const attacker = async () => {
    while (performance.now() < until) {
      const sentAt = performance.now();
      if (random.next() < 0.3) {
        const framed = framedShot(random, target);
        const result = await framed.go();
        record({ port: framed.port, kind: framed.kind, result, ms: performance.now() - sentAt });
      } else {
        const shot = shotFor(random, target, big);
        const result = await send(endpointOf(target, shot.port), shot);
        record({ port: shot.port, kind: shot.kind, result, ms: performance.now() - sentAt });
      }
    }
  };
  const runaways = async () => {
    while (runaway && performance.now() < until) {
      await runawayMachine(target, random, report.runaways).catch(() => undefined);
      report.runaways++;
      const pause = Math.min(20_000, until - performance.now());
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  await Promise.all([...Array.from({ length: concurrency }, attacker), runaways()]);
  report.seconds = (performance.now() - started) / 1000;
  return report;
};
