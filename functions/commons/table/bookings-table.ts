/**
 * The functions' bookings table: its name (config.ts), the conditional writes every data module
 * makes, and reading one item (reading a whole trip: trip/read.ts). A conditional write answers whether it
 * wrote: its condition failing is an answer (a repeat, a concurrent writer), not an error.
 */
import {
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#clients/dynamodb.ts';
import { tableName } from '#config';
import { hasName } from '#errors';

export const TABLE_NAME = tableName();

/** The time every write stamps (created_at, updated_at, ended_at...). */
export const now = (): string => new Date().toISOString();

type WithoutTable<Input> = Omit<Input, 'TableName'>;

/** Sends a conditional write: true when it wrote, false when its condition failed. */
const writeIf = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (!hasName(error, 'ConditionalCheckFailedException')) throw error;
    return false;
  }
};

/** Puts the item if its ConditionExpression holds; false when it did not. */
export const putIf = (input: WithoutTable<PutCommandInput>): Promise<boolean> =>
  writeIf(() => documentClient.send(new PutCommand({ TableName: TABLE_NAME, ...input })));

/** Updates the item if its ConditionExpression holds; false when it did not. */
export const updateIf = (input: WithoutTable<UpdateCommandInput>): Promise<boolean> =>
  writeIf(() => documentClient.send(new UpdateCommand({ TableName: TABLE_NAME, ...input })));

/** One item, consistently read, as it is stored (the caller parses what it needs of it). */
export const getItem = async (
  input: WithoutTable<GetCommandInput>,
): Promise<Record<string, unknown> | undefined> => {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: TABLE_NAME, ConsistentRead: true, ...input }),
  );
  return Item;
};
