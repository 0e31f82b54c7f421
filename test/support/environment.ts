/**
 * The environment every test worker starts with: what template.yaml gives the functions, pointed
 * at the run's emulated DynamoDB. Handlers read it once, when first imported.
 */
import { inject } from 'vitest';

process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
