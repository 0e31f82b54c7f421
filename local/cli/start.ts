/**
 * `npm start`: a SAM template on this machine (the project's template.yaml, or the one
 * --template names, as `sam local start-api -t`), with its plugin when the package.json beside
 * it names one (local/plugin.ts). Ctrl-C stops it. Flags (and environment variables) choose
 * ports, an external DynamoDB Local or Step Functions Local, where the data lives, and how long
 * retries wait. The banner lists what the template holds that does not run offline.
 *
 * package.json runs it with --max-semi-space-size=32: V8 sizes the young generation from the
 * machine's memory (128 MB on a 24 GB machine), and 64 MB serves the platform as fast (npm run
 * bench: about 50 MB less peak RSS at concurrency 32, the same executions per second). And with
 * --optimize-for-size: without it V8 lets the old generation grow far past what is live on a long
 * run (RSS 546 MB after 10,000 executions of the project's state machine at concurrency 32, with
 * some 70 MB live); with it, 196 MB, for some 40 % fewer executions per second through npm start
 * (82-86 against 124-162 a second, back to back on 2 shared cores). --heap-growing-percent=25 with --max-semi-space-size=16 kept the
 * speed but ended at 281-288 MB: too close to the 300 MB budget.
 */
import { createWriteStream } from 'node:fs';
import { relative, resolve } from 'node:path';
import { styleText } from 'node:util';
import {
  DYNAMODB_CHOICES,
  type DynamoDBChoice,
  INSTALL_JAVA,
} from '../emulators/dynamodb-backend.ts';
import { DYNAMODB_LOCAL } from '../emulators/dynamodb-local/install.ts';
import { DEFAULT_RETAINED_EXECUTIONS } from '../emulators/sfn/service.ts';
import { loadPlugin, type Plugin } from '../plugin.ts';
import {
  ARCHIVE_FILE,
  DEFAULT_CONSOLE_PORT,
  DEFAULT_MOCK_CONFIG,
  DEFAULT_PORTS,
  type LocalStack,
  type StackOptions,
  startStack,
} from '../stack.ts';
import { parseParameterOverrides } from '../template/resolve.ts';
import type { Unsupported } from '../template/support.ts';
import { TEMPLATE_PATH } from '../template/template.ts';
import { readCommandLine } from './command-line.ts';
import { LOG_FORMATS, type LogFormat, startOutput } from './start-output.ts';

const HELP = `Usage: npm start -- [options]

Starts a SAM template locally (template.yaml, or --template):
  HTTP API (like sam local start-api), Lambda Invoke API (like sam local start-lambda),
  Step Functions API (like Step Functions Local), DynamoDB API (AWS's DynamoDB Local when Java
  is found, else dynalite), SNS and EventBridge, and a console. What the template holds that
  does not run offline is listed at start. The package.json beside the template may name a
  plugin for it ("offline": { "plugins": { "<template file>": "<module>" } }).

Options:
  --template <path>             the SAM template (default template.yaml)
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
  --schedule-seconds <s>        run the template's schedules this often (default: their rate)
  --parameter-overrides <K=V>   template parameters, e.g. "LogLevel=WARN"; repeatable
  --skip-build                  run what .aws-sam/build holds instead of building first
  --log-format <text|json>      text (default): a short line per step, end and message, and the
                                functions' errors; json: the functions' log lines as Lambda
                                writes them (what their log groups would hold) instead of steps
  --log-file <path>             also append the functions' log lines, as written, to this file
                                (as sam local's --log-file)
  --help                        this text

Environment:
  DYNAMODB_ENDPOINT     use this DynamoDB (e.g. DynamoDB Local in Docker) instead of starting one
  SFN_ENDPOINT          use this Step Functions (e.g. Step Functions Local) instead of the built-in one
  SFN_MOCK_CONFIG       the mock configuration (default ${DEFAULT_MOCK_CONFIG} beside the template)
  LOCAL_DATA_DIR, LOCAL_RETRY_DELAY_MS   defaults for --data-dir and --retry-delay-ms
`;

