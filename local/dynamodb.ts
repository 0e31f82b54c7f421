/**
 * DynamoDB for local runs: dynalite serving the DynamoDB API (in memory, or in a folder), and
 * the tables of template.yaml created in it, or in any endpoint given (DynamoDB Local).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  type AttributeValue,
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  QueryCommand,
  ResourceInUseException,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type DynaliteServer from 'dynalite';
import { type CallRecorder, dynamodbCallOf } from './calls.ts';
import type { Template } from './template.ts';

const require = createRequire(import.meta.url);

/**
 * dynalite, its in-memory store keeping strings. By default memory-level stores each key and
 * value as a small Buffer, and on Node 24 (Buffer.poolSize 64 KB) each one can hold on to a whole
 * 64 KB pool slab: some 20 KB of memory per booking that never comes back. Its keys are hex and
 * its values JSON, so strings order and read back the same.
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

export interface LocalDynamoDB {
  endpoint: string;
  close: () => Promise<void>;
}

/** Starts dynalite; `path` keeps the data in that folder across restarts, else it is in memory. */
export const startDynalite = async (
  options: { port?: number; host?: string; path?: string; recorder?: CallRecorder } = {},
): Promise<LocalDynamoDB> => {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const { recorder } = options;
  if (recorder) {
    // Which function calls which operation on which table (read from the body, as DynamoDB does).
    server.prependListener('request', (request) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => recorder.record(dynamodbCallOf(request, Buffer.concat(chunks))));
    });
  }
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

export interface TableDefinition {
  logicalId: string;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  GlobalSecondaryIndexes?: GlobalSecondaryIndex[];
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
      };
    });

/** Local credentials: DynamoDB Local and dynalite accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

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

/** Every item of a trip, its string attributes as plain values (for checks, not for the app). */
export const tripItems = async (dynamodb: DynamoDBClient, tableName: string, tripId: string) => {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :trip',
      ExpressionAttributeValues: { ':trip': { S: tripId } },
      ConsistentRead: true,
    }),
  );
  return Items.map((item) =>
    Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value.S])),
  );
};

/**
 * dynalite writes a secondary index entry and its item in two steps, so a process killed between
 * them can leave an open trip record (functions/commons/trip-record.ts) out of the OpenTrips
 * index, where the sweep would never find it. DynamoDB itself updates both at once. After a
 * crash, every open record's index entry is written again from the record itself.
 */
export const reindexOpenTrips = async (endpoint: string, tableName: string): Promise<number> => {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  let count = 0;
  try {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'sk = :trip AND attribute_exists(open_shard)',
          ExpressionAttributeValues: { ':trip': { S: 'TRIP' } },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET open_shard = open_shard',
            ConditionExpression: 'attribute_exists(open_shard)',
          }),
        );
        count += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  } finally {
    client.destroy();
  }
  return count;
};
