/**
 * `npm start`: the whole booking application on this machine, from template.yaml. Ctrl-C stops
 * it. Flags (and environment variables) choose ports, an external DynamoDB Local or Step
 * Functions Local, where the data lives, and how long retries wait.
 *
 * package.json runs it with --max-semi-space-size=32: V8 sizes the young generation from the
 * machine's memory (128 MB on a 24 GB machine), and 64 MB serves the platform as fast (npm run
 * bench: about 50 MB less peak RSS at concurrency 32, the same bookings per second).
 */
import { parseArgs } from 'node:util';
import { maskContact } from '../functions/commons/trip.ts';
import type { TopicMessage } from './messaging.ts';
import { DEFAULT_CONSOLE_PORT, DEFAULT_PORTS, type StackOptions, startStack } from './stack.ts';

const HELP = `Usage: npm start -- [options]

Starts the booking saga locally, read from template.yaml:
  HTTP API (like sam local start-api), Lambda Invoke API (like sam local start-lambda),
  Step Functions API (like Step Functions Local), DynamoDB API (dynalite, like DynamoDB Local).

Options:
  --host <address>              listen address (default 127.0.0.1)
  --api-port <port>             HTTP API port (default ${DEFAULT_PORTS.api})
  --lambda-port <port>          Lambda Invoke API port (default ${DEFAULT_PORTS.lambda})
  --sfn-port <port>             Step Functions API port (default ${DEFAULT_PORTS.sfn})
  --dynamodb-port <port>        DynamoDB API port (default ${DEFAULT_PORTS.dynamodb})
  --console-port <port>         the local console's port (default ${DEFAULT_CONSOLE_PORT})
  --messaging-port <port>       SNS and EventBridge, for the functions (default: a free port)
  --data-dir <folder>           keep the table's data in this folder (default: in memory)
  --retry-delay-ms <ms>         wait this long before every retry (default: the ASL's own backoff)
  --schedule-seconds <s>        run the template's schedules (the sweep) this often (default: their
                                rate, 15 minutes for the sweep)
  --parameter-overrides <K=V>   template parameters, e.g. "FailureInjection=disabled LogLevel=WARN"
  --skip-build                  run what .aws-sam/build holds instead of building first
  --help                        this text

Environment:
  DYNAMODB_ENDPOINT     use this DynamoDB (e.g. DynamoDB Local) instead of starting dynalite
  SFN_ENDPOINT          use this Step Functions (e.g. Step Functions Local) instead of the built-in one
  SFN_MOCK_CONFIG       the mock configuration (default statemachine/test/MockConfigFile.json)
  LOCAL_DATA_DIR, LOCAL_RETRY_DELAY_MS   defaults for --data-dir and --retry-delay-ms
`;

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    'api-port': { type: 'string' },
    'lambda-port': { type: 'string' },
    'sfn-port': { type: 'string' },
    'dynamodb-port': { type: 'string' },
    'console-port': { type: 'string' },
    'messaging-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'retry-delay-ms': { type: 'string' },
    'schedule-seconds': { type: 'string' },
    'parameter-overrides': { type: 'string', multiple: true },
    'skip-build': { type: 'boolean' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const integer = (value: string | undefined, what: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`${what} must be a whole number, not "${value}"`);
    process.exit(2);
  }
  return number;
};

const parameters = Object.fromEntries(
  (values['parameter-overrides'] ?? [])
    .flatMap((text) => text.split(/\s+/))
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) {
        console.error(`--parameter-overrides takes Key=Value pairs, not "${pair}"`);
        process.exit(2);
      }
      return [pair.slice(0, at), pair.slice(at + 1).replace(/^"(.*)"$/, '$1')];
    }),
);

const dataDir = values['data-dir'] ?? process.env.LOCAL_DATA_DIR;
const retryDelayMs = integer(
  values['retry-delay-ms'] ?? process.env.LOCAL_RETRY_DELAY_MS,
  '--retry-delay-ms',
);
const scheduleSeconds = integer(values['schedule-seconds'], '--schedule-seconds');
const ports = {
  console: DEFAULT_CONSOLE_PORT,
  ...Object.fromEntries(
    (['api', 'lambda', 'sfn', 'dynamodb', 'console', 'messaging'] as const).flatMap((name) => {
      const port = integer(values[`${name}-port`], `--${name}-port`);
      return port === undefined ? [] : [[name, port]];
    }),
  ),
};

/** A message to a topic, as the customer would get it (the contact masked). */
const printMessage = ({ topicArn, subject, message, attributes }: TopicMessage) => {
  const to = attributes.contact ? ` to ${maskContact(attributes.contact)}` : '';
  const topic = topicArn.slice(topicArn.lastIndexOf(':') + 1);
  const indented = message.replaceAll('\n', '\n    ');
  process.stdout.write(`\n[${topic}]${to}: ${subject}\n    ${indented}\n`);
};

const options: StackOptions = {
  onMessage: printMessage,
  ...(values.host ? { host: values.host } : {}),
  ports,
  parameters,
  build: !values['skip-build'],
  ...(dataDir ? { dataDir } : {}),
  ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  ...(scheduleSeconds === undefined ? {} : { scheduleIntervalMs: scheduleSeconds * 1000 }),
  ...(process.env.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
  ...(process.env.SFN_ENDPOINT ? { sfnEndpoint: process.env.SFN_ENDPOINT } : {}),
};

let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack(options);
} catch (error) {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const { api, lambda, sfn, dynamodb, console: consoleUrl } = stack.endpoints;
const storage = options.dynamodbEndpoint
  ? 'external'
  : dataDir
    ? `data kept in ${dataDir}`
    : 'in memory: gone when stopped (--data-dir keeps it)';
process.stdout.write(`
Booking saga running locally, from template.yaml

  HTTP API         ${api}    (like sam local start-api)
  Lambda Invoke    ${lambda}    functions: ${stack.lambda.functions.map((fn) => fn.config.name).join(', ')}
  Step Functions   ${sfn}    ${options.sfnEndpoint ? '(external) ' : ''}${stack.stateMachineArn}
  DynamoDB         ${dynamodb}    table ${stack.tableName}, ${storage}
  Retries          ${retryDelayMs === undefined ? "the ASL's backoff (real waits)" : `${retryDelayMs} ms each`}
  Saga ends        each execution's end goes to ReconcileTripFunction (EventBridge); SweepTripsFunction
                   runs every ${scheduleSeconds === undefined ? "15 minutes (the template's rate)" : `${scheduleSeconds} s`}${dataDir ? ', and ran at start over the kept data' : ''}
  Notifications    ${stack.endpoints.messaging}    SNS and EventBridge: each concluded trip's event goes on
                   TripEventsBus to NotifyCustomerFunction; what it sends the customer is printed here

  Console          ${consoleUrl}/    watch each booking on the saga's graph, start new ones

Try:
  curl "${api}/?runType=failPayment"
  curl ${api}/trips/<trip_id>
  npm run book -- --run-type failPayment
  aws stepfunctions list-executions --endpoint-url ${sfn} --state-machine-arn ${stack.stateMachineArn}
  aws dynamodb scan --endpoint-url ${dynamodb} --table-name ${stack.tableName}
  aws lambda invoke --endpoint-url ${lambda} --function-name ReserveHotelFunction --payload file://events/reserve-hotel.json out.json

Ctrl-C stops everything.
`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping...\n`);
  await stack.close();
  process.stdout.write('Stopped.\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
