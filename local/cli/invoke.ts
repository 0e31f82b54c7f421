/**
 * `npm run invoke -- <FunctionLogicalId> events/<fixture>.json`: runs one function of
 * template.yaml with an event, as `sam local invoke -e` does: freshly built, with the environment
 * the template gives it, against the local DynamoDB (127.0.0.1:8000 from `npm start`, or
 * DYNAMODB_ENDPOINT) and Step Functions (127.0.0.1:8083, or SFN_ENDPOINT). Prints the result as
 * JSON; a function error is one line on stderr, its name and message, with exit status 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTables } from '../emulators/dynamodb.ts';
import { LocalFunction } from '../emulators/lambda-runtime.ts';
import { functionConfigs } from '../stack/functions.ts';
import { DEFAULT_PORTS } from '../stack.ts';
import { buildAll } from '../template/build.ts';
import { createResolver, localAccount, parseParameterOverrides } from '../template/resolve.ts';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../template/template.ts';
import { readCommandLine, usageError } from './command-line.ts';

const template = readTemplate();
const functions = functionsOf(template);
const usage = `Usage: npm run invoke -- <FunctionLogicalId> <event.json> [--parameter-overrides K=V]
Functions: ${functions.map((fn) => fn.logicalId).join(', ')}

Runs one function of template.yaml with the event in <event.json>, as sam local invoke -e does,
against the local DynamoDB (DYNAMODB_ENDPOINT, default http://127.0.0.1:${DEFAULT_PORTS.dynamodb}) and
Step Functions (SFN_ENDPOINT, default http://127.0.0.1:${DEFAULT_PORTS.sfn}). Prints the result as JSON;
a function's error is one line on stderr (its name and message), and the exit status is 1.

Options:
  --parameter-overrides <K=V>   template parameters, e.g. "FailureInjection=disabled"; repeatable
  --help                        this text
`;

const { positionals, values } = readCommandLine(usage, {
  allowPositionals: true,
  options: { 'parameter-overrides': { type: 'string', multiple: true } },
});

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const [logicalId, eventPath] = positionals;
if (!logicalId || !eventPath) usageError(usage, 'Name a function and an event file');
if (positionals.length > 2)
  usageError(
    usage,
    `A function and an event file, nothing more: ${positionals.slice(2).join(' ')}`,
  );
if (!functions.some((fn) => fn.logicalId === logicalId))
  usageError(usage, `No function ${logicalId} in template.yaml`);
const parameters = (() => {
  try {
    return parseParameterOverrides(values['parameter-overrides'] ?? []);
  } catch (error) {
    return usageError(usage, (error as Error).message);
  }
})();

let event: unknown;
try {
  event = JSON.parse(readFileSync(eventPath ?? '', 'utf8'));
} catch (error) {
  fail(`Cannot read the event ${eventPath}: ${(error as Error).message}`);
}

const account = localAccount();
const endpoints = {
  dynamodb: process.env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${DEFAULT_PORTS.dynamodb}`,
  sfn: process.env.SFN_ENDPOINT ?? `http://127.0.0.1:${DEFAULT_PORTS.sfn}`,
  lambda: `http://127.0.0.1:${DEFAULT_PORTS.lambda}`,
};

try {
  await createTables(endpoints.dynamodb, template);
} catch (error) {
  fail(
    `DynamoDB is not reachable at ${endpoints.dynamodb} (${(error as Error).message}).\nStart the platform with npm start, or set DYNAMODB_ENDPOINT.`,
  );
}

// Its own build folder, so a running npm start (which rebuilds .aws-sam/build) is left alone.
const buildDir = join(PROJECT_ROOT, '.aws-sam', 'invoke');
await buildAll(buildDir);
const config = functionConfigs(
  template,
  createResolver(template, account, parameters),
  account,
  endpoints,
  { templateDir: PROJECT_ROOT, buildDir },
).find((candidate) => candidate.name === logicalId);
if (!config) fail(`No function ${logicalId}`);
// As sam local invoke: the function's logs on stderr, its result alone on stdout.
const stdout = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const fn = new LocalFunction(config as NonNullable<typeof config>);
const result = await fn.invoke(event);
await fn.close();
if (result.ok) {
  stdout(`${JSON.stringify(result.payload, null, 2)}\n`);
  process.exit(0);
}
// A function's error, as a person reads it: its name and message on one line (its stack is in
// the function's own log line above, as Lambda writes it).
process.stderr.write(
  `${logicalId} failed: ${result.error.errorType}: ${result.error.errorMessage.replaceAll('\n', ' ')}\n`,
);
process.exit(1);
