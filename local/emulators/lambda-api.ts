/**
 * The Lambda API the SDKs and the AWS CLI use to invoke functions, as `sam local start-lambda`
 * serves it: POST /2015-03-31/functions/<name or ARN>/invocations, plus ListFunctions and
 * GetFunction. A function's failure comes back as Lambda sends it: status 200,
 * `X-Amz-Function-Error: Unhandled`, and `{ errorType, errorMessage, trace }` as the body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from '../http/http-server.ts';
import type { LocalFunction, LocalLambda } from './lambda-runtime.ts';

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

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

    let raw: Buffer;
    try {
      raw = await readBody(request, MAX_PAYLOAD_BYTES);
    } catch (caught) {
      if (caught instanceof BodyTooLarge) {
        return serviceError(
          response,
          413,
          'RequestTooLargeException',
          `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        );
      }
      throw caught;
    }
    let event: unknown = {};
    if (raw.length > 0) {
      try {
        event = JSON.parse(raw.toString('utf8'));
      } catch (caught) {
        return serviceError(
          response,
          400,
          'InvalidRequestContentException',
          `Could not parse request body into json: ${(caught as Error).message}`,
        );
      }
    }

    const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (invocationType === 'DryRun') return sendJson(response, 204, undefined);
    if (invocationType === 'Event') {
      void fn.invoke(event);
      return sendJson(response, 202, undefined);
    }
    if (invocationType !== 'RequestResponse') {
      return serviceError(
        response,
        400,
        'InvalidParameterValueException',
        `Unsupported invocation type: ${invocationType}`,
      );
    }
    const result = await fn.invoke(event);
    const headers = { 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': result.requestId };
    if (result.ok) return sendJson(response, 200, JSON.stringify(result.payload), headers);
    return sendJson(response, 200, result.error, {
      ...headers,
      'x-amz-function-error': 'Unhandled',
    });
  };
