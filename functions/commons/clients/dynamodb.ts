/**
 * The DynamoDB document client, created once per execution environment: items are written and
 * read as plain objects (lib-dynamodb marshals them). Region, credentials and endpoint come from
 * the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, ...), so the same code
 * talks to AWS, DynamoDB Local or the offline platform.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
