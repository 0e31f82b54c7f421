/**
 * `npm run book -- --run-type failPayment [--trip-id X] [--contact jane@example.com]`: books a
 * trip through the local HTTP API and prints the saga's progress as it happens, then the trip's
 * items and the message its customer is sent: the view a person watches instead of reading logs.
 * Needs `npm start` running. In the production profile, give a token from a file, which npm's
 * banner does not echo (`--token-file <(npm run -s token -- --user alice)`).
 */
import { readFileSync } from 'node:fs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { REFERENCE_TRIP, RUN_TYPES } from '#trip/document.ts';
import { LOCAL_CREDENTIALS } from '../../aws/credentials.ts';
import { readHistory } from '../../aws/read-history.ts';
import { readCommandLine, usageError } from '../../cli/command-line.ts';
import { DEFAULT_PORTS } from '../../stack.ts';
import { describeEvent, newProgress } from './progress.ts';

const HELP = `Usage: npm run book -- [--run-type <type>] [--trip-id <id>] [--contact <email>] [--token-file <path>] [--token <jwt>] [--api <url>] [--sfn-endpoint <url>] [--timeout-seconds <s>]
Run types: ${RUN_TYPES.join(', ')}

Books a trip through the local HTTP API (npm start running) and prints the saga's progress as it
happens, then the trip's items and what its customer is told.

Options:
  --run-type <type>           which step fails, one of the run types above (default success)
  --trip-id <id>              the trip's id (default: the API makes one)
  --contact <email>           the customer's contact, to which the message would go
  --token-file <path>         a file holding a token, for the production profile: e.g.
                              --token-file <(npm run -s token -- --user alice)
  --token <jwt>               the token itself (npm prints it in its banner: prefer a file)
  --api <url>                 the HTTP API (default http://127.0.0.1:${DEFAULT_PORTS.api})
  --sfn-endpoint <url>        the Step Functions API, to follow the saga (default SFN_ENDPOINT,
                              else http://127.0.0.1:${DEFAULT_PORTS.sfn})
  --timeout-seconds <s>       give up on a saga still running after this long (default 600)
  --help                      this text
`;

const { values } = readCommandLine(HELP, {
  options: {
    'run-type': { type: 'string', default: 'success' },
    'trip-id': { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
    contact: { type: 'string' },
    api: { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORTS.api}` },
    'sfn-endpoint': {
      type: 'string',
      default: process.env.SFN_ENDPOINT ?? `http://127.0.0.1:${DEFAULT_PORTS.sfn}`,
    },
    'timeout-seconds': { type: 'string', default: '600' },
  },
});
const timeoutSeconds = Number(values['timeout-seconds']);
if (!(timeoutSeconds > 0))
  usageError(
    HELP,
    `--timeout-seconds must be a number above 0, not "${values['timeout-seconds']}"`,
  );

const fail = (message: string): never => {
  console.error(message);
  process.exit(1);
};

const api = values.api.replace(/\/$/, '');
/** The token, from --token-file or --token: the production profile's API wants one on every route. */
const token = (() => {
  const path = values['token-file'];
  if (path === undefined) return values.token;
  if (values.token !== undefined) usageError(HELP, 'Give --token-file or --token, not both');
  try {
    return readFileSync(path, 'utf8').trim() || fail(`The token file ${path} is empty`);
  } catch (error) {
    return fail(`Cannot read the token file ${path}: ${(error as Error).message}`);
  }
})();
const signedIn: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
const document = {
  ...(values['trip-id'] ? { trip_id: values['trip-id'] } : {}),
  ...REFERENCE_TRIP,
  run_type: values['run-type'],
  ...(values.contact ? { contact: values.contact } : {}),
};

const started = await fetch(`${api}/trips`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...signedIn },
  body: JSON.stringify(document),
}).catch((error: Error) =>
  fail(`The local API at ${api} is not answering (${error.message}). Is npm start running?`),
);
const booking = (await started.json()) as {
  trip_id?: string;
  execution_arn?: string;
  errors?: unknown;
  message?: string;
};
if (started.status !== 202 || !booking.execution_arn || !booking.trip_id) {
  fail(`The API refused the booking (${started.status}): ${JSON.stringify(booking)}`);
}
const tripId = booking.trip_id ?? '';
const executionArn = booking.execution_arn ?? '';
console.log(
  `Trip ${tripId} (run type ${values['run-type']})\n  execution ${booking.execution_arn}\n`,
);

const client = new SFNClient({
  endpoint: values['sfn-endpoint'],
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
});
const progress = newProgress();
const deadline = Date.now() + timeoutSeconds * 1000;
let seen = 0;
let ended = false;
while (!ended) {
  if (Date.now() > deadline) fail(`Still running after ${values['timeout-seconds']} s`);
  const events = await readHistory(client, executionArn);
  for (const event of events.slice(seen)) {
    for (const line of describeEvent(event, progress)) console.log(line);
    if (event.type?.startsWith('Execution') && event.type !== 'ExecutionStarted') ended = true;
  }
  seen = events.length;
  if (!ended) await new Promise((resolve) => setTimeout(resolve, 100));
}
client.destroy();

interface TripView {
  saga_status: string;
  bookings: Record<string, string>[];
  tombstones: Record<string, string>[];
  leftovers: Record<string, string>[];
  notifications: Record<string, string>[];
}
const readTrip = async () =>
  (await (await fetch(`${api}/trips/${tripId}`, { headers: signedIn })).json()) as TripView;

// The customer is told once the reconciler has concluded the trip, moments after the end.
let trip = await readTrip();
const told = Date.now() + 10_000;
while (trip.notifications.length === 0 && Date.now() < told) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  trip = await readTrip();
}
console.log(`\nSaga status: ${trip.saga_status}\nItems of trip ${tripId}:`);
for (const item of trip.bookings) {
  console.log(
    `  ${(item.type ?? '').padEnd(8)} ${(item.transaction_status ?? '').padEnd(10)} ${item.id}`,
  );
}
for (const item of trip.tombstones ?? []) {
  console.log(
    `  ${(item.type ?? '').padEnd(8)} ${(item.transaction_status ?? '').padEnd(10)} ${item.id} (a tombstone: never made, guarded against a late step)`,
  );
}
for (const item of trip.leftovers) {
  console.log(
    `  Leftover ${(item.repair_status ?? '').padEnd(10)} ${item.compensation} of ${item.booking_sk}: ${item.error}`,
  );
}
for (const notification of trip.notifications) {
  const to = notification.sent_to ? ` (to ${notification.sent_to})` : '';
  console.log(
    `\nThe customer is told${to}: ${notification.subject}\n    ${(notification.message ?? '').replaceAll('\n', '\n    ')}`,
  );
}
if (trip.notifications.length === 0)
  console.log('\nNo notification yet: is NotifyCustomerFunction failing?');
