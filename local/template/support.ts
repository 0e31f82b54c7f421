/**
 * What of a SAM template the platform runs, and what it does not. It runs Node.js functions
 * (built by esbuild from their Metadata, or plain JavaScript run from CodeUri), their HTTP API
 * and REST API (Api) routes, EventBridge and rate() schedule events, state machines (DefinitionUri or Definition, with
 * their substitutions), DynamoDB tables (AWS::DynamoDB::Table, AWS::Serverless::SimpleTable),
 * SNS topics, EventBridge buses and makefile layers. Everything else (another resource type, a
 * runtime that is not Node.js, an event source, a part of a resource) is named here by logical
 * id with the reason, for npm start to list: never skipped silently. The emulators read the
 * runnable template this returns: the template without what is not run, tables as
 * AWS::DynamoDB::Table, resources whose Condition is false gone as CloudFormation drops them.
 */
import { dirname } from 'node:path';
import { createResolver, type LocalAccount, localAccount, type Resolve } from './resolve.ts';
import {
  functionsOf,
  plainHandlerFile,
  type Resource,
  readTemplate,
  type Template,
} from './template.ts';

export interface Unsupported {
  /** The resource's logical id. */
  logicalId: string;
  /** Its type, or the part of it that does not run (`event Queue (SQS)`, `runtime python3.12`). */
  what: string;
  why: string;
}

export interface Support {
  runnable: Template;
  unsupported: Unsupported[];
}

/** The resource types the platform runs, and for whom. */
const RUNS = new Set([
  'AWS::Serverless::Function',
  'AWS::Serverless::StateMachine',
  'AWS::DynamoDB::Table',
  'AWS::Serverless::SimpleTable',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::Api',
  'AWS::Serverless::LayerVersion',
  'AWS::SNS::Topic',
  'AWS::Events::EventBus',
]);

/** Types that declare something only AWS does: not run, each said why. */
const AWS_ONLY: Record<string, string> = {
  'AWS::Logs::LogGroup': "the functions' log lines: npm start --log-format json or --log-file",
  'AWS::IAM::Role': 'permissions are not enforced offline',
  'AWS::IAM::Policy': 'permissions are not enforced offline',
  'AWS::IAM::ManagedPolicy': 'permissions are not enforced offline',
  'AWS::Lambda::Permission': 'permissions are not enforced offline',
  'AWS::CloudWatch::Alarm': 'no CloudWatch offline',
  'AWS::SNS::Subscription': 'messages are printed, not delivered to subscriptions',
  'AWS::Cognito::UserPool': 'tokens come from the local issuer (npm run token)',
  'AWS::Cognito::UserPoolClient': 'tokens come from the local issuer (npm run token)',
};

/** The function event sources the platform delivers. */
const FUNCTION_EVENTS = new Set([
  'HttpApi',
  'Api',
  'EventBridgeRule',
  'CloudWatchEvent',
  'Schedule',
  'ScheduleV2',
]);

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const ATTRIBUTE_TYPES: Record<string, string> = { String: 'S', Number: 'N', Binary: 'B' };

/** An AWS::Serverless::SimpleTable as the SAM transform makes it: one string (or given) hash key. */
const simpleTable = (properties: Record<string, unknown>, resolve: Resolve): Resource => {
  const key = asRecord(resolve(properties.PrimaryKey));
  const name = String(key.Name ?? 'id');
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      AttributeDefinitions: [
        {
          AttributeName: name,
          AttributeType: ATTRIBUTE_TYPES[String(key.Type ?? 'String')] ?? 'S',
        },
      ],
      KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
    },
  };
};

/** A table's key schema and indexes, resolved; the capacity settings dropped (tables are on demand). */
const dynamoDBTable = (properties: Record<string, unknown>, resolve: Resolve): Resource => {
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, LocalSecondaryIndexes } =
    asRecord(resolve(properties));
  const withoutCapacity = (indexes: unknown) =>
    Array.isArray(indexes)
      ? indexes.map((index) => {
          const { ProvisionedThroughput: _capacity, ...rest } = asRecord(index);
          return rest;
        })
      : undefined;
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      AttributeDefinitions,
      KeySchema,
      ...(GlobalSecondaryIndexes
        ? { GlobalSecondaryIndexes: withoutCapacity(GlobalSecondaryIndexes) }
        : {}),
      ...(LocalSecondaryIndexes ? { LocalSecondaryIndexes } : {}),
    },
  };
};

const isNodeRuntime = (runtime: unknown) =>
  typeof runtime === 'string' && /^nodejs\d+\.x$/.test(runtime);

/**
 * What of `template` runs (`templateDir` is where its CodeUri and DefinitionUri paths start),
 * and what does not, by logical id.
 */
