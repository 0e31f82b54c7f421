/**
 * DynamoDB for local runs: dynalite serving the DynamoDB API (in memory, or in a folder), and
 * the tables of template.yaml created in it, or in any endpoint given (DynamoDB Local).
 */
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Template } from './template.ts';

export interface LocalDynamoDB {
  endpoint: string;
  close: () => Promise<void>;
}

/** Starts dynalite; `path` keeps the data in that folder across restarts, else it is in memory. */
export const startDynalite = async (
  options: { port?: number; host?: string; path?: string } = {},
): Promise<LocalDynamoDB> => {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
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
