/**
 * The public DynamoDB port when DynamoDB Local runs: a Node reverse proxy to the JVM's loopback
 * port, served by the platform's own listen() (local/http/http-server.ts), so this port keeps the
 * rules every local port keeps. It also:
 *
 * - removes every Access-Control-* header DynamoDB Local adds (its CORS default is `*`): no web
 *   page of another origin may read the local table;
 * - maps every client to one database. DynamoDB Local keeps a database per access key and
 *   region; the proxy rewrites the credential scope to its own namespace, so the AWS CLI with
 *   your real credentials, the functions and the console all see the same table, and two
 *   platforms sharing one JVM (the tests) never see each other's;
 * - records each call for the least-privilege check, when asked.
 *
 * Hand-written on node:http: a proxy of whole, small JSON requests to one address needs no more,
 * and a library would still need the header rules above.
 */
import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  BodyTooLarge,
  type Listening,
  listen,
  readBody,
  sendJson,
} from '../../http/http-server.ts';
import { ApiCalls, dynamodbCallOf } from '../api-calls.ts';
import {
  checkDynamoDbBody,
  DYNAMODB_SERIALIZATION,
  DYNAMODB_VALIDATION,
  operationOf,
} from '../dynamodb-body.ts';

/** DynamoDB's largest request (a BatchWriteItem of 25 items of 400 KB, with its JSON). */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** The region every namespace lives in: the database is the same whatever the client's region. */
const NAMESPACE_REGION = 'us-east-1';

/** Headers that belong to one connection, not to the request or response they came with. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
]);

const forwardedRequestHeaders = (headers: IncomingHttpHeaders, namespace: string) => {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) forwarded[name] = value;
  }
  if (typeof forwarded.authorization === 'string') {
    // DynamoDB Local reads the access key and region from here to pick a database, and checks
    // no signature.
    forwarded.authorization = forwarded.authorization.replace(
      /Credential=[^/,\s]*\/(\d{8})\/[^/,\s]*\//,
      `Credential=${namespace}/$1/${NAMESPACE_REGION}/`,
    );
  }
  return forwarded;
};

const returnedHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) =>
        !name.startsWith('access-control-') && (name === 'content-length' || !HOP_BY_HOP.has(name)),
    ),
  );

const dynamodbError = (type: string, message: string) => ({
  __type: `com.amazonaws.dynamodb.v20120810#${type}`,
  message,
});

export interface DynamoDBProxyOptions {
  /** The JVM's loopback endpoint. */
  target: string;
  port: number;
  host: string;
  /** Letters and digits: the database every client of this proxy uses. */
  namespace: string;
  /** Host names the port answers to besides the loopback ones (listen()'s guard). */
  allowedHosts?: readonly string[] | undefined;
}

/** How long a request waits for DynamoDB Local to be back (a restart) before it gets 503. */
const HOLD_MS = 60_000;
const RETRY_AFTER_SECONDS = '5';

export interface DynamoDBProxy extends Listening {
  calls: ApiCalls;
  /** DynamoDB Local is gone for a moment (restarting): requests wait for resume(). */
  hold: () => void;
  /** DynamoDB Local answers at `target` (again): the waiting requests go there. */
  resume: (target: string) => void;
  /** DynamoDB Local is gone for good: every request gets 503 with this message. */
  refuse: (message: string) => void;
}

const unavailable = (response: ServerResponse, message: string) =>
  sendJson(
    response,
    503,
    dynamodbError('ServiceUnavailable', message),
    { 'retry-after': RETRY_AFTER_SECONDS },
    'application/x-amz-json-1.0',
  );

