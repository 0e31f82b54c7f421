/**
 * Cost per million bookings, per path, from counted events: state transitions (task attempts and
 * the other states entered, from the execution history), Lambda invocations and their billed
 * GB-s, DynamoDB write and read request units (from the calls each function made), HTTP API
 * requests, the outcome's event on the custom bus and the customer's SNS message. Priced at
 * published us-east-1 list prices.
 */
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '../functions/commons/trip/document.ts';
import type { CallRecorder } from '../local/checks/calls.ts';
import type { LocalStack } from '../local/stack.ts';
import { functionsOf, readTemplate } from '../local/template/template.ts';
import { round } from './stats.ts';

/** us-east-1 list prices, as published (checked 2026-11-26; DynamoDB on-demand since 2024-11-01). */
export const PRICES = {
  checked: '2026-11-26',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaArmPerGbSecond: 0.0000133334,
  dynamodbPerWriteUnit: 0.625 / 1_000_000,
  dynamodbPerReadUnit: 0.125 / 1_000_000,
  httpApiPerRequest: 1.0 / 1_000_000,
  restApiPerRequest: 3.5 / 1_000_000,
  // Custom events put on a bus; SNS publishes (an email delivery is $2 per 100,000 more).
  eventBridgePerEvent: 1.0 / 1_000_000,
  snsPerPublish: 0.5 / 1_000_000,
};

export interface PathCount {
  path: string;
  transitions: number;
  invocations: number;
  gbSeconds: number;
  writeUnits: number;
  readUnits: number;
  apiRequests: number;
  /** Outcome events put on TripEventsBus. */
  busEvents: number;
  /** Messages published to the customer notifications topic. */
  messages: number;
  costPerMillion: number;
}

export const costOf = (
  count: Omit<PathCount, 'costPerMillion' | 'path'>,
  apiPrice = PRICES.httpApiPerRequest,
) =>
  round(
    1_000_000 *
      (count.transitions * PRICES.stepFunctionsPerTransition +
        count.invocations * PRICES.lambdaPerRequest +
        count.gbSeconds * PRICES.lambdaArmPerGbSecond +
        count.writeUnits * PRICES.dynamodbPerWriteUnit +
        count.readUnits * PRICES.dynamodbPerReadUnit +
        count.apiRequests * apiPrice +
        count.busEvents * PRICES.eventBridgePerEvent +
        count.messages * PRICES.snsPerPublish),
    2,
  );

const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const READS = ['dynamodb:GetItem', 'dynamodb:Query'];

/** Books one trip of each run type through the API (compensations not failing at random) and counts. */
export const countPaths = async (
  stack: LocalStack,
  recorder: CallRecorder,
): Promise<PathCount[]> => {
  const service = stack.stepFunctions;
  if (!service) throw new Error('The bench runs on the built-in Step Functions');
  const memoryGb = Number(readTemplate().Globals?.Function?.MemorySize ?? 128) / 1024;
  const functions = new Set(functionsOf(readTemplate()).map((fn) => fn.logicalId));
  const counts: PathCount[] = [];
  for (const runType of RUN_TYPES as readonly RunType[]) {
    const calls = recorder.calls.length;
    const billed = stack.lambda.functions.reduce((sum, fn) => sum + fn.billedMilliseconds, 0);
    const response = await fetch(`${stack.endpoints.api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        trip_id: `cost-${runType}-${Date.now()}`,
        ...REFERENCE_TRIP,
        run_type: runType,
      }),
    });
    const { execution_arn } = (await response.json()) as { execution_arn: string };
    const execution = service.execution(execution_arn);
    await execution.done;
    // The reconciler's run at the end of the saga, and the customer's message after it, are part
    // of every booking's cost.
    await stack.events.idle();
    const events = execution.history.events;
    const attempts = events.filter((event) => event.type === 'TaskScheduled').length;
    const otherStates = events.filter(
      (event) => event.type.endsWith('StateEntered') && event.type !== 'TaskStateEntered',
    ).length;
    const made = recorder.calls.slice(calls).filter((call) => functions.has(call.caller));
    const count = {
      transitions: attempts + otherStates,
      // The saga's tasks, the API's function, the reconciler the end of the saga invokes, and the
      // notifier its outcome event invokes. (The reconciler's DescribeExecution, which confirms the
      // end, is an API call Step Functions does not bill.)
      invocations: attempts + 3,
      gbSeconds: round(
        ((stack.lambda.functions.reduce((sum, fn) => sum + fn.billedMilliseconds, 0) - billed) /
          1000) *
          memoryGb,
        4,
      ),
      // Every item here is under 1 KB: one write unit each, one read unit per strongly consistent read.
      // The trip record enters the OpenTrips index when written and leaves it once its notice is
      // sent (its conclusion keeps the index key as it is, so the index is not written then):
      // DynamoDB bills each change of the index as one more write.
      writeUnits:
        made.filter((call) => WRITES.includes(call.action)).length + OPEN_TRIPS_INDEX_WRITES,
      readUnits: made.filter((call) => READS.includes(call.action)).length,
      apiRequests: 1,
      busEvents: made.filter((call) => call.action === 'events:PutEvents').length,
      messages: made.filter((call) => call.action === 'sns:Publish').length,
    };
    counts.push({ path: runType, ...count, costPerMillion: costOf(count) });
  }
  return counts;
};

/**
 * Index writes per booking: the trip record put into the sparse OpenTrips index, then taken out
 * when the notice its outcome owes is sent.
 */
const OPEN_TRIPS_INDEX_WRITES = 2;

/** The reference design on success: 6 transitions, 6 invocations, 5 writes, a REST API; 128 MB. */
export const referenceSuccess = (ours: PathCount): PathCount => {
  const count = {
    transitions: 6,
    invocations: 6,
    // Assumed: the same durations as ours, at the CDK default of 128 MB.
    gbSeconds: round(ours.gbSeconds / 2, 4),
    writeUnits: 5,
    readUnits: 0,
    apiRequests: 1,
    busEvents: 0,
    messages: 0,
  };
  return {
    path: 'reference design, success',
    ...count,
    costPerMillion: costOf(count, PRICES.restApiPerRequest),
  };
};
