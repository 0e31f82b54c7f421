/**
 * The DynamoDB optimized integrations (arn:aws:states:::dynamodb:putItem|getItem|updateItem|
 * deleteItem), run for real against the local DynamoDB with the request as the ASL wrote it;
 * errors named DynamoDB.<Exception>, as Step Functions names them.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../aws/credentials.ts';
import { TaskFailure } from './errors.ts';
import { sdkMetadata } from './sdk-metadata.ts';

const DYNAMODB_COMMANDS = {
  putItem: PutItemCommand,
  getItem: GetItemCommand,
  updateItem: UpdateItemCommand,
  deleteItem: DeleteItemCommand,
} as const;

export type DynamoDBAction = keyof typeof DYNAMODB_COMMANDS;

/** The action of a DynamoDB Task's Resource, or undefined for any other Resource. */
export const dynamodbActionOf = (arn: string) =>
  /^arn:aws:states:::dynamodb:(putItem|getItem|updateItem|deleteItem)$/.exec(arn)?.[1] as
    | DynamoDBAction
    | undefined;

/** Makes the DynamoDB client for the dynamodb:* integrations. */
export const dynamodbClient = (endpoint: string, region: string) =>
  new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });

export const callDynamoDB = async (
  dynamodb: DynamoDBClient,
  action: DynamoDBAction,
  parameters: unknown,
) => {
  const Command = DYNAMODB_COMMANDS[action] as typeof GetItemCommand;
  try {
    const { $metadata, ...response } = await dynamodb.send(new Command(parameters as never));
    return { ...response, ...sdkMetadata($metadata.requestId ?? '') };
  } catch (error) {
    const { name, message, $metadata } = error as Error & {
      $metadata?: { httpStatusCode?: number; requestId?: string };
    };
    if (!$metadata?.httpStatusCode) throw error;
    // AWS reports a request DynamoDB refuses as invalid under its SDK's generic exception.
    const errorName = name === 'ValidationException' ? 'AmazonDynamoDBException' : name;
    throw new TaskFailure(
      `DynamoDB.${errorName}`,
      `${message} (Service: AmazonDynamoDBv2; Status Code: ${$metadata.httpStatusCode}; Error Code: ${name}; Request ID: ${$metadata.requestId ?? ''}; Proxy: null)`,
    );
  }
};
