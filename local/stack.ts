/**
 * The whole application on this machine, read from template.yaml: DynamoDB (AWS's DynamoDB
 * Local, or dynalite, or an external one), the functions built from their Metadata and run
 * in-process, the Lambda Invoke API, the Step Functions API running the ASL with its
 * substitutions resolved (or an external Step Functions Local), the HTTP API with the
 * template's routes, and SNS and EventBridge (local/emulators/messaging.ts) for the template's
 * topics and buses.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CreateStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { RUN_TYPES } from '../functions/commons/trip.ts';
import { LOCAL_CREDENTIALS } from './aws/credentials.ts';
import { startConsole } from './console/server.ts';
import { localIssuer } from './emulators/api-auth.ts';
import { createTables, reindexOpenTrips } from './emulators/dynamodb.ts';
import {
  type DynamoDBChoice,
  type RunningDynamoDB,
  startDynamoDB,
} from './emulators/dynamodb-backend.ts';
import { type Delivery, eventsOf, LocalEventBus } from './emulators/events.ts';
import { httpApi, routesOf } from './emulators/http-api.ts';
import { lambdaApi } from './emulators/lambda-api.ts';
import { type FunctionConfig, LocalLambda } from './emulators/lambda-runtime.ts';
import {
  LocalTopics,
  messagingApi,
  messagingOf,
  type TopicMessage,
} from './emulators/messaging.ts';
import { stepFunctionsApi } from './emulators/sfn/api.ts';
import { type MockConfig, readMockConfig } from './emulators/sfn/mock-config.ts';
import {
  type ArchivedExecution,
  StepFunctionsService,
  TaskFailure,
} from './emulators/sfn/service.ts';
import { executionStatusChange } from './emulators/sfn/status-events.ts';
import { type Listening, listen } from './http/http-server.ts';
import { type PendingHandler, whenReady } from './http/when-ready.ts';
import type { Definition } from './template/asl.ts';
import { substitute } from './template/asl.ts';
import { BUILD_DIR, buildAll } from './template/build.ts';
import {
  createResolver,
  functionArn,
  type LocalAccount,
  localAccount,
  type Resolve,
} from './template/resolve.ts';
import { functionsOf, PROJECT_ROOT, readTemplate, type Template } from './template/template.ts';

/** The ports `sam local start-api`, `sam local start-lambda`, Step Functions Local and DynamoDB Local use. */
export const DEFAULT_PORTS = { api: 3000, lambda: 3001, sfn: 8083, dynamodb: 8000 } as const;

/** The local console's port (npm start): next to the Step Functions API it shows. */
export const DEFAULT_CONSOLE_PORT = 8084;

export const MOCK_CONFIG_PATH = join(PROJECT_ROOT, 'statemachine', 'test', 'MockConfigFile.json');

