/**
 * `npm run repair -- [<tripId>]`: runs RepairTripFunction through the Lambda Invoke API (the
 * running `npm start`, or --lambda-endpoint), as an operator would after the repair alarm, and
 * prints what it undid, apart from the tombstones it wrote (bookings never made, guarded against
 * a late step: nothing of them was undone). Without a trip id it repairs every trip of the table
 * that needs it: an open leftover, or a live booking on a trip that ended without booking. The
 * function refuses a trip whose execution still runs, however it was started; such a trip is
 * named and left alone. On AWS:
 * `aws lambda invoke --function-name <RepairTripFunctionName output> --payload
 * '{"trip_id":"<tripId>"}' out.json`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { type TableItem, TableItemSchema } from '#table/item.ts';
import { tripItemsOf } from '#trip/items.ts';
import { outcomeOf } from '#trip/rules.ts';
import { LOCAL_CREDENTIALS } from '../../aws/credentials.ts';
import { readCommandLine, usageError } from '../../cli/command-line.ts';
import { DEFAULT_PORTS } from '../../stack.ts';

const HELP = `Usage: npm run repair -- [<tripId>] [options]

Undoes every live booking of a trip whose saga ended without booking, resolves its leftovers
and concludes its record, through RepairTripFunction on the running npm start. Refused while
the trip's execution still runs, however it was started; a booked trip is left alone. A trip
with nothing to repair is left as it is, so repeating it changes nothing.

Without a trip id: every trip in the table that needs it (an open leftover, or a live booking
on a trip that did not book); one whose execution still runs is named and left alone.

Options:
  --lambda-endpoint <url>     the Lambda Invoke API (default http://127.0.0.1:${DEFAULT_PORTS.lambda})
  --dynamodb-endpoint <url>   the DynamoDB API, to find the trips (default http://127.0.0.1:${DEFAULT_PORTS.dynamodb})
  --table-name <name>         the bookings table (default BookingsTable)
  --function-name <name>      the repair function (default RepairTripFunction)
  --help                      this text
`;

const { positionals, values } = readCommandLine(HELP, {
  allowPositionals: true,
  options: {
    'lambda-endpoint': { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORTS.lambda}` },
    'dynamodb-endpoint': { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORTS.dynamodb}` },
    'table-name': { type: 'string', default: 'BookingsTable' },
    'function-name': { type: 'string', default: 'RepairTripFunction' },
  },
});
if (positionals.length > 1) usageError(HELP, `One trip id at most, not ${positionals.length}`);

const region = process.env.AWS_REGION ?? 'us-east-1';
const unreachable = (what: string, endpoint: string) => (error: Error) => {
  console.error(
    `The ${what} at ${endpoint} did not answer (${error.message}). Is npm start running?`,
  );
  process.exit(1);
};

/** The trips whose items say they need a repair (the function decides for each). */
const tripsNeedingRepair = async (): Promise<string[]> => {
  const client = new DynamoDBClient({
    endpoint: values['dynamodb-endpoint'],
    region,
    credentials: LOCAL_CREDENTIALS,
  });
  const documents = DynamoDBDocumentClient.from(client);
  const byTrip = new Map<string, TableItem[]>();
  let startKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await documents
      .send(new ScanCommand({ TableName: values['table-name'], ExclusiveStartKey: startKey }))
      .catch(unreachable('DynamoDB API', values['dynamodb-endpoint']));
    for (const found of page.Items ?? []) {
      const item = TableItemSchema.parse(found);
      byTrip.set(item.pk, [...(byTrip.get(item.pk) ?? []), item]);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  client.destroy();
  return [...byTrip.entries()]
    .filter(([, items]) => {
      const trip = tripItemsOf(items);
      const { record } = trip;
      if (record && !record.execution_status) return false; // still running
      return outcomeOf(trip, record?.execution_status) === 'needs_repair';
    })
    .map(([tripId]) => tripId)
    .sort();
};

const lambda = new LambdaClient({
  endpoint: values['lambda-endpoint'],
  region,
  credentials: LOCAL_CREDENTIALS,
});

/** What a repair of one trip came to: done (or nothing to do), refused (still running), failed. */
type Result = 'done' | 'refused' | 'failed';

const repair = async (tripId: string): Promise<Result> => {
  const response = await lambda
    .send(
      new InvokeCommand({
        FunctionName: values['function-name'],
        Payload: JSON.stringify({ trip_id: tripId }),
      }),
    )
    .catch(unreachable('Lambda API', values['lambda-endpoint']));
  const payload = JSON.parse(new TextDecoder().decode(response.Payload)) as {
    outcome?: string;
    undone?: string[];
    tombstones?: string[];
    resolved?: { compensation: string; booking_id: string }[];
    errorType?: string;
    errorMessage?: string;
  };
  if (response.FunctionError) {
    if (payload.errorType === 'RepairRefused') {
      console.log(`Trip ${tripId}: left alone, its execution is still running.`);
      return 'refused';
    }
    console.error(`Trip ${tripId}: repair failed: ${payload.errorType}: ${payload.errorMessage}`);
    return 'failed';
  }
  const undone = payload.undone ?? [];
  const tombstones = payload.tombstones ?? [];
  const resolved = payload.resolved ?? [];
  console.log(
    undone.length === 0 && tombstones.length === 0 && resolved.length === 0
      ? `Trip ${tripId}: nothing to repair (${payload.outcome}).`
      : `Trip ${tripId}: ${payload.outcome}. Undone: ${undone.join(', ') || 'nothing live'}. Never made, guarded by a tombstone: ${tombstones.join(', ') || 'none'}. Leftovers resolved: ${resolved.map((item) => `${item.compensation} (${item.booking_id})`).join(', ') || 'none'}.`,
  );
  return 'done';
};

const [tripId] = positionals;
const tripIds = tripId ? [tripId] : await tripsNeedingRepair();
if (tripIds.length === 0) console.log('No trip needs a repair.');
const results: Result[] = [];
for (const id of tripIds) results.push(await repair(id));
lambda.destroy();
// A trip named on the command line that could not be repaired fails the command; in a sweep of
// the table, only a repair that failed does (a running one is the saga's to finish).
const failed = results.filter((result) => result === 'failed' || (tripId && result === 'refused'));
process.exit(failed.length === 0 ? 0 : 1);
