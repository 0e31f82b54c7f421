/**
 * `npm start`: the whole booking application on this machine, from template.yaml. Ctrl-C stops
 * it. Flags (and environment variables) choose ports, an external DynamoDB Local or Step
 * Functions Local, where the data lives, and how long retries wait.
 *
 * package.json runs it with --max-semi-space-size=32: V8 sizes the young generation from the
 * machine's memory (128 MB on a 24 GB machine), and 64 MB serves the platform as fast (npm run
 * bench: about 50 MB less peak RSS at concurrency 32, the same bookings per second). And with
 * --optimize-for-size: without it V8 lets the old generation grow far past what is live on a long
 * run (RSS 546 MB after 10,000 bookings at concurrency 32, with some 70 MB live); with it, 196 MB,
 * for some 40 % fewer bookings per second through npm start (82-86 against 124-162 sagas/s, back
 * to back on 2 shared cores). --heap-growing-percent=25 with --max-semi-space-size=16 kept the
 * speed but ended at 281-288 MB: too close to the 300 MB budget.
 */
import { maskContact } from '../../functions/commons/trip.ts';
import {
  DYNAMODB_CHOICES,
  type DynamoDBChoice,
  INSTALL_JAVA,
} from '../emulators/dynamodb-backend.ts';
import { DYNAMODB_LOCAL } from '../emulators/dynamodb-local/install.ts';
import type { TopicMessage } from '../emulators/messaging.ts';
import { DEFAULT_RETAINED_EXECUTIONS } from '../emulators/sfn/service.ts';
import {
  ARCHIVE_FILE,
  DEFAULT_CONSOLE_PORT,
  DEFAULT_PORTS,
  type StackOptions,
  startStack,
} from '../stack.ts';
import { parseParameterOverrides } from '../template/resolve.ts';
import { readCommandLine } from './command-line.ts';

const HELP = `Usage: npm start -- [options]

Starts the booking saga locally, read from template.yaml:
  HTTP API (like sam local start-api), Lambda Invoke API (like sam local start-lambda),
  Step Functions API (like Step Functions Local), DynamoDB API (AWS's DynamoDB Local when Java
  is found, else dynalite).

Options:
  --host <address>              listen address (default 127.0.0.1)
  --api-port <port>             HTTP API port (default ${DEFAULT_PORTS.api})
  --lambda-port <port>          Lambda Invoke API port (default ${DEFAULT_PORTS.lambda})
  --sfn-port <port>             Step Functions API port (default ${DEFAULT_PORTS.sfn})
  --dynamodb-port <port>        DynamoDB API port (default ${DEFAULT_PORTS.dynamodb})
  --console-port <port>         the local console's port (default ${DEFAULT_CONSOLE_PORT})
  --dynamodb <local|dynalite>   local: AWS's DynamoDB Local ${DYNAMODB_LOCAL.version} (needs Java: ${INSTALL_JAVA});
                                dynalite: no Java needed (default: local when Java is found)
  --messaging-port <port>       SNS and EventBridge, for the functions (default: a free port)
  --data-dir <folder>           keep the table's data in this folder (default: in memory), and
                                the closed executions that leave memory in <folder>/${ARCHIVE_FILE}
  --keep-executions <count>     closed executions kept in memory, the oldest leave first
                                (default ${DEFAULT_RETAINED_EXECUTIONS}); DescribeExecution of one that left answers
                                ExecutionDoesNotExist, as AWS does past its retention
  --allow-host <name>           also answer requests whose Host is <name> (e.g. host.docker.internal
                                for Step Functions Local in Docker); repeatable. By default only
                                127.0.0.1, localhost and [::1] with the port are answered
  --retry-delay-ms <ms>         wait this long before every retry (default: the ASL's own backoff)
  --schedule-seconds <s>        run the template's schedules (the sweep) this often (default: their
                                rate, 15 minutes for the sweep)
  --parameter-overrides <K=V>   template parameters, e.g. "FailureInjection=disabled LogLevel=WARN";
                                "Profile=production": tokens on every route (npm run token)
  --skip-build                  run what .aws-sam/build holds instead of building first
  --help                        this text

Environment:
  DYNAMODB_ENDPOINT     use this DynamoDB (e.g. DynamoDB Local in Docker) instead of starting one
  SFN_ENDPOINT          use this Step Functions (e.g. Step Functions Local) instead of the built-in one
  SFN_MOCK_CONFIG       the mock configuration (default statemachine/test/MockConfigFile.json)
  LOCAL_DATA_DIR, LOCAL_RETRY_DELAY_MS   defaults for --data-dir and --retry-delay-ms
`;