export interface StackOptions {
  host?: string;
  /**
   * 0 picks a free port. The console starts only when given a port. SNS and EventBridge
   * (`messaging`) take a free port unless given one: only the functions need to find them.
   */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS | 'console' | 'messaging', number>>;
  /** Which DynamoDB to run (default: DynamoDB Local when Java is found, else dynalite). */
  dynamodb?: DynamoDBChoice;
  /** An external DynamoDB instead of running one. */
  dynamodbEndpoint?: string;
  /** A running DynamoDB Local JVM to use, with a database of this platform's own (the tests). */
  dynamodbLocalJvm?: string;
  /** Progress worth telling while starting (the first start fetches DynamoDB Local). */
  log?: (line: string) => void;
  /** An external Step Functions (Step Functions Local) instead of the built-in one. */
  sfnEndpoint?: string;
  /** Keep the table's data in this folder (DynamoDB Local's SQLite, dynalite's LevelDB). */
  dataDir?: string;
  /** Template parameter values, as `sam --parameter-overrides`. */
  parameters?: Record<string, string>;
  /** Wait this long before every retry instead of the ASL's schedule. */
  retryDelayMs?: number;
  /** Build the functions first (default) or use what .aws-sam/build holds. */
  build?: boolean;
  buildDir?: string;
  /** Step Functions Local's mock configuration (SFN_MOCK_CONFIG); null for none. */
  mockConfigPath?: string | null;
  /** More environment for every function (FAILURE_SEED, say). */
  environment?: Record<string, string>;
  /** Replaces the state machine's TimeoutSeconds (reliability tests only). */
  executionTimeoutMs?: number;
  /**
   * Run the template's schedules this often instead of their rate (0: never on a timer; tests
   * run them through `events`).
   */
  scheduleIntervalMs?: number;
  /** Told of every event delivery that has ended (the target succeeded or retries gave up). */
  onDelivery?: (delivery: Delivery) => void;
  /** Host names every port answers to besides the loopback ones (host.docker.internal, say). */
  allowedHosts?: string[];
  /** Closed executions kept in memory (the built-in Step Functions); older ones leave it. */
  retainedExecutions?: number;
  /** Told of every message published to one of the template's SNS topics. */
  onMessage?: (message: TopicMessage) => void;
  /**
   * Told, once, when a part the platform runs is gone for good (DynamoDB Local's JVM with its
   * table in memory, say): one line saying what ended and what to do. npm start exits on it.
   */
  onFatal?: (message: string) => void;
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
  stateMachineArn: string;
  tableName: string;
  /** What answers on the DynamoDB endpoint, and why. */
  dynamodb: Omit<RunningDynamoDB, 'close'>;
  lambda: LocalLambda;
  /** The built-in Step Functions service; undefined with an external one. */
  stepFunctions: StepFunctionsService | undefined;
  /** The local EventBridge: execution status changes, the template's buses and schedules. */
  events: LocalEventBus;
  /** The template's SNS topics, with every message published to them. */
  topics: LocalTopics;
  /** Runs each of the template's schedules once, now, and waits for its target. */
  runSchedules: (input?: unknown) => Promise<void>;
  close: () => Promise<void>;
}

const asString = (value: unknown, what: string): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new Error(`${what} does not resolve to a string`);
};

