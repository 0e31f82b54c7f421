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
import { parseArgs } from 'node:util';
import { DEFAULT_RETAINED_EXECUTIONS } from './sfn/service.ts';
import {
  ARCHIVE_FILE,
  DEFAULT_CONSOLE_PORT,
  DEFAULT_PORTS,
  type StackOptions,
  startStack,
} from './stack.ts';

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
  --data-dir <folder>           keep the table's data in this folder (default: in memory), and
                                the closed executions that leave memory in <folder>/${ARCHIVE_FILE}
  --keep-executions <count>     closed executions kept in memory, the oldest leave first
                                (default ${DEFAULT_RETAINED_EXECUTIONS}); DescribeExecution of one that left answers
                                ExecutionDoesNotExist, as AWS does past its retention
  --allow-host <name>           also answer requests whose Host is <name> (e.g. host.docker.internal
                                for Step Functions Local in Docker); repeatable. By default only
                                127.0.0.1, localhost and [::1] with the port are answered
  --retry-delay-ms <ms>         wait this long before every retry (default: the ASL's own backoff)
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
    'data-dir': { type: 'string' },
    'keep-executions': { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    'retry-delay-ms': { type: 'string' },
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
const retainedExecutions = integer(values['keep-executions'], '--keep-executions');
const ports = {
  console: DEFAULT_CONSOLE_PORT,
  ...Object.fromEntries(
    (['api', 'lambda', 'sfn', 'dynamodb', 'console'] as const).flatMap((name) => {
      const port = integer(values[`${name}-port`], `--${name}-port`);
      return port === undefined ? [] : [[name, port]];
    }),
  ),
};

const options: StackOptions = {
  ...(values.host ? { host: values.host } : {}),
  ports,
  parameters,
  build: !values['skip-build'],
  ...(dataDir ? { dataDir } : {}),
  ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
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
