/**
 * HTTP helpers for the API's handlers (API Gateway HTTP API, payload format 2.0): JSON responses,
 * client errors that name the field and the rule, and the wrapper that answers them. Anything
 * unexpected is logged and answered 500 without internals.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ClientError, type FieldError } from '#errors';
import { logger } from '#lambda/logger.ts';

export { badRequest, ClientError, type FieldError } from '#errors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The zod issues of a failed parse, as `{ field, rule }` pairs. */
export const fieldErrors = (
  issues: readonly {
    path: readonly PropertyKey[];
    message: string;
    code?: string;
    keys?: string[];
  }[],
  rename: Record<string, string> = {},
): FieldError[] =>
  issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      // An empty key still needs a name a client can read.
      return issue.keys.map((key) => ({
        field: rename[key] ?? (key || '""'),
        rule: 'is not a known field',
      }));
    }
    const field = issue.path.map(String).join('.');
    return [{ field: rename[field] ?? (field || 'body'), rule: issue.message }];
  });

const answerErrors = {
  onError: (request: { error: unknown; response: HttpResult | null | undefined }) => {
    const { error } = request;
    if (error instanceof ClientError) {
      logger.info('request refused', { statusCode: error.statusCode, errors: error.errors });
      request.response = json(error.statusCode, {
        message: error.message,
        ...(error.errors.length > 0 ? { errors: error.errors } : {}),
      });
      return;
    }
    logger.error('request failed', error instanceof Error ? error : String(error));
    request.response = json(500, { message: 'Internal error' });
  },
};

/** An API handler: logger context, and errors answered as JSON. */
export const httpHandler = (run: (event: HttpEvent) => Promise<HttpResult>) =>
  middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(answerErrors)
    .handler(run);

/**
 * The signed-in customer: the `sub` of the token the API's JWT authorizer verified (production
 * profile), or undefined when the route has no authorizer (the demo, open to anyone). A token
 * the authorizer let through without a subject (no `sub`, or an empty one: API Gateway's JWT
 * authorizer does not require it) names nobody: 401, never the open demo's view of every trip.
 */
export const callerOf = (event: HttpEvent): string | undefined => {
  const { authorizer } = event.requestContext as {
    authorizer?: { jwt?: { claims?: Record<string, unknown> } };
  };
  if (authorizer === undefined) return undefined;
  const sub = authorizer.jwt?.claims?.sub;
  if (typeof sub !== 'string' || sub.trim() === '') throw new ClientError(401, 'Unauthorized');
  return sub;
};

/** The absolute URL of `path` on the API that received `event`. */
export const urlOf = (event: HttpEvent, path: string): string => {
  const protocol = event.headers?.['x-forwarded-proto'] ?? 'https';
  const stage = event.requestContext.stage;
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return `${protocol}://${event.requestContext.domainName}${prefix}${path}`;
};
