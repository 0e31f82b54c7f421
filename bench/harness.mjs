// A cold start, as Lambda makes one: a fresh Node process loads the bundle and serves its first
// event. Prints, on stderr (stdout is the function's logs), how long after the process started
// the module was loaded and the event served, as measured by the process itself.
// Usage: node harness.mjs <bundle> <event.json> [exportName]
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, exportName = 'handler'] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const module = await import(pathToFileURL(bundle).href);
const loaded = performance.now();
const handler = module[exportName] ?? module.default?.[exportName];
const context = {
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: '256',
  awsRequestId: 'cold-start',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
};
let outcome = 'ok';
try {
  await handler(event, context);
} catch (error) {
  outcome = error?.name ?? 'error';
}
const served = performance.now();
process.stderr.write(`COLD-START ${JSON.stringify({ loaded, served, outcome })}\n`);
process.exit(0);
