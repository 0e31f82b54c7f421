/**
 * The Lambda API the SDKs and the AWS CLI use to invoke functions, as `sam local start-lambda`
 * serves it: POST /2015-03-31/functions/<name or ARN>/invocations, plus ListFunctions and
 * GetFunction. A function's failure comes back as Lambda sends it: status 200,
 * `X-Amz-Function-Error: Unhandled`, and `{ errorType, errorMessage, trace }` as the body.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from '../http/http-server.ts';
import { nestsTooDeep } from '../http/nesting.ts';
import type { LocalFunction, LocalLambda } from './lambda-runtime.ts';

/**
 * Invoke's payload limits (Lambda API reference, Invoke): 6 MB for a synchronous invocation,
 * 1 MB for an asynchronous one (InvocationType Event).
 */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/**
 * How deep a payload may nest: the offline platform's own limit (Lambda documents none).
 * JSON.parse takes some 100 ms per MB of deep nesting, in a thread the functions share, and
 * code that recurses over the event (JSON.stringify, validators) overflows its stack a few
 * thousand levels down. 2,000 levels is far deeper than any event AWS sends, and deeper than the
 * events EventBridge passes on (1,000).
 */
export const MAX_PAYLOAD_NESTING = 2000;

const serviceError = (response: ServerResponse, status: number, type: string, message: string) =>
  sendJson(response, status, { Type: 'User', message }, { 'x-amzn-errortype': type });

const configuration = (fn: LocalFunction) => ({
  FunctionName: fn.config.name,
  FunctionArn: fn.config.arn,
  Runtime: 'nodejs24.x',
  Architectures: ['arm64'],
  Handler: `${fn.config.bundle
    .split('/')
    .at(-1)
    ?.replace(/\.[mc]?js$/, '')}.${fn.config.handlerExport}`,
  MemorySize: fn.config.memorySize,
  Timeout: fn.config.timeoutSeconds,
  Version: '$LATEST',
  PackageType: 'Zip',
  State: 'Active',
});

/** A path segment decoded; one that is not valid percent-encoding names no function as it is. */
const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

export const lambdaApi =
  (lambda: LocalLambda) => async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/2015-03-31\/functions\/?([^/]*)(\/invocations)?\/?$/.exec(url.pathname);
    if (!match) {
      return serviceError(
        response,
        404,
        'UnknownOperationException',
        `No such operation: ${request.method} ${url.pathname}`,
      );
    }
    const name = decoded(match[1] ?? '');
    const invocation = match[2] !== undefined;

    if (request.method === 'GET' && name === '' && !invocation) {
      return sendJson(response, 200, { Functions: lambda.functions.map(configuration) });
    }
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    // An ARN in another region or account names another function, whatever its name.
    const arnAt = /^arn:aws[\w-]*:lambda:([\w-]+):(\d{12}):/.exec(name);
    const elsewhere =
      arnAt !== null && (arnAt[1] !== lambda.region || arnAt[2] !== lambda.accountId);
    const fn = elsewhere ? undefined : lambda.find(name, qualifier);
    if (!fn) {
      const arn = name.startsWith('arn:')
        ? name
        : `arn:aws:lambda:${lambda.region}:${lambda.accountId}:function:${name}`;
      const qualified = qualifier === undefined ? arn : `${arn}:${qualifier}`;
      return serviceError(
        response,
        404,
        'ResourceNotFoundException',
        `Function not found: ${qualified}`,
      );
    }
    if (request.method === 'GET' && !invocation) {
      return sendJson(response, 200, { Configuration: configuration(fn) });
    }
    if (request.method !== 'POST' || !invocation) {
      return serviceError(
        response,
        404,
        'UnknownOperationException',
        `No such operation: ${request.method} ${url.pathname}`,
      );
    }

    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(invocationType)) {
      return serviceError(
        response,
        400,
        'InvalidParameterValueException',
        `Unsupported invocation type: ${invocationType}`,
      );
    }
    const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    let raw: Buffer;
    try {
      raw = await readBody(request, limit);
    } catch (caught) {
      if (caught instanceof BodyTooLarge) {
        return serviceError(
          response,
          413,
          'RequestTooLargeException',
          `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
        );
      }
      throw caught;
    }
    // The payload goes to the functions' thread as the bytes that came: nothing of it is parsed
    // or decoded here. Its encoding is checked, its depth measured (off this thread when large);
    // its syntax is checked where it is parsed, and a payload that is not JSON runs nothing.
    let eventJson: Uint8Array | string = '{}';
    if (raw.length > 0) {
      if (!isUtf8(raw)) return invalidContent(response, 'the payload is not UTF-8');
      if (await nestsTooDeep(raw, MAX_PAYLOAD_NESTING)) {
        return invalidContent(
          response,
          `the payload nests deeper than ${MAX_PAYLOAD_NESTING} levels, the most the offline platform passes to a function`,
        );
      }
      eventJson = raw;
    }

    if (invocationType !== 'RequestResponse') {
      // Lambda refuses a payload that is not JSON before it queues or skips the invocation:
      // checked here, at most 1 MB and bounded in depth.
      try {
        JSON.parse(raw.length > 0 ? raw.toString('utf8') : '{}');
      } catch (caught) {
        return invalidContent(response, (caught as Error).message);
      }
      if (invocationType === 'DryRun') return sendJson(response, 204, undefined);
      void fn.invokeJson(eventJson);
      return sendJson(response, 202, undefined);
    }
    const result = await fn.invokeJson(eventJson);
    if ('invalidEvent' in result) return invalidContent(response, result.invalidEvent);
    const headers = { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': result.requestId };
    if (result.ok) return sendJson(response, 200, result.payloadJson, headers);
    return sendJson(response, 200, result.error, {
      ...headers,
      'x-amz-function-error': 'Unhandled',
    });
  };

const invalidContent = (response: ServerResponse, problem: string) =>
  serviceError(
    response,
    400,
    'InvalidRequestContentException',
    `Could not parse request body into json: ${problem}`,
  );
