/**
 * The DynamoDB client, created once per execution environment. Region, credentials and endpoint
 * come from the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, ...), so the
 * same code talks to AWS, DynamoDB Local or the offline platform.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const dynamodb = new DynamoDBClient({});