const { values } = readCommandLine(HELP, {
  options: {
    template: { type: 'string' },
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
    'log-format': { type: 'string' },
    'log-file': { type: 'string' },
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

const logFormat = values['log-format'] ?? 'text';
if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
  console.error(`--log-format takes ${LOG_FORMATS.join(' or ')}, not "${logFormat}"`);
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

const templatePath = values.template ? resolve(values.template) : TEMPLATE_PATH;
let plugin: Plugin | undefined;
try {
  plugin = await loadPlugin(templatePath);
} catch (error) {
  console.error(`Could not load the template's plugin: ${(error as Error).message}`);
  process.exit(1);
}

// What the platform does, as it does it (start-output.ts). Node's own rule for colours: a
// terminal that has them, unless NO_COLOR (or FORCE_COLOR, NODE_DISABLE_COLORS, TERM) says no.
const output = startOutput({
  format: logFormat as LogFormat,
  color: styleText('red', '.', { stream: process.stdout }) !== '.',
  plugin,
  print: (line) => process.stdout.write(`${line}\n`),
});
const logFile = values['log-file']
  ? createWriteStream(resolve(values['log-file']), { flags: 'a' })
  : undefined;
logFile?.on('error', (error) => {
  console.error(`--log-file: ${error.message}`);
  process.exit(1);
});

const dynamodbEndpoint = process.env.DYNAMODB_ENDPOINT;
const sfnEndpoint = process.env.SFN_ENDPOINT;
const options: StackOptions = {
  template: templatePath,
  plugin,
  ...(values.host ? { host: values.host } : {}),
  ports,
  parameters,
  build: { skip: values['skip-build'] ?? false },
  ...(dataDir ? { dataDir } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
  onFunctionLog: (line) => {
    logFile?.write(line.text);
    output.functionLog(line);
  },
  ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  ...(values['allow-host'] ? { allowedHosts: values['allow-host'] } : {}),
  dynamodb: {
    ...(choice ? { engine: choice as DynamoDBChoice } : {}),
    ...(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
  },
  stepFunctions: {
    ...(sfnEndpoint ? { endpoint: sfnEndpoint } : {}),
    ...(retainedExecutions === undefined ? {} : { retainedExecutions }),
    onHistoryEvent: output.historyEvent,
  },
  messaging: {
    onMessage: output.message,
    ...(scheduleSeconds === undefined ? {} : { scheduleIntervalMs: scheduleSeconds * 1000 }),
  },
};

let stack: LocalStack | undefined;
/** A part of the platform is gone for good: one line, what remains closed, and exit 1. */
options.onFatal = (message) => {
  console.error(`\n${message}`);
  const exit = () => process.exit(1);
  setTimeout(exit, 5000).unref();
  void (stack?.close() ?? Promise.resolve()).finally(exit);
};
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
  await stack?.close();
  await new Promise<void>((done) => (logFile ? logFile.end(done) : done()));
  process.stdout.write('Stopped.\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

/** Names, comma-separated, wrapped under a banner column. */
const listed = (names: readonly string[], indent = 19) => {
  const lines: string[] = [];
  for (const name of names) {
    const last = lines.length - 1;
    if (last >= 0 && (lines[last] ?? '').length + name.length < 100 - indent)
      lines[last] += `, ${name}`;
    else lines.push(name);
  }
  return lines.join(`,\n${' '.repeat(indent)}`) || 'none';
};

/** What does not run offline, grouped by what and why. */
const notRun = (unsupported: readonly Unsupported[]) => {
  const groups = new Map<string, string[]>();
  for (const { logicalId, what, why } of unsupported) {
    const key = `${what}: ${why}`;
    groups.set(key, [...(groups.get(key) ?? []), logicalId]);
  }
  return [...groups].map(([key, ids]) => `    ${key}\n      ${listed(ids, 6)}`).join('\n');
};

const { api, lambda, sfn, dynamodb, messaging, console: consoleUrl } = stack.endpoints;
const storage = dynamodbEndpoint
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
const tables = Object.values(stack.tables);
const every = (ms: number) =>
  ms % 60_000 === 0 ? `every ${ms / 60_000} min` : `every ${ms / 1000} s`;
const schedules =
  stack.schedules.length === 0
    ? 'no schedule'
    : `schedules: ${listed(
        stack.schedules.map(
          ({ target, intervalMs }) =>
            `${target} ${every(scheduleSeconds === undefined ? intervalMs : scheduleSeconds * 1000)}`,
        ),
      )}`;
const machines = Object.values(stack.stateMachines);
const logLine = [
  logFormat === 'json'
    ? "the functions' log lines, as Lambda writes them"
    : `a line per ${sfnEndpoint ? '' : 'step, end and '}message; the functions' own log lines: --log-format json`,
  ...(values['log-file'] ? [`also in ${values['log-file']}`] : []),
].join('; ');

process.stdout.write(`
${plugin ? `${plugin.name} running` : 'Running'} locally, from ${relative(process.cwd(), templatePath) || templatePath}${plugin ? ` (with its plugin)` : ''}

  HTTP API         ${api}    (like sam local start-api)
  Lambda Invoke    ${lambda}    functions: ${listed(stack.lambda.functions.map((fn) => fn.config.name))}
  Step Functions   ${sfn}    ${sfnEndpoint ? '(external) ' : ''}${listed(machines)}
  DynamoDB         ${dynamodb}    ${engine}${tables.length === 1 ? 'table' : 'tables'} ${listed(tables)}, ${storage}${fallback}
  SNS, EventBridge ${messaging}    ${schedules}
  Retries          ${retryDelayMs === undefined ? "the ASL's backoff (real waits)" : `${retryDelayMs} ms each`}
  Console          ${consoleUrl}/    each execution on its state machine's graph
  Logs             ${logLine}
${
  stack.unsupported.length > 0
    ? `
  Not run offline (listed by logical id, with why):
${notRun(stack.unsupported)}
`
    : ''
}${plugin?.banner?.(stack.running) ?? ''}
${
  machines[0]
    ? `  aws stepfunctions list-executions --endpoint-url ${sfn} --state-machine-arn ${machines[0]}\n`
    : ''
}${tables[0] ? `  aws dynamodb scan --endpoint-url ${dynamodb} --table-name ${tables[0]}\n` : ''}
Ctrl-C stops everything.
`);
