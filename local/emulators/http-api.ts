/**
 * The template's APIs, as `sam local start-api` serves them on one port: its HTTP API (HttpApi
 * events, payload format 2.0 unless an event says 1.0) and its REST API (Api events, the proxy
 * integration's format 1.0). Each request is routed as API Gateway routes it (an exact route
 * before a greedy `{proxy+}`), sent to its function in its route's format, and the function's
 * answer sent back. A request
 * no route takes gets 404; a function that fails gets 500, as API Gateway answers them. A route
 * behind the API's JWT authorizer (the production profile) needs a token the local issuer
 * signed (api-auth.ts), else 401; its function sees the token's claims, as on AWS.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { BodyTooLarge, readBody, sendJson } from '../http/http-server.ts';
import type { Resolve } from '../template/resolve.ts';
import { type FunctionDefinition, functionsOf, type Template } from '../template/template.ts';
import {
  type Claims,
  JWKS_PATH,
  type JwtAuthorizer,
  type LocalIssuer,
  routeAccessOf,
} from './api-auth.ts';
import type { LocalFunction, LocalLambda } from './lambda-runtime.ts';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface Route {
  method: string;
  path: string;
  functionName: string;
  authorizer?: JwtAuthorizer;
  /** The proxy integration's payload format 1.0 (a REST API's, or an HttpApi event's choice); else 2.0. */
  payloadFormat?: '1.0';
  /** A REST API's route (an Api event): its errors are 502, an HTTP API's 500. */
  rest?: true;
}

/**
 * The routes of every HttpApi event in the template. With `resolve` (the template's parameters),
 * as the API's DefinitionBody has them for those parameters: a route it drops is gone, a route
 * it puts behind an authorizer carries it.
 */
export const routesOf = (template: Template, resolve?: Resolve): Route[] => {
  const access = resolve ? routeAccessOf(template, resolve) : () => ({});
  return functionsOf(template).flatMap((fn: FunctionDefinition) =>
    Object.values(
      (fn.properties.Events ?? {}) as Record<
        string,
        {
          Type: string;
          Properties?: {
            Method?: string;
            Path?: string;
            ApiId?: { Ref?: string };
            PayloadFormatVersion?: string;
          };
        }
      >,
    ).flatMap((event): Route[] => {
      const method = (event.Properties?.Method ?? 'ANY').toUpperCase();
      if (event.Type === 'Api') {
        const path = event.Properties?.Path ?? '/';
        return [{ method, path, functionName: fn.logicalId, payloadFormat: '1.0', rest: true }];
      }
      if (event.Type !== 'HttpApi') return [];
      const path = event.Properties?.Path ?? '$default';
      const found = access(event.Properties?.ApiId?.Ref, method, path);
      if (found === 'absent') return [];
      const v1 = event.Properties?.PayloadFormatVersion === '1.0';
      return [
        {
          method,
          path,
          functionName: fn.logicalId,
          ...found,
          ...(v1 ? { payloadFormat: '1.0' } : {}),
        },
      ];
    }),
  );
};

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
  greedy: boolean;
  literals: number;
}

const compile = (route: Route): CompiledRoute => {
  const names: string[] = [];
  let greedy = false;
  let literals = 0;
  const segments = route.path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      const variable = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!variable) {
        literals++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(variable[1] ?? '');
      if (variable[2]) {
        greedy = true;
        return '(.+)';
      }
      return '([^/]+)';
    });
  return { ...route, names, greedy, literals, pattern: new RegExp(`^/${segments.join('/')}/?$`) };
};

/** A path segment decoded; one that is not valid percent-encoding is passed on as it came. */
const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** API Gateway's choice: a full match (most literal segments first), then a greedy one. */
export const matchRoute = (routes: Route[], method: string, path: string) => {
  const compiled = routes.filter((route) => route.path !== '$default').map(compile);
  const candidates = compiled
    .filter((route) => route.method === method || route.method === 'ANY')
    .map((route) => ({ route, match: route.pattern.exec(path) }))
    .filter((candidate) => candidate.match !== null)
    .sort(
      (a, b) =>
        Number(a.route.greedy) - Number(b.route.greedy) ||
        b.route.literals - a.route.literals ||
        Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY'),
    );
  const best =
    candidates[0] ??
    routes
      .filter((route) => route.path === '$default')
      .map((route) => ({ route: compile(route), match: [] as string[] }))[0];
  if (!best) return undefined;
  const parameters = Object.fromEntries(
    best.route.names.map((name, index) => [name, decoded(best.match?.[index + 1] ?? '')]),
  );
  return { route: best.route, parameters };
};

const TEXTUAL =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|[^;]*\+json|[^;]*\+xml)/i;

const clockTime = (date: Date) => {
  const [weekday, day, month, year, time] = date.toUTCString().replace(',', '').split(' ');
  void weekday;
  return `${day}/${month}/${year}:${time} +0000`;
};

