/**
 * DynamoDB for local runs: dynalite serving the DynamoDB API (in memory, or in a folder), and
 * the template's tables created in it, or in any endpoint given (DynamoDB Local).
 */

import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import {
  type AttributeDefinition,
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  ResourceInUseException,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type DynaliteServer from 'dynalite';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { BodyTooLarge, listen, readBody, sendJson } from '../http/http-server.ts';
import type { Template } from '../template/template.ts';
import { ApiCalls, dynamodbCallOf } from './api-calls.ts';
import {
  checkDynamoDbBody,
  DYNAMODB_SERIALIZATION,
  DYNAMODB_VALIDATION,
  operationOf,
} from './dynamodb-body.ts';

export { MAX_EXPRESSION_PARENTHESES } from './dynamodb-body.ts';

const require = createRequire(import.meta.url);

/**
 * dynalite, its in-memory store keeping strings. By default memory-level stores each key and
 * value as a small Buffer, and on Node 24 (Buffer.poolSize 64 KB) each one can hold on to a whole
 * 64 KB pool slab that never comes back (some 20 KB per request, measured on a write-heavy run).
 * Its keys are hex and its values JSON, so strings order and read back the same.
 */
const loadDynalite = (): typeof DynaliteServer => {
  const memoryLevel = require(
    require.resolve('memory-level', { paths: [require.resolve('dynalite')] }),
  ) as { MemoryLevel: new (options?: Record<string, unknown>) => object };
  const { MemoryLevel } = memoryLevel;
  memoryLevel.MemoryLevel = class extends MemoryLevel {
    constructor(options?: Record<string, unknown>) {
      super({ ...options, storeEncoding: 'utf8' });
    }
  };
  return require('dynalite') as typeof DynaliteServer;
};
const dynalite = loadDynalite();

/** dynalite's own limit on a request body. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

export interface LocalDynamoDB {
  endpoint: string;
  close: () => Promise<void>;
  /** Tells of every request it serves (local/emulators/api-calls.ts). */
  calls: ApiCalls;
}

/**
 * Starts dynalite; `path` keeps the data in that folder across restarts, else it is in memory.
 * dynalite's own server is served through listen() (the local security guard, a failure answered
 * 500), and each request reaches it only once its body is whole and checked (dynamoDbRefusal):
 * dynalite throws from a request's `error` listener (a cut-off body would end the process).
 */
export const startDynalite = async (
  options: { port?: number; host?: string; path?: string; allowedHosts?: readonly string[] } = {},
): Promise<LocalDynamoDB> => {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const [serve] = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  if (!serve) throw new Error('dynalite created no request listener');
  server.removeAllListeners('request');
  const calls = new ApiCalls();

  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(request, MAX_REQUEST_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      return sendJson(response, 413, undefined);
    }
    const contentType = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim();
    // Not JSON (an empty body, a GET): dynalite answers it, as DynamoDB does.
    const operation = operationOf(request.headers['x-amz-target']);
    const check =
      body.length > 0 ? await checkDynamoDbBody(body, operation ? { operation } : {}) : {};
    const refusal = check.validation ?? check.serialization;
    if (refusal) {
      return sendJson(
        response,
        400,
        {
          __type: check.validation ? DYNAMODB_VALIDATION : DYNAMODB_SERIALIZATION,
          message: refusal,
        },
        {},
        contentType === 'application/x-amz-json-1.0' ? contentType : 'application/json',
      );
    }
    // Which function calls which operation on which table (read from the body, as DynamoDB does).
    calls.tell(() => dynamodbCallOf(request, body));
    // dynalite reads the request as events: given the whole body at once, synchronously, so that
    // what it throws is caught here.
    const whole = Object.assign(new EventEmitter(), {
      headers: request.headers,
      method: request.method,
      url: request.url,
    });
    try {
      serve(whole as unknown as IncomingMessage, response);
      if (body.length > 0) whole.emit('data', body);
      whole.emit('end');
    } catch (error) {
      console.error('DynamoDB API: dynalite failed', error);
      if (response.headersSent) {
        response.end();
        return;
      }
      sendJson(response, 500, {
        __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
        message: 'Internal server error',
      });
    }
  };

  const listening = await listen(
    'DynamoDB API',
    handler,
    options.port ?? 0,
    options.host ?? '127.0.0.1',
    { server, ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) },
  );
  return { endpoint: listening.url, close: listening.close, calls };
};