const { values } = readCommandLine(HELP, {
  options: {
    host: { type: 'string' },
    'api-port': { type: 'string' },
    'lambda-port': { type: 'string' },
    'sfn-port': { type: 'string' },
    'dynamodb-port': { type: 'string' },
    'console-port': { type: 'string' },
    dynamodb: { type: 'string' },
    'messaging-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'keep-executions': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    'retry-delay-ms': { type: 'string' },
    'schedule-seconds': { type: 'string' },
    'parameter-overrides': { type: 'string', multiple: true },
    'skip-build': { type: 'boolean' },
  },
});

const integer = (value: string | undefined, what: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`${what} must be a whole number, not "${value}"`);
    process.exit(2);
  }
  return number;
};

let parameters: Record<string, string> = {};
try {
  parameters = parseParameterOverrides(values['parameter-overrides'] ?? []);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const choice = values.dynamodb;
if (choice !== undefined && !(DYNAMODB_CHOICES as readonly string[]).includes(choice)) {
  console.error(`--dynamodb takes ${DYNAMODB_CHOICES.join(' or ')}, not "${choice}"`);
  process.exit(2);
}

const dataDir = values['data-dir'] ?? process.env.LOCAL_DATA_DIR;
const retryDelayMs = integer(
  values['retry-delay-ms'] ?? process.env.LOCAL_RETRY_DELAY_MS,
  '--retry-delay-ms',
);
const scheduleSeconds = integer(values['schedule-seconds'], '--schedule-seconds');
const retainedExecutions = integer(values['keep-executions'], '--keep-executions');
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
  ...(choice ? { dynamodb: choice as DynamoDBChoice } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
  ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  ...(scheduleSeconds === undefined ? {} : { scheduleIntervalMs: scheduleSeconds * 1000 }),
  ...(retainedExecutions === undefined ? {} : { retainedExecutions }),
  ...(values['allow-host'] ? { allowedHosts: values['allow-host'] } : {}),
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

// Before the banner: whoever reads it may press Ctrl-C at once (a test does), and a signal that
// came before its handler would end the process by the signal, the JVM's stop unsaid.
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

const { api, lambda, sfn, dynamodb, console: consoleUrl } = stack.endpoints;
const storage = options.dynamodbEndpoint
  ? 'external'
  : dataDir
    ? `data kept in ${dataDir}`
    : 'in memory: gone when stopped (--data-dir keeps it)';
const engine =
  stack.dynamodb.engine === 'DynamoDB Local'
    ? `AWS DynamoDB Local ${DYNAMODB_LOCAL.version} (Java, pid ${stack.dynamodb.jvm?.pid}), `
    : stack.dynamodb.engine === 'dynalite'
      ? 'dynalite, '
      : '';
const fallback = stack.dynamodb.fallback
  ? `\n                   dynalite runs because ${stack.dynamodb.fallback}`
  : '';
process.stdout.write(`
Booking saga running locally, from template.yaml

  HTTP API         ${api}    (like sam local start-api)
  Lambda Invoke    ${lambda}    functions: ${stack.lambda.functions.map((fn) => fn.config.name).join(', ')}
  Step Functions   ${sfn}    ${options.sfnEndpoint ? '(external) ' : ''}${stack.stateMachineArn}
  DynamoDB         ${dynamodb}    ${engine}table ${stack.tableName}, ${storage}${fallback}
  Retries          ${retryDelayMs === undefined ? "the ASL's backoff (real waits)" : `${retryDelayMs} ms each`}
  Saga ends        each execution's end goes to ReconcileTripFunction (EventBridge); SweepTripsFunction
                   runs every ${scheduleSeconds === undefined ? "15 minutes (the template's rate)" : `${scheduleSeconds} s`}${dataDir ? ', and ran at start over the kept data' : ''}
  Notifications    ${stack.endpoints.messaging}    SNS and EventBridge: each concluded trip's event goes on
                   TripEventsBus to NotifyCustomerFunction; what it sends the customer is printed here

  Console          ${consoleUrl}/    watch each booking on the saga's graph, start new ones

${
  parameters.Profile === 'production'
    ? `Production profile: every route needs a token; the reference's GET URLs and run types are off.
  npm run book -- --token-file <(npm run -s token -- --user alice)
  curl -H "Authorization: Bearer $(npm run -s token -- --user alice)" ${api}/trips/<trip_id>`
    : `Try:
  curl "${api}/?runType=failPayment"
  curl ${api}/trips/<trip_id>
  npm run book -- --run-type failPayment`
}
  aws stepfunctions list-executions --endpoint-url ${sfn} --state-machine-arn ${stack.stateMachineArn}
  aws dynamodb scan --endpoint-url ${dynamodb} --table-name ${stack.tableName}
  aws lambda invoke --endpoint-url ${lambda} --function-name ReserveHotelFunction --payload file://events/reserve-hotel.json out.json

Ctrl-C stops everything.
`);