const toEvent = (
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  route: Route,
  pathParameters: Record<string, string>,
  claims: Claims | undefined,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-for'] ??= request.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  // A Map, so that a parameter named `__proto__` or `constructor` is a parameter like any other.
  const query = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    const earlier = query.get(name);
    query.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  const cookies = request.headers.cookie?.split(';').map((cookie) => cookie.trim());
  // Bytes that are not UTF-8 cannot travel as a string: base64, so the function sees them as sent.
  const textual =
    body.length === 0 ||
    (TEXTUAL.test(headers['content-type'] ?? 'application/json') && isUtf8(body));
  const now = new Date();
  const routeKey = route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query.size > 0 ? { queryStringParameters: Object.fromEntries(query) } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      stage: '$default',
      time: clockTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  };
};

/**
 * The event of payload format 1.0, as a REST API's proxy integration sends it: every header and
 * query parameter both as its last value and as the list of its values, null for what is absent.
 */
const toEventV1 = (
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  route: Route,
  pathParameters: Record<string, string>,
): APIGatewayProxyEvent => {
  const multiValueHeaders: Record<string, string[]> = {};
  for (let at = 0; at < request.rawHeaders.length; at += 2) {
    const name = request.rawHeaders[at] ?? '';
    multiValueHeaders[name] = [
      ...(multiValueHeaders[name] ?? []),
      request.rawHeaders[at + 1] ?? '',
    ];
  }
  const multiValueQuery = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    multiValueQuery.set(name, [...(multiValueQuery.get(name) ?? []), value]);
  }
  const last = (values: string[]) => values.at(-1) ?? '';
  const headers = Object.fromEntries(
    Object.entries(multiValueHeaders).map(([name, values]) => [name, last(values)]),
  );
  const contentType = request.headers['content-type'] ?? 'application/json';
  const textual = body.length === 0 || (TEXTUAL.test(contentType) && isUtf8(body));
  const sourceIp = request.socket.remoteAddress ?? '127.0.0.1';
  const now = new Date();
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters:
      multiValueQuery.size > 0
        ? Object.fromEntries([...multiValueQuery].map(([name, values]) => [name, last(values)]))
        : null,
    multiValueQueryStringParameters:
      multiValueQuery.size > 0 ? Object.fromEntries(multiValueQuery) : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: null,
      domainName: headers.Host ?? headers.host ?? 'localhost',
      extendedRequestId: requestId,
      httpMethod: request.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
      path: `/Prod${url.pathname}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: clockTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.path,
      stage: 'Prod',
    },
    body: body.length > 0 ? body.toString(textual ? 'utf8' : 'base64') : null,
    isBase64Encoded: !textual,
  };
};

/** What API Gateway answers for a function's error or an answer it cannot read. */
const internalError = (response: ServerResponse, route: Route) =>
  route.rest
    ? sendJson(response, 502, { message: 'Internal server error' })
    : sendJson(response, 500, { message: 'Internal Server Error' });

/**
 * Sends a function's answer of payload format 1.0 as the proxy integration does: it must have a
 * statusCode; headers and multiValueHeaders both count.
 */
const respondV1 = (response: ServerResponse, route: Route, payload: unknown) => {
  const result = payload as Partial<APIGatewayProxyResult> | null;
  if (typeof result !== 'object' || result === null || typeof result.statusCode !== 'number') {
    return internalError(response, route);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name.toLowerCase()] = values.map(String);
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode, { ...headers, 'content-length': body.length });
  response.end(body);
};

/** Sends a function's answer as API Gateway does for payload format 2.0. */
const respond = (response: ServerResponse, payload: unknown) => {
  const structured =
    typeof payload === 'object' && payload !== null && 'statusCode' in payload
      ? (payload as APIGatewayProxyStructuredResultV2)
      : undefined;
  if (!structured) {
    // No statusCode: API Gateway answers 200 with the result as JSON.
    return sendJson(response, 200, typeof payload === 'string' ? payload : JSON.stringify(payload));
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(structured.statusCode ?? 200, { ...headers, 'content-length': body.length });
  response.end(body);
};

/** `issuer` verifies the tokens of routes behind an authorizer; without it they all get 401. */
export const httpApi =
  (routes: Route[], lambda: LocalLambda, issuer?: LocalIssuer) =>
  async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (issuer && request.method === 'GET' && url.pathname === JWKS_PATH)
      return sendJson(response, 200, issuer.jwks);
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (caught) {
      if (caught instanceof BodyTooLarge)
        return sendJson(response, 413, { message: 'Request Entity Too Large' });
      throw caught;
    }
    const matched = matchRoute(routes, request.method ?? 'GET', url.pathname);
    const fn: LocalFunction | undefined = matched && lambda.find(matched.route.functionName);
    if (!matched || !fn) return sendJson(response, 404, { message: 'Not Found' });
    const { authorizer } = matched.route;
    const claims = authorizer && (await issuer?.authorize(authorizer, request.headers));
    if (authorizer && !claims)
      return sendJson(response, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    if (matched.route.payloadFormat === '1.0') {
      const result = await fn.invoke(
        toEventV1(request, url, body, matched.route, matched.parameters),
      );
      if (!result.ok) return internalError(response, matched.route);
      return respondV1(response, matched.route, result.payload);
    }
    const result = await fn.invoke(
      toEvent(request, url, body, matched.route, matched.parameters, claims),
    );
    if (!result.ok) return internalError(response, matched.route);
    return respond(response, result.payload);
  };