/** Every function's local configuration: its bundle, and exactly the environment Lambda gives it. */
export const functionConfigs = (
  template: Template,
  resolve: Resolve,
  account: LocalAccount,
  endpoints: Pick<Endpoints, 'dynamodb' | 'sfn' | 'lambda'> & { messaging?: string },
  buildDir: string,
  extra: Record<string, string> = {},
): FunctionConfig[] =>
  functionsOf(template).map((fn) => {
    const handlerAt = fn.handler.lastIndexOf('.');
    const extension =
      (fn.build.OutExtension ?? []).find((pair) => pair.startsWith('.js='))?.split('=')[1] ?? '.js';
    const bundle = join(buildDir, fn.logicalId, `${fn.handler.slice(0, handlerAt)}${extension}`);
    const variables = (fn.properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const memorySize = Number(resolve(fn.properties.MemorySize ?? 128));
    const environment: Record<string, string> = {
      ...Object.fromEntries(
        // Resolved as one map: a variable whose value is AWS::NoValue is dropped from it.
        Object.entries(resolve(variables) as Record<string, unknown>).map(([name, value]) => [
          name,
          asString(value, `${fn.logicalId} ${name}`),
        ]),
      ),
      AWS_REGION: account.region,
      AWS_DEFAULT_REGION: account.region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
      ...(endpoints.messaging
        ? {
            AWS_ENDPOINT_URL_SNS: endpoints.messaging,
            AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.messaging,
          }
        : {}),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      // The SDK names the caller in its User-Agent: how the platform tells the functions apart.
      // Powertools appends its own 43 characters to an app id without "/PTEnv/", and the SDK
      // warns about an app id over 50; with the marker it leaves the id alone.
      AWS_SDK_UA_APP_ID: `${fn.logicalId}/PTEnv/local`,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
      // As Lambda says of an environment started by an invocation: without it, Powertools
      // counts no cold start, and every log line says cold_start false.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.logicalId}`,
      LAMBDA_TASK_ROOT: dirname(bundle),
      LANG: 'en_US.UTF-8',
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      ...extra,
    };
    return {
      name: fn.logicalId,
      arn: functionArn(account, fn.logicalId),
      bundle,
      handlerExport: fn.handler.slice(handlerAt + 1),
      timeoutSeconds: Number(resolve(fn.properties.Timeout ?? 3)),
      memorySize,
      environment,
    };
  });

/** The template's state machine: its name, and its definition with the substitutions resolved. */
export const stateMachineOf = (template: Template, resolve: Resolve, account: LocalAccount) => {
  const entry = Object.entries(template.Resources).find(
    ([, resource]) => resource.Type === 'AWS::Serverless::StateMachine',
  );
  if (!entry) throw new Error('template.yaml has no AWS::Serverless::StateMachine');
  const [logicalId, resource] = entry;
  const properties = resource.Properties ?? {};
  const substitutions = Object.fromEntries(
    Object.entries((properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(
      ([name, value]) => [name, asString(resolve(value), `DefinitionSubstitutions ${name}`)],
    ),
  );
  const text = readFileSync(join(PROJECT_ROOT, String(properties.DefinitionUri)), 'utf8');
  return {
    name: logicalId,
    definition: substitute(text, substitutions),
    roleArn: `arn:aws:iam::${account.accountId}:role/${logicalId}Role`,
  };
};

/** Where npm start --data-dir keeps the closed executions that left memory: one JSON line each. */
export const ARCHIVE_FILE = 'closed-executions.jsonl';

/** Appends each closed execution that leaves memory to `<dataDir>/closed-executions.jsonl`. */
const executionArchive = (dataDir: string) => {
  mkdirSync(dataDir, { recursive: true });
  const stream = createWriteStream(join(dataDir, ARCHIVE_FILE), { flags: 'a' });
  return {
    write: (execution: ArchivedExecution) => {
      stream.write(`${JSON.stringify(execution)}\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(() => resolve())),
  };
};

/** Creates (or updates) the state machine in an external Step Functions Local. */
const deployToExternal = async (
  endpoint: string,
  region: string,
  machine: ReturnType<typeof stateMachineOf>,
) => {
  const client = new SFNClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    return (await client.send(new CreateStateMachineCommand(machine))).stateMachineArn ?? '';
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'StateMachineAlreadyExists') throw error;
    const { stateMachines = [] } = await client.send(new ListStateMachinesCommand({}));
    const existing = stateMachines.find((candidate) => candidate.name === machine.name);
    if (!existing?.stateMachineArn) throw error;
    await client.send(
      new UpdateStateMachineCommand({
        stateMachineArn: existing.stateMachineArn,
        definition: machine.definition,
        roleArn: machine.roleArn,
      }),
    );
    return existing.stateMachineArn;
  } finally {
    client.destroy();
  }
};

export const startStack = async (options: StackOptions = {}): Promise<LocalStack> => {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const template = readTemplate();
  const account = localAccount();
  const resolve = createResolver(template, account, options.parameters);
  const buildDir = options.buildDir ?? BUILD_DIR;
  const opened: { close: () => Promise<void> }[] = [];
  const pending: PendingHandler[] = [];
  const close = async () => {
    for (const item of opened.reverse()) await item.close();
  };

  try {
    if (options.build ?? true) {
      await buildAll(buildDir);
    }

    const { close: closeDynamoDB, ...dynamodb } = await startDynamoDB({
      choice: options.dynamodb,
      external: options.dynamodbEndpoint,
      sharedJvm: options.dynamodbLocalJvm,
      port: ports.dynamodb,
      host,
      dataDir: options.dataDir,
      allowedHosts: options.allowedHosts,
      ...(options.log ? { log: options.log } : {}),
      ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    });
    if (closeDynamoDB) opened.push({ close: closeDynamoDB });
    const tables = await createTables(dynamodb.endpoint, template);

    // Listen first: the functions' environment names these endpoints. A request that comes
    // before a port's handler is ready is held, then answered (local/http/when-ready.ts).
    const lambdaHandler = whenReady('Lambda API');
    const sfnHandler = whenReady('Step Functions API');
    const apiHandler = whenReady('HTTP API');
    const messagingHandler = whenReady('SNS and EventBridge endpoint');
    pending.push(lambdaHandler, sfnHandler, apiHandler, messagingHandler);
    const guard = options.allowedHosts ? { allowedHosts: options.allowedHosts } : {};
    const lambdaServer: Listening = await listen(
      'Lambda API',
      lambdaHandler.handle,
      ports.lambda,
      host,
      guard,
    );
    opened.push(lambdaServer);
    const sfnServer = options.sfnEndpoint
      ? undefined
      : await listen('Step Functions API', sfnHandler.handle, ports.sfn, host, guard);
    if (sfnServer) opened.push(sfnServer);
    const apiServer = await listen('HTTP API', apiHandler.handle, ports.api, host, guard);
    opened.push(apiServer);
    const messagingServer = await listen(
      'SNS and EventBridge',
      messagingHandler.handle,
      options.ports?.messaging ?? 0,
      host,
      guard,
    );
    opened.push(messagingServer);

    const endpoints: Endpoints = {
      api: apiServer.url,
      lambda: lambdaServer.url,
      sfn: options.sfnEndpoint ?? sfnServer?.url ?? '',
      dynamodb: dynamodb.endpoint,
      messaging: messagingServer.url,
    };
    const configs = functionConfigs(
      template,
      resolve,
      account,
      endpoints,
      buildDir,
      options.environment,
    );
    for (const config of configs) {
      if (!existsSync(config.bundle)) {
        throw new Error(
          `${config.bundle} is missing: run npm run build (or start without skipping the build)`,
        );
      }
    }
    const lambda = new LocalLambda(configs, account);
    opened.push(lambda);
    lambdaHandler.ready(lambdaApi(lambda));

    const { rules, schedules, invokeConfigs } = eventsOf(template, resolve);
    const { topicArns, busNames } = messagingOf(template, account);
    const topics = new LocalTopics(topicArns, options.onMessage);
    const events = new LocalEventBus({
      rules,
      invokeConfigs,
      topics,
      lambda,
      account,
      retryDelayMs: options.retryDelayMs ?? 1000,
      onDelivery:
        options.onDelivery ??
        ((delivery) => {
          if (delivery.error) {
            console.error(
              `${delivery.rule}: ${delivery.target} failed ${delivery.attempts} times; gave up: ${delivery.error}${delivery.destination ? `; the event went to ${delivery.destination}` : ''}`,
            );
          }
        }),
    });
    opened.push(events);
    messagingHandler.ready(
      messagingApi({
        account,
        topics,
        events,
        busNames,
      }),
    );
    const runSchedule = (schedule: (typeof schedules)[number], input?: unknown) =>
      events.deliver(
        schedule.target,
        input ??
          events.envelope({
            source: 'aws.events',
            'detail-type': 'Scheduled Event',
            resources: [
              `arn:aws:events:${account.region}:${account.accountId}:rule/${schedule.name}`,
            ],
            detail: {},
          }),
        0,
      );
    const runSchedules = async (input?: unknown) => {
      await Promise.all(schedules.map((schedule) => runSchedule(schedule, input)));
    };

    const machine = stateMachineOf(template, resolve, account);
    let stepFunctions: StepFunctionsService | undefined;
    let stateMachineArn: string;
    if (options.sfnEndpoint) {
      stateMachineArn = await deployToExternal(options.sfnEndpoint, account.region, machine);
    } else {
      const mockConfigPath =
        options.mockConfigPath === undefined
          ? (process.env.SFN_MOCK_CONFIG ?? MOCK_CONFIG_PATH)
          : options.mockConfigPath;
      const mockConfig: MockConfig | undefined =
        // A file the user names must be there and valid; the project's own is read if present.
        mockConfigPath && (mockConfigPath !== MOCK_CONFIG_PATH || existsSync(mockConfigPath))
          ? readMockConfig(mockConfigPath)
          : undefined;
      const archive = options.dataDir ? executionArchive(options.dataDir) : undefined;
      if (archive) opened.push(archive);
      stepFunctions = new StepFunctionsService({
        region: account.region,
        accountId: account.accountId,
        ...(mockConfig ? { mockConfig } : {}),
        dynamodbEndpoint: dynamodb.endpoint,
        ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
        ...(options.executionTimeoutMs === undefined
          ? {}
          : { executionTimeoutMs: options.executionTimeoutMs }),
        // Step Functions Local emits no events for its mocked test cases; neither does this.
        onExecutionEnd: (record) => {
          if (record.testCase === undefined) events.put(executionStatusChange(record));
        },
        ...(options.retainedExecutions === undefined
          ? {}
          : { retainedExecutions: options.retainedExecutions }),
        ...(archive ? { archive: archive.write } : {}),
        invokeFunction: async (functionName, payload) => {
          const fn = lambda.find(functionName);
          if (!fn)
            throw new TaskFailure(
              'Lambda.ResourceNotFoundException',
              `Function not found: ${functionName}`,
            );
          return fn.invoke(payload);
        },
      });
      // Closed before the functions' thread and the archive (opened earlier, closed later): its
      // running executions are stopped first, so none invokes a function or archives afterwards.
      opened.push(stepFunctions);
      sfnHandler.ready(stepFunctionsApi(stepFunctions));
      stateMachineArn = stepFunctions.createStateMachine(machine).stateMachineArn;
    }

    if (!options.sfnEndpoint && options.dataDir) {
      // Kept data, and a Step Functions that starts empty: no execution of the last run survived
      // it. The sweep settles every trip left open now, before the API takes a request.
      await reindexOpenTrips(dynamodb.endpoint, Object.values(tables)[0] ?? '');
      await runSchedules({ older_than_seconds: 0 });
    }
    const routes = routesOf(template, resolve);
    apiHandler.ready(
      httpApi(
        routes,
        lambda,
        routes.some((route) => route.authorizer) ? await localIssuer() : undefined,
      ),
    );
    const timers = schedules.map((schedule) => {
      const intervalMs = options.scheduleIntervalMs ?? schedule.intervalMs;
      return intervalMs > 0
        ? setInterval(() => void runSchedule(schedule), intervalMs).unref()
        : undefined;
    });
    opened.push({
      close: async () => {
        for (const timer of timers) clearInterval(timer);
      },
    });

    const tableName = Object.values(tables)[0] ?? '';
    if (options.ports?.console !== undefined) {
      const consoleServer = await startConsole({
        host,
        port: options.ports.console,
        region: account.region,
        definition: JSON.parse(machine.definition) as Definition,
        stateMachineArn,
        tableName,
        endpoints,
        // As the API takes them: run types only with failure injection, a token when it asks.
        runTypes:
          configs.find((config) => config.name === 'StartBookingFunction')?.environment
            .FAILURE_INJECTION === 'enabled'
            ? RUN_TYPES
            : [],
        signIn: routes.some((route) => route.authorizer),
        ...guard,
      });
      opened.push(consoleServer);
      endpoints.console = consoleServer.url;
    }

    return {
      endpoints,
      stateMachineArn,
      tableName,
      dynamodb,
      lambda,
      stepFunctions,
      events,
      topics,
      runSchedules,
      close,
    };
  } catch (error) {
    for (const port of pending) port.fail(error instanceof Error ? error.message : String(error));
    await close();
    throw error;
  }
};
