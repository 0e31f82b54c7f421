/**
 * The local console: a web page served by `npm start` that draws a state machine from its ASL,
 * lists its executions as they happen, and shows the selected one's path on the graph and its
 * history. It reads everything through the same APIs a client would use (Step Functions), so it
 * works as well against Step Functions Local. Everything it serves is built here: no CDN, no
 * network. It knows no application: an application adds its own form and what it shows beside
 * an execution through a ConsoleExtension (its plugin, local/plugin.ts).
 *
 *   GET  /                     the page
 *   GET  /app.js, /console.css its script (bundled from app.ts on first use) and styles
 *   GET  /api/graph?arn=       a state machine (default: the first), laid out; the form
 *   GET  /api/executions?arn=  its executions, newest first, each with the application's label
 *   GET  /api/execution?arn=   one execution: description, path, history, the application's details
 *   POST /api/start            the form's values: starts an execution (StartExecution with a
 *                              name and an input, or the application's way), with the page's
 *                              Authorization header when the form asks for a token
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { build, stop as stopEsbuild } from 'esbuild';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { detailsField } from '../aws/history-events.ts';
import { readHistory } from '../aws/read-history.ts';
import { BodyTooLarge, type Listening, listen, readBody, sendJson } from '../http/http-server.ts';
import { textNestsDeeperThan } from '../http/nesting.ts';
import { offThread } from '../http/off-thread.ts';
import type { Definition } from '../template/asl.ts';
import { maskEmailAddresses } from './format.ts';
import { graphOf } from './graph.ts';
import { pathOf } from './path.ts';
import type {
  ExecutionDetails,
  ExecutionResponse,
  ExecutionsResponse,
  Graph,
  GraphResponse,
  Layout,
  StartForm,
  StartResponse,
} from './shapes.ts';

const HERE = import.meta.dirname;

/** What an application adds to the console (its plugin's `console` hook). */
export interface ConsoleExtension {
  /** The page's title. */
  title?: string;
  /** Starts runs its own way, from its own form, instead of the console's StartExecution. */
  start?: {
    form: StartForm;
    /**
     * The form's request as it came (the application checks it as its own API would: media
     * type, UTF-8, nesting, fields); `authorization` the page's header, when the form asks for a
     * token.
     */
    run(request: {
      body: Buffer;
      contentType: string | undefined;
      authorization: string | undefined;
    }): Promise<{ status: number; body: StartResponse }>;
  };
  /** An execution's label in the list, in a word (from its input, which never changes). */
  labelOf?(input: string | undefined): string | undefined;
  /** What to show beside an execution: its subject, and panels of what it wrote or caused. */
  detailsOf?(execution: {
    input: string | undefined;
    status: string | undefined;
  }): Promise<ExecutionDetails>;
  close?(): Promise<void>;
}

export interface ConsoleOptions {
  host: string;
  port: number;
  region: string;
  /** The state machines shown, each with its definition (its substitutions resolved or not: only its shape is read). */
  stateMachines: { arn: string; definition: Definition }[];
  endpoints: { sfn: string };
  /** The page's title when the extension gives none. */
  title: string;
  extension?: ConsoleExtension;
  /** Host names the page answers to besides the loopback ones. */
  allowedHosts?: readonly string[];
  /**
   * The mock configuration's test case an execution ran, if any: Step Functions Local's API does
   * not say (its execution ARN names the state machine alone), the platform that ran it does.
   */
  testCaseOf?: (executionArn: string) => string | undefined;
}

/** The console's own form: an execution's name and its input, as StartExecution takes them. */
const START_EXECUTION: StartForm = {
  button: 'Start execution',
  fields: [
    {
      id: 'execution-name',
      name: 'name',
      label: 'Name',
      placeholder: 'blank: a fresh one',
      maxLength: 80,
    },
    { id: 'execution-input', name: 'input', label: 'Input', placeholder: '{}', multiline: true },
  ],
};

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
    ...(details?.error ? { error: maskEmailAddresses(details.error) } : {}),
    ...(details?.cause ? { cause: maskEmailAddresses(details.cause) } : {}),
  };
};