export const supportOf = (template: Template, resolve: Resolve, templateDir: string): Support => {
  const unsupported: Unsupported[] = [];
  const resources: Record<string, Resource> = {};
  const exists = (resource: Resource) =>
    resource.Condition === undefined || resolve({ Condition: resource.Condition }) === true;
  const present = Object.entries(template.Resources).filter(([, resource]) => exists(resource));
  const functions = new Map(functionsOf(template).map((fn) => [fn.logicalId, fn]));

  for (const [logicalId, resource] of present) {
    const properties = asRecord(resource.Properties);
    const refuse = (what: string, why: string) => unsupported.push({ logicalId, what, why });
    if (!RUNS.has(resource.Type)) {
      refuse(resource.Type, AWS_ONLY[resource.Type] ?? 'not emulated offline');
      continue;
    }
    if (resource.Type === 'AWS::Serverless::SimpleTable') {
      resources[logicalId] = simpleTable(properties, resolve);
      continue;
    }
    if (resource.Type === 'AWS::DynamoDB::Table') {
      resources[logicalId] = dynamoDBTable(properties, resolve);
      continue;
    }
    if (resource.Type === 'AWS::Serverless::Api' && properties.Auth !== undefined) {
      refuse('Auth', "a REST API's authorizers are not enforced offline: its routes run open");
    }
    if (resource.Type === 'AWS::Serverless::LayerVersion') {
      if (resource.Metadata?.BuildMethod !== 'makefile') {
        refuse(
          resource.Type,
          'only a layer built by its Makefile (BuildMethod: makefile) is built',
        );
        continue;
      }
    }
    if (resource.Type === 'AWS::Serverless::StateMachine') {
      const definitionUri = properties.DefinitionUri;
      if (properties.Definition === undefined && typeof definitionUri !== 'string') {
        refuse('DefinitionUri', 'the definition must be inline or a file beside the template');
        continue;
      }
      if (properties.Type !== undefined && resolve(properties.Type) !== 'STANDARD') {
        refuse(`Type ${String(resolve(properties.Type))}`, 'only STANDARD workflows run offline');
        continue;
      }
      for (const [name, event] of Object.entries(asRecord(properties.Events))) {
        refuse(
          `event ${name} (${String(asRecord(event).Type)})`,
          'no event starts a state machine offline',
        );
      }
      resources[logicalId] = { ...resource, Properties: { ...properties, Events: {} } };
      continue;
    }
    if (resource.Type === 'AWS::Serverless::Function') {
      const fn = functions.get(logicalId);
      const runtime = resolve(fn?.properties.Runtime);
      if (!fn || fn.properties.PackageType === 'Image') {
        refuse('PackageType Image', 'only .zip functions run offline');
        continue;
      }
      if (!isNodeRuntime(runtime)) {
        refuse(`runtime ${String(runtime)}`, 'only Node.js functions run offline');
        continue;
      }
      if (fn.properties.InlineCode !== undefined || fn.codeUri === '' || fn.handler === '') {
        refuse('code', 'a function runs from a CodeUri folder and its Handler');
        continue;
      }
      if (fn.buildMethod !== undefined) {
        refuse(`BuildMethod ${fn.buildMethod}`, 'functions build with esbuild or run as they are');
        continue;
      }
      if (!fn.build && !plainHandlerFile(fn, templateDir)) {
        refuse('Handler', `no ${fn.handler.split('.')[0]}.js, .mjs or .cjs in ${fn.codeUri}`);
        continue;
      }
      const events: Record<string, unknown> = {};
      for (const [name, event] of Object.entries(asRecord(fn.properties.Events))) {
        const { Type: type, Properties: eventProperties } = asRecord(event);
        const schedule = asRecord(eventProperties);
        const expression = String(resolve(schedule.Schedule ?? schedule.ScheduleExpression ?? ''));
        if (!FUNCTION_EVENTS.has(String(type))) {
          refuse(`event ${name} (${String(type)})`, 'this event source is not emulated offline');
        } else if (
          (type === 'Schedule' || type === 'ScheduleV2') &&
          !expression.startsWith('rate(')
        ) {
          refuse(`event ${name} (${expression})`, 'only rate() schedules run offline');
        } else {
          const auth = asRecord(schedule.Auth).Authorizer;
          if (type === 'Api' && auth !== undefined && auth !== 'NONE') {
            refuse(`event ${name} (Api) Auth`, 'a REST API authorizer is not enforced offline');
          }
          events[name] = event;
        }
      }
      if (!fn.build && Array.isArray(fn.properties.Layers) && fn.properties.Layers.length > 0) {
        refuse('Layers', 'a function run from CodeUri loads no layer: build it with esbuild');
      }
      resources[logicalId] = { ...resource, Properties: { ...properties, Events: events } };
      continue;
    }
    resources[logicalId] = resource;
  }
  return { runnable: { ...template, Resources: resources }, unsupported };
};

/** A template as the stack runs it: where it is, how its intrinsics resolve, and what runs. */
export interface LoadedTemplate extends Support {
  path: string;
  /** Where its CodeUri, DefinitionUri and ContentUri paths start. */
  dir: string;
  template: Template;
  resolve: Resolve;
  account: LocalAccount;
}

/** Reads the template at `path` with these parameter values (as --parameter-overrides). */
export const loadTemplate = (
  path: string,
  parameters: Record<string, string> = {},
): LoadedTemplate => {
  const template = readTemplate(path);
  const account = localAccount();
  const resolve = createResolver(template, account, parameters);
  const dir = dirname(path);
  return { path, dir, template, resolve, account, ...supportOf(template, resolve, dir) };
};
