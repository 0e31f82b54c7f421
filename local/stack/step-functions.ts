/**
 * The stack's Step Functions: the template's state machines, each with its definition (a
 * DefinitionUri file, JSON or YAML, or an inline Definition) and its DefinitionSubstitutions
 * resolved, run by the built-in service (local/emulators/sfn/) with Step Functions Local's mock
 * configuration, or deployed to an external Step Functions Local. Each execution's end goes to
 * EventBridge as AWS's status change event (not for mocked test cases, as Step Functions Local).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  CreateStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { parse } from 'yaml';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import type { LocalEventBus } from '../emulators/events.ts';
import type { LocalLambda } from '../emulators/lambda-runtime.ts';
import { stepFunctionsApi } from '../emulators/sfn/api.ts';
import type { HistoryEvent } from '../emulators/sfn/history.ts';
import { readMockConfig } from '../emulators/sfn/mock-config.ts';
import {
  type ArchivedExecution,
  type ExecutionRecord,
  StepFunctionsService,
  TaskFailure,
} from '../emulators/sfn/service.ts';
import { executionStatusChange } from '../emulators/sfn/status-events.ts';
import type { RequestHandler } from '../http/http-server.ts';
import { substitute } from '../template/asl.ts';
import type { LocalAccount, Resolve } from '../template/resolve.ts';
import type { LoadedTemplate } from '../template/support.ts';
import type { Template } from '../template/template.ts';

export interface StepFunctionsOptions {
  /** An external Step Functions (Step Functions Local) instead of the built-in one (SFN_ENDPOINT). */
  endpoint?: string;
  /**
   * Step Functions Local's mock configuration (SFN_MOCK_CONFIG); null for none. Default: the
   * environment's SFN_MOCK_CONFIG, else DEFAULT_MOCK_CONFIG beside the template, if there.
   */
  mockConfigPath?: string | null;
  /** Replaces every state machine's TimeoutSeconds (reliability tests only). */
  executionTimeoutMs?: number;
  /** Closed executions kept in memory; older ones leave it. */
  retainedExecutions?: number;
  /** Told of each event written to an execution's history (built-in only: npm start prints them). */
  onHistoryEvent?: (execution: ExecutionRecord, event: HistoryEvent) => void;
}

/** Where Step Functions Local's mock configuration is by AWS's samples' convention, beside the template. */
export const DEFAULT_MOCK_CONFIG = join('statemachine', 'test', 'MockConfigFile.json');

/** Where npm start --data-dir keeps the closed executions that left memory: one JSON line each. */
export const ARCHIVE_FILE = 'closed-executions.jsonl';

export interface StateMachineDeployment {
  /** Its logical id, the state machine's name. */
  name: string;
  /** The definition with its substitutions resolved, as CreateStateMachine takes it. */
  definition: string;
  roleArn: string;
}

const asString = (value: unknown, what: string): string => {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  throw new Error(`${what} does not resolve to a string`);
};

/** The definition's text: the DefinitionUri file (JSON, or YAML as JSON), or the inline Definition. */
const definitionText = (properties: Record<string, unknown>, resolve: Resolve, dir: string) => {
  if (properties.Definition !== undefined) return JSON.stringify(resolve(properties.Definition));
  const path = join(dir, String(properties.DefinitionUri));
  const text = readFileSync(path, 'utf8');
  return ['.yaml', '.yml'].includes(extname(path)) ? JSON.stringify(parse(text)) : text;
};

/** The template's state machines: names, and definitions with the substitutions resolved. */
export const stateMachinesOf = (
  template: Template,
  resolve: Resolve,
  account: LocalAccount,
  dir: string,
): StateMachineDeployment[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::StateMachine')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const substitutions = Object.fromEntries(
        Object.entries((properties.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(
          ([name, value]) => [name, asString(resolve(value), `DefinitionSubstitutions ${name}`)],
        ),
      );
      return {
        name: logicalId,
        definition: substitute(definitionText(properties, resolve, dir), substitutions),
        roleArn: `arn:aws:iam::${account.accountId}:role/${logicalId}Role`,
      };
    });

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

