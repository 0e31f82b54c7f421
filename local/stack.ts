/**
 * A SAM template on this machine (template.yaml unless another is given), as `sam local` and
 * AWS's local emulators would run it: DynamoDB with the template's tables, the functions and the
 * Lambda Invoke API, SNS and EventBridge, Step Functions, the HTTP API, and the console. Each
 * service is started by its own module (local/stack/); this file only composes them, in the
 * order their dependencies ask, and closes them in reverse. What the template holds that the
 * platform does not run is in `unsupported`; what only its application knows comes from its
 * plugin (local/plugin.ts).
 */
import { basename, dirname } from 'node:path';
import type { RunningDynamoDB } from './emulators/dynamodb-backend.ts';
import type { LocalEventBus, Schedule } from './emulators/events.ts';
import { lambdaApi } from './emulators/lambda-api.ts';
import type { FunctionLogLine, LocalLambda } from './emulators/lambda-runtime.ts';
import type { LocalTopics } from './emulators/messaging.ts';
import type { StepFunctionsService } from './emulators/sfn/service.ts';
import type { Plugin, Running } from './plugin.ts';
import { startStackConsole } from './stack/console.ts';
import { type DynamoDBOptions, startTables } from './stack/dynamodb.ts';
import { startFunctions } from './stack/functions.ts';
import { routesOfTemplate, startHttpApi } from './stack/http-api.ts';
import { type MessagingOptions, readEvents, startMessaging } from './stack/messaging.ts';
import { listenForServices } from './stack/ports.ts';
import { type StepFunctionsOptions, startStepFunctions } from './stack/step-functions.ts';
import { buildAll, buildDirOf, needsBuild } from './template/build.ts';
import { loadTemplate, type Unsupported } from './template/support.ts';
import { TEMPLATE_PATH } from './template/template.ts';

export { ARCHIVE_FILE, DEFAULT_MOCK_CONFIG } from './stack/step-functions.ts';

/** The ports `sam local start-api`, `sam local start-lambda`, Step Functions Local and DynamoDB Local use. */
export const DEFAULT_PORTS = { api: 3000, lambda: 3001, sfn: 8083, dynamodb: 8000 } as const;

/** The local console's port (npm start): next to the Step Functions API it shows. */
export const DEFAULT_CONSOLE_PORT = 8084;

export interface StackOptions {
  /** The SAM template to run (default: the project's template.yaml). */
  template?: string;
  /** Its application's plugin (local/plugin.ts); none by default. */
  plugin?: Plugin | undefined;
  /** Template parameter values, as `sam --parameter-overrides`. */
  parameters?: Record<string, string>;
  host?: string;
  /**
   * 0 picks a free port. The console starts only when given a port. SNS and EventBridge
   * (`messaging`) take a free port unless given one: only the functions need to find them.
   */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS | 'console' | 'messaging', number>>;
  /** Host names every port answers to besides the loopback ones (host.docker.internal, say). */
  allowedHosts?: string[];
  /** Keep the tables' data (and the closed executions that leave memory) in this folder. */
  dataDir?: string;
  /** Wait this long before every retry (the ASL's and EventBridge's) instead of their schedule. */
  retryDelayMs?: number;
  /** Progress worth telling while starting (the first start fetches DynamoDB Local). */
  log?: (line: string) => void;
  /** Build the functions first (default), or use what `dir` holds (.aws-sam/build beside the template). */
  build?: { skip?: boolean; dir?: string };
  /** More environment for every function (FAILURE_SEED, say). */
  environment?: Record<string, string>;
  /** More environment for the functions named (by logical id), over `environment`. */
  functionEnvironment?: Record<string, Record<string, string>>;
  /**
   * Told, once, that a part of the platform is gone for good (DynamoDB Local's JVM ended and
   * its data was in memory): npm start says so and exits.
   */
  onFatal?: (message: string) => void;
  /** Given each write of the functions (default: to this process's stdout and stderr, as written). */
  onFunctionLog?: (line: FunctionLogLine) => void;
  dynamodb?: DynamoDBOptions;
  stepFunctions?: StepFunctionsOptions;
  messaging?: MessagingOptions;
}

export interface Endpoints {
  api: string;
  lambda: string;
  sfn: string;
  dynamodb: string;
  /** SNS and EventBridge, one endpoint for both. */
  messaging: string;
  /** The local console's page, when it was asked for. */
  console?: string;
}

export interface LocalStack {
  endpoints: Endpoints;
  /** The state machines' ARNs, by logical id. */
  stateMachines: Record<string, string>;
  /** The first state machine's ARN (a template's only one, mostly). */
  stateMachineArn: string;
  /** The tables' names, by logical id. */
  tables: Record<string, string>;
  /** The first table's name. */
  tableName: string;
  /** What the template holds that the platform does not run, each with why. */
  unsupported: Unsupported[];
  /** What answers on the DynamoDB endpoint, and why. */
  dynamodb: Omit<RunningDynamoDB, 'close'>;
  lambda: LocalLambda;
  /** The built-in Step Functions service; undefined with an external one. */
  stepFunctions: StepFunctionsService | undefined;
  /** The local EventBridge: execution status changes, the template's buses and schedules. */
  events: LocalEventBus;
  /** The template's SNS topics, with every message published to them. */
  topics: LocalTopics;
  /** The template's rate() schedules, each with its target. */
  schedules: readonly Schedule[];
  /** Runs each of the template's schedules once, now, and waits for its target. */
  runSchedules: (input?: unknown) => Promise<void>;
  /** What the plugin's hooks see of it. */
  running: Running;
  close: () => Promise<void>;
}

