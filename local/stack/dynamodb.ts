/**
 * The stack's DynamoDB: AWS's DynamoDB Local, dynalite or an external one
 * (local/emulators/dynamodb-backend.ts), with the template's tables created in it. On kept data
 * (a data folder), every item's index entries are written again first (reindexTables).
 */
import { createTables, reindexTables, tablesOf } from '../emulators/dynamodb.ts';
import {
  type DynamoDBChoice,
  type RunningDynamoDB,
  startDynamoDB,
} from '../emulators/dynamodb-backend.ts';
import type { Template } from '../template/template.ts';

export interface DynamoDBOptions {
  /** Which one to run (default: DynamoDB Local when Java is found, else dynalite). */
  engine?: DynamoDBChoice;
  /** An external DynamoDB instead of running one (DYNAMODB_ENDPOINT). */
  endpoint?: string;
  /** A running DynamoDB Local JVM to use, with a database of this platform's own (the tests). */
  sharedJvm?: string;
}

export interface StackDynamoDB extends RunningDynamoDB {
  /** The template's tables' names, by logical id. */
  tables: Record<string, string>;
}

export const startTables = async (
  template: Template,
  options: DynamoDBOptions,
  where: {
    port: number;
    host: string;
    dataDir: string | undefined;
    allowedHosts: readonly string[] | undefined;
    log: ((line: string) => void) | undefined;
    /** A part gone for good (DynamoDB Local's JVM ended, its data lost): told once. */
    onFatal?: ((message: string) => void) | undefined;
  },
): Promise<StackDynamoDB> => {
  const dynamodb = await startDynamoDB({
    choice: options.engine,
    external: options.endpoint,
    sharedJvm: options.sharedJvm,
    port: where.port,
    host: where.host,
    dataDir: where.dataDir,
    allowedHosts: where.allowedHosts,
    ...(where.log ? { log: where.log } : {}),
    ...(where.onFatal ? { onFatal: where.onFatal } : {}),
  });
  try {
    const tables = await createTables(dynamodb.endpoint, template);
    if (where.dataDir && !options.endpoint) {
      await reindexTables(dynamodb.endpoint, tablesOf(template));
    }
    return { ...dynamodb, tables };
  } catch (error) {
    await dynamodb.close?.();
    throw error;
  }
};
