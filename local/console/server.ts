/**
 * The local console: a web page served by `npm start` that draws the state machine from its ASL,
 * lists the executions as they happen, and shows the selected one's path on the graph, its
 * history and the trip's items in the table. It reads everything through the same APIs a client
 * would use (Step Functions, DynamoDB, the HTTP API), so it works as well against Step Functions
 * Local or DynamoDB Local. Everything it serves is built here: no CDN, no network.
 *
 *   GET  /                     the page
 *   GET  /app.js, /console.css its script (bundled from app.ts on first use) and styles
 *   GET  /api/graph            the state machine, laid out
 *   GET  /api/executions       the executions, newest first, each with its booking's run type
 *   GET  /api/execution?arn=   one execution: description, path, history, the trip's items
 *   POST /api/bookings         { run_type?, trip_id? }: starts a booking through the HTTP API,
 *                              with the page's Authorization header (the production profile)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { build, stop as stopEsbuild } from 'esbuild';
import { ClientError } from '../../functions/commons/client-error.ts';
import { REFERENCE_TRIP, RUN_TYPES, TripSchema } from '../../functions/commons/trip.ts';
import { MAX_BODY_BYTES, tripDocumentOf } from '../../functions/commons/trip-document.ts';
import { queryTripItems, type TableItem } from '../../functions/commons/trip-items.ts';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { detailsField } from '../aws/history-events.ts';
import { readHistory } from '../aws/read-history.ts';
import { BodyTooLarge, type Listening, listen, readBody, sendJson } from '../http/http-server.ts';
import { offThread } from '../http/off-thread.ts';
import type { Definition } from '../template/asl.ts';
import { graphOf } from './graph.ts';
import { pathOf } from './path.ts';
import type {
  ExecutionResponse,
  ExecutionsResponse,
  Graph,
  GraphResponse,
  Layout,
} from './shapes.ts';

const HERE = import.meta.dirname;

export interface ConsoleOptions {
  host: string;
  port: number;
  region: string;
  /** The state machine's definition (its substitutions resolved or not: only its shape is read). */
  definition: Definition;
  stateMachineArn: string;
  tableName: string;
  endpoints: { api: string; sfn: string; dynamodb: string };
  /** The run types the API takes: none when failure injection is off. Default: all. */
  runTypes?: readonly string[];
  /** The API's routes need a token: the page asks for one and sends it. */
  signIn?: boolean;
  /** Host names the page answers to besides the loopback ones. */
  allowedHosts?: readonly string[];
}

/**
 * The page's script, bundled once, in memory, on first use (esbuild runs in a process of its
 * own: nothing here waits on this thread). If that process has died, the bundle is tried once
 * more with a new one.
 */
let script: Promise<string> | undefined;
const bundleScript = () => {
  const bundle = () =>
    build({
      entryPoints: [join(HERE, 'app.ts')],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'error',
    }).then((result) => result.outputFiles[0]?.text ?? '');
  script ??= bundle().catch(async () => {
    await stopEsbuild();
    return bundle();
  });
  // A failure is not kept: the next request tries again.
  script.catch(() => {
    script = undefined;
  });
  return script;
};

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
};

/** A short history event for the page: its id, type, time, state, and error if any. */
const summary = (event: HistoryEvent) => {
  const details = Reflect.get(event, detailsField(event.type ?? '')) as
    | { name?: string; error?: string; cause?: string }
    | undefined;
  return {
    id: event.id,
    type: event.type,
    timestamp: event.timestamp?.toISOString(),
    ...(details?.name ? { state: details.name } : {}),
    ...(details?.error ? { error: details.error } : {}),
    ...(details?.cause ? { cause: details.cause } : {}),
  };
};

/**
 * The trip id and run type an execution's input names. A trip document without a run type has
 * the schema's default (a saga started with the AWS CLI, say); other input, only what it says.
 */
const tripOf = (input: string | undefined): { tripId?: string; runType?: string } => {
  let parsed: { trip_id?: unknown; run_type?: unknown } | null;
  try {
    parsed = JSON.parse(input ?? '') as typeof parsed;
  } catch {
    return {};
  }
  const trip = TripSchema.safeParse(parsed);
  const runType = trip.success ? trip.data.run_type : parsed?.run_type;
  return {
    ...(typeof parsed?.trip_id === 'string' ? { tripId: parsed.trip_id } : {}),
    ...(typeof runType === 'string' ? { runType } : {}),
  };
};

/** An item as the page shows it: each attribute as text (the saga's own are all strings). */
const asText = (item: TableItem): Record<string, string> =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );

export const startConsole = async (options: ConsoleOptions): Promise<Listening> => {
  const clientConfig = { region: options.region, credentials: LOCAL_CREDENTIALS };
  const sfn = new SFNClient({ ...clientConfig, endpoint: options.endpoints.sfn });
  const dynamodb = new DynamoDBClient({ ...clientConfig, endpoint: options.endpoints.dynamodb });
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const graph: Graph = graphOf(options.definition);
  // Laid out on first use, in the checking thread: elkjs computes for some hundreds of ms,
  // which on this thread would hold every port's requests up.
  let layout: Promise<Layout> | undefined;

  const execution = async (executionArn: string): Promise<ExecutionResponse> => {
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await readHistory(sfn, executionArn);
    const { tripId, runType } = tripOf(description.input);
    return {
      execution: {
        executionArn,
        name: description.name,
        status: description.status,
        startDate: description.startDate?.toISOString(),
        stopDate: description.stopDate?.toISOString(),
        ...(description.error ? { error: description.error } : {}),
        ...(description.cause ? { cause: description.cause } : {}),
        tripId,
        runType,
      },
      path: pathOf(graph, events),
      events: events.map(summary),
      items: tripId ? (await queryTripItems(documents, options.tableName, tripId)).map(asText) : [],
    };
  };

  // ListExecutions does not give the input: each execution's run type is read once, with
  // DescribeExecution, and kept while the execution is listed (an input never changes).
  let runTypeByArn = new Map<string, string | undefined>();
  const runTypesOf = async (arns: string[]) => {
    const known = new Map<string, string | undefined>();
    await Promise.all(
      arns.map(async (executionArn) => {
        if (runTypeByArn.has(executionArn)) {
          known.set(executionArn, runTypeByArn.get(executionArn));
          return;
        }
        try {
          const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          known.set(executionArn, tripOf(input).runType);
        } catch {
          // Gone between the list and the description (past retention): shown without one.
        }
      }),
    );
    runTypeByArn = known;
    return known;
  };

  const runTypes = options.runTypes ?? RUN_TYPES;
  /**
   * The page's `{ run_type?, trip_id?, ... }` on the reference's trip, booked through `POST
   * /trips`: the body refused as that route refuses it (its media type, size, UTF-8, one JSON
   * object: tripDocumentOf), every field checked by the API itself. A blank trip id asks for a
   * fresh one; no run type, the first offered.
   */
  const startBooking = async (
    body: Buffer,
    contentType: string | undefined,
    authorization: string | undefined,
  ): Promise<{ status: number; body: unknown }> => {
    let request: Record<string, unknown>;
    try {
      request = tripDocumentOf(contentType, body);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const errors = error.errors.length > 0 ? { errors: error.errors } : {};
      return { status: error.statusCode, body: { message: error.message, ...errors } };
    }
    const { trip_id: tripId, run_type: runType = runTypes[0], ...rest } = request;
    const blank = typeof tripId === 'string' && tripId.trim() === '';
    // Through the real API: the same validation, the same StartBookingFunction.
    try {
      const response = await fetch(`${options.endpoints.api}/trips`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({
          trip_id: tripId === undefined || blank ? randomUUID() : tripId,
          ...REFERENCE_TRIP,
          ...rest,
          ...(runType === undefined ? {} : { run_type: runType }),
        }),
      });
      const text = await response.text();
      let answer: unknown = { message: text };
      try {
        answer = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's page, say): passed on as the message.
      }
      return { status: response.status, body: answer };
    } catch (error) {
      // The API did not answer at all: the console is a gateway to it, and says so.
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      return { status: 502, body: { message: `The HTTP API did not answer: ${reason}` } };
    }
  };

  const server = await listen(
    'Console',
    async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://console');
      const page = STATIC[url.pathname];
      if (request.method === 'GET' && page) {
        const text = readFileSync(join(HERE, page.file), 'utf8');
        // No other site may frame the page (a framed console could be clicked into booking).
        const noFraming = {
          'x-frame-options': 'DENY',
          'content-security-policy': "frame-ancestors 'none'",
        };
        sendJson(response, 200, text, { 'cache-control': 'no-store', ...noFraming }, page.type);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/app.js') {
        sendJson(response, 200, await bundleScript(), {}, 'text/javascript; charset=utf-8');
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/graph') {
        layout ??= offThread<Layout>(new URL('./graph.ts', import.meta.url), 'layoutGraph', graph);
        // A failure is not kept: the next request lays it out again.
        layout.catch(() => {
          layout = undefined;
        });
        const body: GraphResponse = {
          stateMachineArn: options.stateMachineArn,
          layout: await layout,
          runTypes,
          signIn: options.signIn ?? false,
        };
        sendJson(response, 200, body);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/executions') {
        const { executions = [] } = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn: options.stateMachineArn, maxResults: 100 }),
        );
        const newestFirst = [...executions].sort(
          (a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0),
        );
        const runTypeOf = await runTypesOf(newestFirst.map((item) => item.executionArn ?? ''));
        const body: ExecutionsResponse = {
          executions: newestFirst.map((item) => ({
            executionArn: item.executionArn,
            name: item.name,
            status: item.status,
            startDate: item.startDate?.toISOString(),
            stopDate: item.stopDate?.toISOString(),
            runType: runTypeOf.get(item.executionArn ?? ''),
          })),
        };
        sendJson(response, 200, body);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/execution') {
        const arn = url.searchParams.get('arn');
        if (!arn) {
          sendJson(response, 400, { message: 'Give the execution ARN as ?arn=' });
          return;
        }
        try {
          sendJson(response, 200, await execution(arn));
        } catch (error) {
          const name = error instanceof Error ? error.name : '';
          if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') {
            sendJson(response, 404, { message: `No execution ${arn}` });
            return;
          }
          throw error;
        }
        return;
      }
      if (request.method === 'POST' && url.pathname === '/api/bookings') {
        let body: Buffer;
        try {
          body = await readBody(request, MAX_BODY_BYTES + 1);
        } catch (error) {
          if (!(error instanceof BodyTooLarge)) throw error;
          // Its size is all tripDocumentOf needs to refuse it as the API does.
          body = Buffer.alloc(MAX_BODY_BYTES + 1);
        }
        const result = await startBooking(
          body,
          request.headers['content-type'],
          request.headers.authorization,
        );
        sendJson(response, result.status, result.body);
        return;
      }
      sendJson(response, 404, { message: `No ${request.method} ${url.pathname} here` });
    },
    options.port,
    options.host,
    { linkable: true, ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) },
  );
  return {
    ...server,
    close: async () => {
      await server.close();
      sfn.destroy();
      dynamodb.destroy();
    },
  };
};