/** What the stack opened, closed in reverse order (the last opened first). */
const closer = () => {
  const opened: { close: () => Promise<void>; fail?: (reason: string) => void }[] = [];
  return {
    add: <T extends { close: () => Promise<void> }>(item: T): T => {
      opened.push(item);
      return item;
    },
    /** Start-up failed: whatever holds requests answers them (503) before it closes. */
    fail: (reason: string) => {
      for (const item of opened) item.fail?.(reason);
    },
    close: async () => {
      for (const item of opened.reverse()) await item.close();
    },
  };
};

export const startStack = async (options: StackOptions = {}): Promise<LocalStack> => {
  const templatePath = options.template ?? TEMPLATE_PATH;
  const loaded = loadTemplate(templatePath, options.parameters);
  const eventConfig = readEvents(loaded);
  const { plugin, dataDir, retryDelayMs, allowedHosts } = options;
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, messaging: 0, ...options.ports };
  const buildDir = options.build?.dir ?? buildDirOf(templatePath);
  const opened = closer();
  try {
    if (!options.build?.skip && needsBuild(loaded.runnable)) await buildAll(buildDir, templatePath);
    const dynamodb = await startTables(loaded.runnable, options.dynamodb ?? {}, {
      port: ports.dynamodb,
      host,
      dataDir,
      allowedHosts,
      log: options.log,
      onFatal: options.onFatal,
    });
    opened.add({ close: async () => dynamodb.close?.() });

    // Listening first: every function's environment names every endpoint.
    const external = options.stepFunctions?.endpoint;
    const listening = opened.add(
      await listenForServices(ports, host, allowedHosts, external === undefined),
    );
    const endpoints: Endpoints = {
      api: listening.api.url,
      lambda: listening.lambda.url,
      sfn: external ?? listening.sfn?.url ?? '',
      dynamodb: dynamodb.endpoint,
      messaging: listening.messaging.url,
    };

    const lambda = opened.add(
      startFunctions(loaded, endpoints, buildDir, {
        environment: options.environment,
        environmentByFunction: options.functionEnvironment,
        onLog: options.onFunctionLog,
      }),
    );
    listening.lambda.serve(lambdaApi(lambda));
    const messaging = opened.add(
      startMessaging(loaded, eventConfig, lambda, retryDelayMs, options.messaging ?? {}),
    );
    listening.messaging.serve(messaging.api);
    // Closed before the functions and the bus: its running executions stop first.
    const stepFunctions = opened.add(
      await startStepFunctions(
        loaded,
        { lambda, events: messaging.events, dynamodbEndpoint: dynamodb.endpoint },
        { retryDelayMs, dataDir },
        options.stepFunctions ?? {},
      ),
    );
    if (stepFunctions.api) listening.sfn?.serve(stepFunctions.api);

    // What the plugin's hooks see; after a restart on kept data, its hook runs before the API.
    const running: Running = {
      region: loaded.account.region,
      endpoints,
      stateMachines: stepFunctions.stateMachines,
      tables: dynamodb.tables,
      functions: lambda.functions.map(({ config }) => config),
      routes: routesOfTemplate(loaded),
      parameter: (name) => {
        const value = loaded.resolve({ Ref: name });
        return typeof value === 'string' ? value : undefined;
      },
      runSchedules: messaging.runSchedules,
    };
    if (dataDir && !external) await plugin?.afterRestart?.(running);
    listening.api.serve(await startHttpApi(loaded, lambda));
    opened.add(messaging.startSchedules());
    if (options.ports?.console !== undefined) {
      const consoleServer = opened.add(
        await startStackConsole(stepFunctions.definitions, running, {
          host,
          port: options.ports.console,
          allowedHosts,
          title: plugin?.name ?? basename(dirname(templatePath)),
          extension: plugin?.console?.(running),
          testCaseOf: stepFunctions.service && ((arn) => stepFunctions.service?.testCaseOf(arn)),
        }),
      );
      endpoints.console = consoleServer.url;
    }

    const { close: _close, tables, ...dynamodbView } = dynamodb;
    return {
      endpoints,
      stateMachines: stepFunctions.stateMachines,
      stateMachineArn: Object.values(stepFunctions.stateMachines)[0] ?? '',
      tables,
      tableName: Object.values(tables)[0] ?? '',
      unsupported: loaded.unsupported,
      dynamodb: dynamodbView,
      lambda,
      stepFunctions: stepFunctions.service,
      events: messaging.events,
      topics: messaging.topics,
      schedules: messaging.schedules,
      runSchedules: messaging.runSchedules,
      running,
      close: opened.close,
    };
  } catch (error) {
    // A request held while the ports waited for their services is answered (503), not dropped.
    opened.fail(error instanceof Error ? error.message : String(error));
    await opened.close();
    throw error;
  }
};
