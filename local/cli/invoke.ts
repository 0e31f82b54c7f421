/**
 * `npm run invoke -- <FunctionLogicalId> events/<fixture>.json`: runs one function of
 * template.yaml with an event, as `sam local invoke -e` does: freshly built, with the environment
 * the template gives it, against the local DynamoDB (127.0.0.1:8000 from `npm start`, or
 * DYNAMODB_ENDPOINT) and Step Functions (127.0.0.1:8083, or SFN_ENDPOINT). Prints the result as
 * JSON; a function error is printed the same way and exits with status 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTables } from '../emulators/dynamodb.ts';
import { LocalFunction } from '../emulators/lambda-runtime.ts';
import { DEFAULT_PORTS, functionConfigs } from '../stack.ts';
import { buildAll } from '../template/build.ts';
import { createResolver, localAccount } from '../template/resolve.ts';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../template/template.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'parameter-overrides': { type: 'string', multiple: true }, help: { type: 'boolean' } },
});

const template = readTemplate();
const functions = functionsOf(template);
const usage = `Usage: npm run invoke -- <FunctionLogicalId> <event.json> [--parameter-overrides K=V]
Functions: ${functions.map((fn) => fn.logicalId).join(', ')}`;

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [logicalId, eventPath] = positionals;
if (!logicalId || !eventPath) fail(usage);
if (!functions.some((fn) => fn.logicalId === logicalId)) {
  fail(`No function ${logicalId} in template.yaml
${usage}`);
}

let event: unknown;
try {
  event = JSON.parse(readFileSync(eventPath ?? '', 'utf8'));
} catch (error) {
  fail(`Cannot read the event ${eventPath}: ${(error as Error).message}`);
}

const parameters = Object.fromEntries(
  (values['parameter-overrides'] ?? [])
    .flatMap((text) => text.split(/\s+/))
    .filter(Boolean)
    .map((pair) => pair.split('=', 2) as [string, string]),
);
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
  buildDir,
).find((candidate) => candidate.name === logicalId);
if (!config) fail(`No function ${logicalId}`);
// As sam local invoke: the function's logs on stderr, its result alone on stdout.
const stdout = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
const fn = new LocalFunction(config as NonNullable<typeof config>);
const result = await fn.invoke(event);
await fn.close();
stdout(`${JSON.stringify(result.ok ? result.payload : result.error, null, 2)}\n`);
process.exit(result.ok ? 0 : 1);
