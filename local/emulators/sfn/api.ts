/**
 * The Step Functions API over HTTP, as the AWS SDKs and the AWS CLI speak it (AWS JSON 1.0:
 * POST / with `X-Amz-Target: AWSStepFunctions.<Operation>`). Errors come back as AWS sends
 * them: HTTP 400 with `{ "__type": "...#<ErrorName>", "message": ... }`.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody, sendJson } from '../../http/http-server.ts';
import { textNestsDeeperThan } from '../../http/nesting.ts';
import { callerOf } from '../api-calls.ts';
import { StepFunctionsError, type StepFunctionsService } from './service.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/**
 * How deep a request body may nest. Every operation's members are strings, numbers and shallow
 * lists (an execution's input is a string, whatever it holds): 32 levels is far past any
 * request, and the body is measured before it is parsed.
 */
const MAX_REQUEST_NESTING = 32;

/**
 * StartExecution's `input` is JSON text whose length AWS counts "as bytes in UTF-8 encoding"
 * (API reference, StartExecution): bytes that are not UTF-8, or a lone surrogate (`\ud800`,
 * which no UTF-8 can encode), are no such input.
 */
const NOT_UTF8_INPUT = "Invalid State Machine Execution Input: 'the input is not valid UTF-8'";

type Body = Record<string, unknown>;

/** Members each operation cannot do without. */
const REQUIRED: Record<string, string[]> = {
  CreateStateMachine: ['name', 'definition', 'roleArn'],
  DescribeStateMachine: ['stateMachineArn'],
  DeleteStateMachine: ['stateMachineArn'],
  ListStateMachines: [],
  StartExecution: ['stateMachineArn'],
  DescribeExecution: ['executionArn'],
  DescribeStateMachineForExecution: ['executionArn'],
  ListExecutions: ['stateMachineArn'],
  GetExecutionHistory: ['executionArn'],
  StopExecution: ['executionArn'],
};

const operations = (service: StepFunctionsService): Record<string, (body: Body) => unknown> => ({
  CreateStateMachine: (body) => service.createStateMachine(body as never),
  DescribeStateMachine: (body) => service.describeStateMachine(body.stateMachineArn),
  DeleteStateMachine: (body) => service.deleteStateMachine(body.stateMachineArn),
  ListStateMachines: (body) => service.listStateMachines(body),
  StartExecution: (body) => service.startExecution(body),
  DescribeExecution: (body) => service.describeExecution(body.executionArn),
  DescribeStateMachineForExecution: (body) =>
    service.describeStateMachineForExecution(body.executionArn),
  ListExecutions: (body) => service.listExecutions(body),
  GetExecutionHistory: (body) => service.getExecutionHistory(body),
  StopExecution: (body) => service.stopExecution(body),
});

/** Dates go over the wire as epoch seconds, as AWS JSON 1.0 sends timestamps. */
const serialise = (value: unknown) =>
  JSON.stringify(value, function (this: Record<string, unknown>, key, replaced) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : replaced;
  });

const error = (response: ServerResponse, status: number, type: string, message: string) =>
  sendJson(
    response,
    status,
    { __type: `com.amazonaws.swf.service.v2.model#${type}`, message },
    { 'x-amzn-errortype': type },
    CONTENT_TYPE,
  );

export const stepFunctionsApi =
  (service: StepFunctionsService) => async (request: IncomingMessage, response: ServerResponse) => {
    const handlers = operations(service);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.')
      ? target.slice('AWSStepFunctions.'.length)
      : '';
    let raw: Buffer;
    try {
      raw = await readBody(request, MAX_REQUEST_BYTES);
    } catch (caught) {
      if (caught instanceof BodyTooLarge)
        return error(response, 413, 'ValidationException', caught.message);
      throw caught;
    }
    // Own names only: `AWSStepFunctions.constructor` is no operation.
    if (request.method !== 'POST' || !Object.hasOwn(handlers, operation)) {
      return error(
        response,
        400,
        'UnknownOperationException',
        `Unknown operation: ${target || '(no X-Amz-Target)'}`,
      );
    }
    if (textNestsDeeperThan(raw, MAX_REQUEST_NESTING)) {
      return error(
        response,
        400,
        'SerializationException',
        `The request body nests deeper than ${MAX_REQUEST_NESTING} levels, which no ${operation} request does`,
      );
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      return error(response, 400, 'SerializationException', 'The request body is not valid JSON');
    }
    // JSON whose bytes are not all UTF-8: the stray bytes are inside a string, which for
    // StartExecution is the input (or its name) AWS counts in UTF-8.
    if (!isUtf8(raw)) {
      return operation === 'StartExecution'
        ? error(response, 400, 'InvalidExecutionInput', NOT_UTF8_INPUT)
        : error(response, 400, 'SerializationException', 'The request body is not UTF-8');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return error(
        response,
        400,
        'SerializationException',
        'The request body must be a JSON object',
      );
    }
    const missing = (REQUIRED[operation] ?? []).filter(
      (member) => (body as Body)[member] === undefined,
    );
    if (missing.length > 0) {
      return error(
        response,
        400,
        'ValidationException',
        `${missing.length} validation error${missing.length > 1 ? 's' : ''} detected: ${missing
          .map(
            (member) =>
              `Value null at '${member}' failed to satisfy constraint: Member must not be null`,
          )
          .join('; ')}`,
      );
    }
    const { input } = body as Body;
    if (operation === 'StartExecution' && typeof input === 'string' && !input.isWellFormed()) {
      return error(response, 400, 'InvalidExecutionInput', NOT_UTF8_INPUT);
    }
    service.calls.tell(() => ({
      caller: callerOf(request),
      action: `states:${operation}`,
      resource: String((body as Body).executionArn ?? (body as Body).stateMachineArn ?? ''),
    }));
    try {
      const result = handlers[operation]?.(body as Body);
      sendJson(response, 200, serialise(result), {}, CONTENT_TYPE);
    } catch (caught) {
      if (caught instanceof StepFunctionsError)
        return error(response, 400, caught.type, caught.message);
      throw caught;
    }
  };
