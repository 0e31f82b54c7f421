/**
 * `npm run repair -- <tripId>`: runs RepairTripFunction for a trip through the Lambda Invoke API
 * (the running `npm start`, or --lambda-endpoint), as an operator would after the repair alarm,
 * then prints what was undone. On AWS: `aws lambda invoke --function-name <RepairTripFunctionName
 * output> --payload '{"trip_id":"<tripId>"}' out.json`.
 */
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_CREDENTIALS } from './dynamodb.ts';
import { DEFAULT_PORTS } from './stack.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'lambda-endpoint': { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORTS.lambda}` },
    'function-name': { type: 'string', default: 'RepairTripFunction' },
  },
});
const [tripId] = positionals;
if (!tripId) {
  console.error(
    'Usage: npm run repair -- <tripId> [--lambda-endpoint <url>] [--function-name <name>]',
  );
  process.exit(2);
}

const client = new LambdaClient({
  endpoint: values['lambda-endpoint'],
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
});
const response = await client
  .send(
    new InvokeCommand({
      FunctionName: values['function-name'],
      Payload: JSON.stringify({ trip_id: tripId }),
    }),
  )
  .catch((error: Error) => {
    console.error(
      `The Lambda API at ${values['lambda-endpoint']} did not answer (${error.message}). Is npm start running?`,
    );
    process.exit(1);
  });
client.destroy();
const payload = JSON.parse(new TextDecoder().decode(response.Payload)) as {
  resolved?: { compensation: string; booking_id: string }[];
  errorType?: string;
  errorMessage?: string;
};
if (response.FunctionError) {
  console.error(`Repair failed: ${payload.errorType}: ${payload.errorMessage}`);
  process.exit(1);
}
const resolved = payload.resolved ?? [];
console.log(
  resolved.length === 0
    ? `Trip ${tripId}: no leftovers, nothing to repair.`
    : `Trip ${tripId}: every leftover repaired and resolved: ${resolved.map((item) => `${item.compensation} (${item.booking_id})`).join(', ')}.`,
);