/** The most a start's body may hold: StartExecution's input (256 KiB) and a name. */
const MAX_START_BYTES = 256 * 1024 + 1024;
/** The console's own form nests one level; anything far deeper is not a form. */
const MAX_FORM_NESTING = 16;
/** Refuses bytes that are not UTF-8 instead of reading U+FFFD in their place. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The values a form sent, by field name (the page sends strings; a client may send anything). */
const formValues = (body: Buffer): Record<string, unknown> | string => {
  let values: unknown;
  try {
    if (textNestsDeeperThan(body, MAX_FORM_NESTING)) return 'The body nests too deep for a form';
    values = JSON.parse(utf8.decode(body));
  } catch {
    return 'The body is not JSON in UTF-8';
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    return 'The body must be a JSON object';
  }
  return values as Record<string, unknown>;
};

export const startConsole = async (options: ConsoleOptions): Promise<Listening> => {
  const { extension } = options;
  const sfn = new SFNClient({
    region: options.region,
    credentials: LOCAL_CREDENTIALS,
    endpoint: options.endpoints.sfn,
  });
  const machines = options.stateMachines.map(({ arn, definition }) => ({
    arn,
    name: arn.slice(arn.lastIndexOf(':') + 1),
    graph: graphOf(definition) as Graph,
    layout: undefined as Promise<Layout> | undefined,
  }));
  /** The machine `arn` names; the first when none is named. */
  const machineOf = (arn: string | null) =>
    arn === null ? machines[0] : machines.find((machine) => machine.arn === arn);
  const form = extension?.start?.form ?? START_EXECUTION;

  const execution = async (executionArn: string): Promise<ExecutionResponse> => {
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const events = await readHistory(sfn, executionArn);
    const machine =
      machineOf(description.stateMachineArn ?? null) ??
      machineOf(executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''));
    const details = (await extension?.detailsOf?.({
      input: description.input,
      status: description.status,
    })) ?? { panels: [] };
    const testCase = options.testCaseOf?.(executionArn);
    return {
      execution: {
        executionArn,
        name: description.name,
        status: description.status,
        startDate: description.startDate?.toISOString(),
        stopDate: description.stopDate?.toISOString(),
        ...(description.error ? { error: description.error } : {}),
        ...(description.cause ? { cause: description.cause } : {}),
        ...(testCase
          ? { label: `#${testCase}`, testCase }
          : { label: extension?.labelOf?.(description.input) }),
      },
      path: machine ? pathOf(machine.graph, events) : { states: {}, edges: [], entered: [] },
      events: events.map(summary),
      details,
    };
  };

  // ListExecutions does not give the input: each execution's label is read once, with
  // DescribeExecution, and kept while the execution is listed (an input never changes).
  let labelByArn = new Map<string, string | undefined>();
  const labelsOf = async (arns: string[]) => {
    const known = new Map<string, string | undefined>();
    const labelOf = extension?.labelOf;
    await Promise.all(
      arns.map(async (executionArn) => {
        // A test case's input says what it would have done; the test case says what it did.
        const testCase = options.testCaseOf?.(executionArn);
        if (testCase !== undefined) {
          known.set(executionArn, `#${testCase}`);
          return;
        }
        if (!labelOf) return;
        if (labelByArn.has(executionArn)) {
          known.set(executionArn, labelByArn.get(executionArn));
          return;
        }
        try {
          const { input } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          known.set(executionArn, labelOf(input));
        } catch {
          // Gone between the list and the description (past retention): shown without one.
        }
      }),
    );
    labelByArn = known;
    return known;
  };

  /** The console's own start: StartExecution of the machine shown, with the form's name and input. */
  const startExecution = async (
    body: Buffer,
    contentType: string | undefined,
    stateMachineArn: string,
  ): Promise<{ status: number; body: StartResponse }> => {
    // The page sends JSON; a form or a text/plain POST from elsewhere starts nothing.
    if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
      return { status: 415, body: { message: 'The body must be application/json' } };
    }
    const values = formValues(body);
    if (typeof values === 'string') return { status: 400, body: { message: values } };
    const { name = '', input = '' } = values;
    if (typeof name !== 'string' || typeof input !== 'string') {
      return { status: 400, body: { message: 'name and input must be strings' } };
    }
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          ...(name.trim() ? { name: name.trim() } : {}),
          input: input.trim() || '{}',
        }),
      );
      return {
        status: 200,
        body: { executionArn, started: executionArn?.slice(executionArn.lastIndexOf(':') + 1) },
      };
    } catch (error) {
      if (!(error instanceof Error) || error.name === 'Error') throw error;
      return { status: 400, body: { message: `${error.name}: ${error.message}` } };
    }
  };

  const server = await listen(
    'Console',
    async (request, response) => {
      const url = new URL(request.url ?? '/', 'http://console');
      const page = STATIC[url.pathname];
      if (request.method === 'GET' && page) {
        const text = readFileSync(join(HERE, page.file), 'utf8');
        // No other site may frame the page (a framed console could be clicked into starting runs).
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
      const machine = machineOf(url.searchParams.get('arn'));
      if (request.method === 'GET' && url.pathname === '/api/graph') {
        if (!machine) {
          sendJson(response, 404, { message: `No state machine ${url.searchParams.get('arn')}` });
          return;
        }
        // Laid out on first use, in the checking thread: elkjs computes for some hundreds of ms,
        // which on this thread would hold every port's requests up. A failure is not kept: the
        // next request lays it out again.
        const laidOut = offThread<Layout>(
          new URL('./graph.ts', import.meta.url),
          'layoutGraph',
          machine.graph,
        );
        machine.layout ??= laidOut;
        machine.layout.catch(() => {
          if (machine.layout === laidOut) machine.layout = undefined;
        });
        const body: GraphResponse = {
          stateMachineArn: machine.arn,
          layout: await machine.layout,
          machines: machines.map(({ arn, name }) => ({ arn, name })),
          title: extension?.title ?? options.title,
          form,
        };
        sendJson(response, 200, body);
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/executions') {
        if (!machine) {
          sendJson(response, 404, { message: `No state machine ${url.searchParams.get('arn')}` });
          return;
        }
        const { executions = [] } = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn: machine.arn, maxResults: 100 }),
        );
        const newestFirst = [...executions].sort(
          (a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0),
        );
        const labels = await labelsOf(newestFirst.map((item) => item.executionArn ?? ''));
        const body: ExecutionsResponse = {
          executions: newestFirst.map((item) => ({
            executionArn: item.executionArn,
            name: item.name,
            status: item.status,
            startDate: item.startDate?.toISOString(),
            stopDate: item.stopDate?.toISOString(),
            label: labels.get(item.executionArn ?? ''),
            testCase: options.testCaseOf?.(item.executionArn ?? ''),
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
      if (request.method === 'POST' && url.pathname === '/api/start') {
        let body: Buffer;
        try {
          body = await readBody(request, MAX_START_BYTES);
        } catch (error) {
          if (!(error instanceof BodyTooLarge)) throw error;
          sendJson(response, 413, { message: error.message });
          return;
        }
        if (!machine) {
          sendJson(response, 404, { message: `No state machine ${url.searchParams.get('arn')}` });
          return;
        }
        const contentType = request.headers['content-type'];
        const result = extension?.start
          ? await extension.start.run({
              body,
              contentType,
              authorization: request.headers.authorization,
            })
          : await startExecution(body, contentType, machine.arn);
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
      await extension?.close?.();
    },
  };
};