/** Creates (or updates) a state machine in an external Step Functions Local. */
const deployToExternal = async (
  endpoint: string,
  region: string,
  machine: StateMachineDeployment,
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

/** The mock configuration to read: the one given, else SFN_MOCK_CONFIG, else the conventional one if there. */
const mockConfigOf = (options: StepFunctionsOptions, templateDir: string) => {
  const conventional = join(templateDir, DEFAULT_MOCK_CONFIG);
  const path =
    options.mockConfigPath === undefined
      ? (process.env.SFN_MOCK_CONFIG ?? conventional)
      : options.mockConfigPath;
  // A file the user names must be there and valid; the conventional one is read if present.
  return path && (path !== conventional || existsSync(path)) ? readMockConfig(path) : undefined;
};

export interface StackStepFunctions {
  /** The built-in service; undefined with an external one. */
  service: StepFunctionsService | undefined;
  /** Its API, to serve on the Step Functions port (built-in only). */
  api: RequestHandler | undefined;
  /** The state machines' ARNs, by logical id. */
  stateMachines: Record<string, string>;
  /** Their definitions as deployed, by ARN. */
  definitions: Record<string, string>;
  close: () => Promise<void>;
}

export const startStepFunctions = async (
  loaded: LoadedTemplate,
  parts: { lambda: LocalLambda; events: LocalEventBus; dynamodbEndpoint: string },
  settings: { retryDelayMs: number | undefined; dataDir: string | undefined },
  options: StepFunctionsOptions,
): Promise<StackStepFunctions> => {
  const { account } = loaded;
  const machines = stateMachinesOf(loaded.runnable, loaded.resolve, account, loaded.dir);
  const deployed = async (
    deploy: (machine: StateMachineDeployment) => Promise<string> | string,
  ) => {
    const stateMachines: Record<string, string> = {};
    const definitions: Record<string, string> = {};
    for (const machine of machines) {
      const arn = await deploy(machine);
      stateMachines[machine.name] = arn;
      definitions[arn] = machine.definition;
    }
    return { stateMachines, definitions };
  };

  const { endpoint } = options;
  if (endpoint) {
    return {
      service: undefined,
      api: undefined,
      ...(await deployed((machine) => deployToExternal(endpoint, account.region, machine))),
      close: async () => undefined,
    };
  }
  const mockConfig = mockConfigOf(options, loaded.dir);
  const archive = settings.dataDir ? executionArchive(settings.dataDir) : undefined;
  const service = new StepFunctionsService({
    region: account.region,
    accountId: account.accountId,
    ...(mockConfig ? { mockConfig } : {}),
    dynamodbEndpoint: parts.dynamodbEndpoint,
    ...(settings.retryDelayMs === undefined ? {} : { retryDelayMs: settings.retryDelayMs }),
    ...(options.executionTimeoutMs === undefined
      ? {}
      : { executionTimeoutMs: options.executionTimeoutMs }),
    // Step Functions Local emits no events for its mocked test cases; neither does this.
    onExecutionEnd: (record) => {
      if (record.testCase === undefined) parts.events.put(executionStatusChange(record));
    },
    ...(options.retainedExecutions === undefined
      ? {}
      : { retainedExecutions: options.retainedExecutions }),
    ...(archive ? { archive: archive.write } : {}),
    ...(options.onHistoryEvent ? { onHistoryEvent: options.onHistoryEvent } : {}),
    invokeFunction: async (functionName, payload) => {
      const fn = parts.lambda.find(functionName);
      if (!fn)
        throw new TaskFailure(
          'Lambda.ResourceNotFoundException',
          `Function not found: ${functionName}`,
        );
      return fn.invoke(payload);
    },
  });
  return {
    service,
    api: stepFunctionsApi(service),
    ...(await deployed((machine) => service.createStateMachine(machine).stateMachineArn)),
    // Its running executions are stopped first, so none archives afterwards.
    close: async () => {
      await service.close();
      await archive?.close();
    },
  };
};
