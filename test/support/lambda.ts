/** Calling handlers in-process as Lambda calls them: with an event and a context. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { PROJECT_ROOT } from '../../local/template/template.ts';

export const lambdaContext = (functionName = 'test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A handler as middy exports it: (event, context) => Promise<result>. */
export type Handler<E = unknown, R = unknown> = (event: E, context: Context) => Promise<R>;

export const invoke = <E, R>(handler: Handler<E, R>, event: E): Promise<R> =>
  handler(event, lambdaContext());

/** Runs the handler and returns the error it threw (the test fails if it did not throw). */
export const invokeFailing = async <E>(handler: Handler<E>, event: E): Promise<Error> => {
  try {
    await invoke(handler, event);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('The handler succeeded; it was expected to fail');
};

export const readEvent = <T = Record<string, unknown>>(path: string): T =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', path), 'utf8')) as T;