export interface TableDefinition {
  logicalId: string;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
  LocalSecondaryIndexes?: LocalSecondaryIndex[];
}

/** The template's AWS::DynamoDB::Table resources. */
export const tablesOf = (template: Template): TableDefinition[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      return {
        logicalId,
        AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
        KeySchema: properties.KeySchema as KeySchemaElement[],
        ...(properties.GlobalSecondaryIndexes
          ? { GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes as GlobalSecondaryIndex[] }
          : {}),
        ...(properties.LocalSecondaryIndexes
          ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes as LocalSecondaryIndex[] }
          : {}),
      };
    });

/**
 * Creates each of the template's tables, named after its logical id, unless it exists.
 * Returns the table names by logical id.
 */
export const createTables = async (
  endpoint: string,
  template: Template,
): Promise<Record<string, string>> => {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const names: Record<string, string> = {};
  try {
    for (const table of tablesOf(template)) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: table.logicalId,
            AttributeDefinitions: table.AttributeDefinitions,
            KeySchema: table.KeySchema,
            ...(table.GlobalSecondaryIndexes
              ? { GlobalSecondaryIndexes: table.GlobalSecondaryIndexes }
              : {}),
            ...(table.LocalSecondaryIndexes
              ? { LocalSecondaryIndexes: table.LocalSecondaryIndexes }
              : {}),
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
      names[table.logicalId] = table.logicalId;
    }
  } finally {
    client.destroy();
  }
  return names;
};

/**
 * dynalite writes a secondary index entry and its item in two steps, so a process killed between
 * them can leave an item out of an index, where a query would never find it. DynamoDB itself
 * updates both at once. After a start on kept data, every item that carries an index's key is
 * written again (that key set to itself), which writes its index entries anew. Returns how many
 * items were written.
 */
export const reindexTables = async (
  endpoint: string,
  tables: readonly TableDefinition[],
): Promise<number> => {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  let count = 0;
  try {
    for (const table of tables) {
      const indexed = [
        ...new Set(
          [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]
            .flatMap((index) => index.KeySchema ?? [])
            .map((key) => key.AttributeName ?? ''),
        ),
      ].filter((name) => !table.KeySchema.some((key) => key.AttributeName === name));
      if (indexed.length === 0) continue;
      const keys = table.KeySchema.map((key) => key.AttributeName ?? '');
      const names = Object.fromEntries([...keys, ...indexed].map((name, at) => [`#a${at}`, name]));
      const alias = (name: string) =>
        Object.entries(names).find(([, value]) => value === name)?.[0] ?? '';
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table.logicalId,
            FilterExpression: indexed
              .map((name) => `attribute_exists(${alias(name)})`)
              .join(' OR '),
            ProjectionExpression: [...keys, ...indexed].map(alias).join(', '),
            ExpressionAttributeNames: names,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const present = indexed.filter((name) => item[name] !== undefined);
          await client
            .send(
              new UpdateItemCommand({
                TableName: table.logicalId,
                Key: Object.fromEntries(keys.map((name) => [name, item[name] as AttributeValue])),
                UpdateExpression: `SET ${present.map((name) => `${alias(name)} = ${alias(name)}`).join(', ')}`,
                // Never brings back an item deleted since the scan.
                ConditionExpression: present
                  .map((name) => `attribute_exists(${alias(name)})`)
                  .join(' AND '),
                ExpressionAttributeNames: Object.fromEntries(
                  present.map((name) => [alias(name), name]),
                ),
              }),
            )
            .catch((error: unknown) => {
              if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') {
                throw error;
              }
            });
          count += 1;
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  } finally {
    client.destroy();
  }
  return count;
};