export const startDynamoDBProxy = async (options: DynamoDBProxyOptions): Promise<DynamoDBProxy> => {
  if (!/^[A-Za-z0-9]+$/.test(options.namespace)) {
    throw new Error(
      `The DynamoDB namespace must be letters and digits, not "${options.namespace}"`,
    );
  }
  let target = new URL(options.target);
  let refusal: string | undefined;
  /** Set while DynamoDB Local restarts: settles when it answers again (or is gone for good). */
  let back: { promise: Promise<void>; settle: () => void } | undefined;
  /** Waits for a restart under way; false when it did not end in time or ended nowhere. */
  const waitForBack = async (): Promise<boolean> => {
    if (back) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        back.promise,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, HOLD_MS);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    }
    return back === undefined && refusal === undefined;
  };
  // Kept-alive connections to the JVM, closed before Jetty's own idle timeout (30 s) can.
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 10_000 });
  const calls = new ApiCalls();
  const listening = await listen(
    'DynamoDB API',
    async (request, response) => {
      let body: Buffer;
      try {
        body = await readBody(request, MAX_REQUEST_BYTES);
      } catch (caught) {
        if (caught instanceof BodyTooLarge) {
          return sendJson(response, 413, dynamodbError('RequestEntityTooLarge', caught.message));
        }
        // The client went away halfway through its body: there is no one left to answer.
        if (request.destroyed) return;
        throw caught;
      }
      calls.tell(() => dynamodbCallOf(request, body));
      // A body that is not JSON, or JSON nested past any request's shape, is refused as DynamoDB
      // refuses it (400 SerializationException), where DynamoDB Local fails (500 InternalFailure,
      // or an HTML page for a stack overflow). Attributes nested deeper than DynamoDB allows get
      // its ValidationException. A large body is checked off this thread (checkDynamoDbBody).
      const operation = operationOf(request.headers['x-amz-target']);
      const check = await checkDynamoDbBody(body, {
        dynaliteParser: false,
        ...(operation ? { operation } : {}),
      });
      if (check.validation) {
        return sendJson(
          response,
          400,
          // DynamoDB's shape for this error, as the dynalite front answers it too.
          { __type: DYNAMODB_VALIDATION, message: check.validation },
          {},
          'application/x-amz-json-1.0',
        );
      }
      // DynamoDB's API is POST only. DynamoDB answers a GET as a health check; DynamoDB Local
      // fails every other method with a 500.
      if (request.method === 'GET' || request.method === 'HEAD') {
        return sendJson(response, 200, 'healthy: dynamodb (DynamoDB Local)', {}, 'text/plain');
      }
      if (request.method !== 'POST') {
        return sendJson(
          response,
          405,
          'DynamoDB takes POST requests only',
          { allow: 'POST' },
          'text/plain',
        );
      }
      if (check.serialization) {
        return sendJson(
          response,
          400,
          { __type: DYNAMODB_SERIALIZATION, message: check.serialization },
          {},
          'application/x-amz-json-1.0',
        );
      }
      const forward = () =>
        new Promise<IncomingMessage | Error>((done) => {
          const upstreamRequest = httpRequest(
            {
              agent,
              hostname: target.hostname,
              port: target.port,
              method: request.method,
              path: request.url,
              headers: {
                ...forwardedRequestHeaders(request.headers, options.namespace),
                host: target.host,
                'content-length': String(body.length),
              },
            },
            done,
          );
          upstreamRequest.once('error', done);
          upstreamRequest.end(body);
        });
      if (!(await waitForBack())) {
        return unavailable(
          response,
          refusal ?? 'DynamoDB Local is starting again: try again in a few seconds',
        );
      }
      let upstream = await forward();
      // Refused before it reached DynamoDB Local, which has just ended: sent again once it is back.
      if (
        upstream instanceof Error &&
        (upstream as NodeJS.ErrnoException).code === 'ECONNREFUSED'
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (back && (await waitForBack())) upstream = await forward();
      }
      if (refusal) return unavailable(response, refusal);
      if (upstream instanceof Error) {
        // The JVM is gone or refused the connection: a 500, which AWS's SDKs retry.
        return sendJson(
          response,
          500,
          dynamodbError(
            'InternalServerError',
            `DynamoDB Local did not answer: ${upstream.message}`,
          ),
          {},
          'application/x-amz-json-1.0',
        );
      }
      // Whole answers (DynamoDB's are JSON of at most a few MB): one write, no stream plumbing.
      const answer = await readBody(upstream, Number.POSITIVE_INFINITY);
      response.writeHead(upstream.statusCode ?? 500, returnedHeaders(upstream.headers));
      response.end(answer);
    },
    options.port,
    options.host,
    options.allowedHosts ? { allowedHosts: options.allowedHosts } : {},
  );
  return {
    ...listening,
    calls,
    hold: () => {
      if (back) return;
      const { promise, resolve } = Promise.withResolvers<void>();
      back = { promise, settle: resolve };
    },
    resume: (next) => {
      target = new URL(next);
      const held = back;
      back = undefined;
      held?.settle();
    },
    refuse: (message) => {
      refusal = message;
      const held = back;
      back = undefined;
      held?.settle();
    },
    close: async () => {
      await listening.close();
      agent.destroy();
    },
  };
};
