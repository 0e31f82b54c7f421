/**
 * Least privilege, measured: the platform records every call each function and the state
 * machine make while scenarios drive every code path, and each one's recorded actions must be
 * exactly what its role grants in the SAM-transformed template: nothing granted that the code
 * never uses, nothing used that is not granted, on no resource but the ones granted.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TRIP, RUN_TYPES, type RunType } from '../../functions/commons/trip/document.ts';
import { ASL_PATH } from '../../local/app/saga.ts';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { type Call, CallRecorder } from '../../local/checks/calls.ts';
import type { FaultPlan } from '../../local/checks/faults.ts';
import { placeholdersOf } from '../../local/template/asl.ts';
import { createResolver, functionArn, localAccount } from '../../local/template/resolve.ts';
import { functionsOf, readTemplate, TEMPLATE_PATH } from '../../local/template/template.ts';
import {
  managedPoliciesOf,
  permissionsOf,
  rolesOf,
  type Statement,
  statementsOf,
  type TransformedResources,
  transformTemplate,
} from '../support/sam-template.ts';
import {
  externalStepFunctions,
  type TestPlatform,
  useTestStack,
  waitForExecution,
} from '../support/stack.ts';
import { PRODUCTION, tokenFor } from '../support/tokens.ts';

const template = readTemplate();
const FUNCTIONS = functionsOf(template).map((fn) => fn.logicalId);
const STATE_MACHINE = 'BookingSaga';
const account = localAccount();
const resolve = createResolver(template, account);

/** A trip whose CancelFlight fails every attempt, so its leftover is recorded. */
const LEFTOVER_TRIP = 'leftover-';
/** A trip whose CancelFlight and RecordLeftover both fail: the reconciler records the leftover. */
const UNRECORDED_TRIP = 'unrecorded-';

// Every task is delivered twice, so the branches that find an earlier write run too.
const faults: FaultPlan = ({ executionArn, state }) => {
  const failing =
    (state === 'CancelFlight' &&
      (executionArn.includes(`:${LEFTOVER_TRIP}`) ||
        executionArn.includes(`:${UNRECORDED_TRIP}`))) ||
    (state === 'RecordCancelFlightLeftover' && executionArn.includes(`:${UNRECORDED_TRIP}`));
  return failing
    ? { kind: 'fail', error: 'Lambda.ServiceException', cause: 'Unavailable (injected)' }
    : { kind: 'duplicate' };
};

/**
 * Granted for a path no scenario here reaches without a DynamoDB fault: the sweep opens a
 * leftover only when undoing a booking fails (test/unit/saga-end.test.ts covers that path).
 */
const UNREACHED: Record<string, string[]> = { SweepTripsFunction: ['dynamodb:PutItem'] };

const BOOKINGS_TABLE_ARN = String(resolve({ 'Fn::GetAtt': ['BookingsTable', 'Arn'] }));

/** The ARN IAM checks a call against: DynamoDB and Lambda calls may name their resource. */
const arnOf = ({ action, resource }: Call): string => {
  if (action.startsWith('dynamodb:'))
    return `arn:aws:dynamodb:${account.region}:${account.accountId}:table/${resource}`;
  if (action.startsWith('lambda:') && !resource.startsWith('arn:'))
    return functionArn(account, resource);
  return resource;
};

/** IAM's wildcards: `*` any run of characters, `?` any one. */
const matches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((character) => {
        if (character === '*') return '.*';
        if (character === '?') return '.';
        return character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('')}$`,
  ).test(value);

/** IAM reads an action's name case-insensitively (SAM writes its destination grant `sns:publish`). */
const actionName = (action: string) => action.toLowerCase();

/** Whether one of the statements allows the call on its resource. */
const allows = (statements: Statement[], call: Call): boolean =>
  statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      [statement.Action]
        .flat()
        .some((action) => matches(actionName(action), actionName(call.action))) &&
      [resolve(statement.Resource)]
        .flat()
        .some((resource) => matches(String(resource), arnOf(call))),
  );

let resources: TransformedResources;

beforeAll(() => {
  resources = transformTemplate();
});

describe.skipIf(externalStepFunctions)('measured calls against granted permissions', () => {
  const recorder = new CallRecorder();
  const platform = useTestStack({ faults, recorder });
  const seen = {} as Awaited<ReturnType<typeof driveEveryPath>>;

  beforeAll(async () => {
    // Act (for every test below): the scenarios that reach every code path.
    Object.assign(seen, await driveEveryPath(platform));
  });

  /** The calls of each caller; calls without a caller are the test's own. */
  const callsOf = (caller: string) => recorder.calls.filter((call) => call.caller === caller);

  it('reaches every code path: each run type, every task twice, a leftover and its repair, a trip status, a repeat and a conflict', () => {
    // Assess
    expect(seen.outcomes).toEqual({
      // Every run type that fails a step ends in BookingFailed.
      ...Object.fromEntries(
        RUN_TYPES.map((runType) => [
          runType,
          runType === 'success' ? 'SUCCEEDED' : 'BookingFailed',
        ]),
      ),
      leftover: 'BookingNeedsRepair',
      unrecorded: 'BookingNeedsRepair',
    });
    // The reconciler recorded what RecordLeftover could not; the sweep settled a trip never started.
    expect(seen.unrecordedLeftovers).toEqual([
      expect.objectContaining({ compensation: 'CancelFlight', repair_status: 'open' }),
    ]);
    expect(seen.swept).toMatchObject({
      saga_status: 'failed',
      execution: { status: 'NOT_STARTED' },
    });
    expect(seen.directStatus).toBe(200);
    // An event each of them could not read, failed three times: Lambda's record of it, on the
    // operators' topic.
    expect(seen.failedEvents).toEqual(['NotifyCustomerFunction', 'ReconcileTripFunction']);
    expect(seen.repair).toEqual({ functionError: undefined, tripId: seen.leftoverTripId });
    // Read after the repair: the leftover resolved, the flight it named cancelled.
    expect(seen.status).toMatchObject({
      saga_status: 'failed',
      leftovers: [{ compensation: 'CancelFlight', repair_status: 'resolved' }],
    });
    expect(seen.status.bookings).toContainEqual(
      expect.objectContaining({ type: 'Flight', transaction_status: 'cancelled' }),
    );
    expect(seen.repeat).toEqual({ status: 202, executionArn: seen.successExecutionArn });
    expect(seen.conflict).toBe(409);
    // Every task was delivered twice (but CancelFlight of the leftover trip, failed before it ran).
    const invocations = new Map<string, number>();
    for (const { resource } of callsOf(STATE_MACHINE))
      invocations.set(resource, (invocations.get(resource) ?? 0) + 1);
    expect([...invocations.values()].filter((count) => count % 2 !== 0)).toEqual([]);
  });

  it('records calls from every function and the state machine, and from nothing else', () => {
    // Assess
    const callers = new Set(recorder.calls.map((call) => call.caller));
    callers.delete('unknown');

    expect([...callers].sort()).toEqual([...FUNCTIONS, STATE_MACHINE].sort());
  });

  it.each(FUNCTIONS)(
    '%s uses exactly the actions its role grants, on the resources granted',
    (functionId) => {
      // Prepare
      const roleId = `${functionId}Role`;
      const statements = statementsOf(resources, roleId);

      // Assess
      const names = (actions: string[]) => [...new Set(actions.map(actionName))].sort();
      expect(
        names([
          ...(recorder.actionsByCaller()[functionId] ?? []),
          ...(UNREACHED[functionId] ?? []),
        ]),
      ).toEqual(names(Object.keys(permissionsOf(resources, roleId))));
      expect(callsOf(functionId).filter((call) => !allows(statements, call))).toEqual([]);
      // Beyond its inline policy: only what the Lambda runtime itself uses (its logs; X-Ray
      // segments where the saga's trace begins, StartBooking).
      expect(managedPoliciesOf(resources, roleId)).toEqual([
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        ...(functionId === 'StartBookingFunction'
          ? ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess']
          : []),
      ]);
    },
  );

  it('lets the state machine invoke exactly the functions its ASL names, which it invokes', () => {
    // Prepare
    const roleId = `${STATE_MACHINE}Role`;
    const substitutions = template.Resources[STATE_MACHINE]?.Properties
      ?.DefinitionSubstitutions as Record<string, unknown>;
    const named = [...placeholdersOf(readFileSync(ASL_PATH, 'utf8'))]
      .map((placeholder) => String(resolve(substitutions[placeholder])))
      .sort();
    const permissions = permissionsOf(resources, roleId);

    // Assess
    expect(
      [...new Set(callsOf(STATE_MACHINE).map((call) => call.resource))].sort(),
      'invoked',
    ).toEqual(named);
    expect(
      (permissions['lambda:InvokeFunction'] ?? []).length,
      'granted on one ARN per function',
    ).toBe(named.length);
    expect(
      statementsOf(resources, roleId)
        .filter((statement) => [statement.Action].flat().includes('lambda:InvokeFunction'))
        .flatMap((statement) => [resolve(statement.Resource)].flat())
        .sort(),
      'granted',
    ).toEqual(named);
    expect(recorder.actionsByCaller()[STATE_MACHINE]).toEqual(['lambda:InvokeFunction']);
    // Beyond invoking: only log delivery, done by the service, whose actions accept only "*".
    expect(Object.keys(permissions).filter((action) => !action.startsWith('logs:'))).toEqual([
      'lambda:InvokeFunction',
    ]);
  });

  it('lets the API functions start only this state machine, and the functions that act on an end describe only its executions', () => {
    // Prepare
    const stateMachineArn = platform.stack.stateMachineArn;
    const executions = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:*`;
    const stateCalls = recorder.calls.filter(
      (call) => call.caller !== 'unknown' && call.action.startsWith('states:'),
    );

    // Assess
    for (const roleId of rolesOf(resources)) {
      const granted = statementsOf(resources, roleId).flatMap((statement) =>
        [statement.Action]
          .flat()
          .filter((action) => action.startsWith('states:'))
          .map((action) => `${action} ${[resolve(statement.Resource)].flat().join(' ')}`),
      );
      expect(granted, roleId).toEqual(
        {
          StartBookingFunctionRole: [
            `states:StartExecution ${stateMachineArn}`,
            `states:DescribeExecution ${executions}`,
          ],
          GetTripFunctionRole: [`states:DescribeExecution ${executions}`],
          SweepTripsFunctionRole: [`states:DescribeExecution ${executions}`],
          // An end is acted on only once Step Functions confirms it; a repair never runs on a
          // trip whose execution still runs.
          ReconcileTripFunctionRole: [`states:DescribeExecution ${executions}`],
          RepairTripFunctionRole: [`states:DescribeExecution ${executions}`],
        }[roleId] ?? [],
      );
    }
    expect(new Set(stateCalls.map((call) => call.caller))).toEqual(
      new Set([
        'StartBookingFunction',
        'GetTripFunction',
        'SweepTripsFunction',
        'ReconcileTripFunction',
        'RepairTripFunction',
      ]),
    );
    for (const call of stateCalls) {
      if (call.action === 'states:StartExecution') expect(call.resource).toBe(stateMachineArn);
      else expect(matches(executions, call.resource), call.resource).toBe(true);
    }
    expect(stateCalls.map((call) => call.action).sort()).toContain('states:DescribeExecution');
  });

  it("lets only the concluding functions put events, only on the trip events bus, only the notifier publish to the customers' topic, and the events' failures go only to the operators' topic", () => {
    // Prepare
    const bus = String(resolve({ 'Fn::GetAtt': ['TripEventsBus', 'Arn'] }));
    const topic = String(resolve({ Ref: 'CustomerNotificationsTopic' }));
    const operators = String(resolve({ Ref: 'RepairAlertsTopic' }));
    const messagingCalls = recorder.calls.filter(
      (call) => call.action.startsWith('events:') || call.action.startsWith('sns:'),
    );
    const grantedTo = (prefix: string) => {
      const granted: Record<string, unknown[]> = {};
      for (const roleId of rolesOf(resources))
        for (const statement of statementsOf(resources, roleId))
          if ([statement.Action].flat().some((action) => action.startsWith(prefix)))
            granted[roleId] = [
              ...(granted[roleId] ?? []),
              ...[resolve(statement.Resource)].flat(),
            ].sort();
      return granted;
    };

    // Assess
    expect(grantedTo('events:')).toEqual({
      ReconcileTripFunctionRole: [bus],
      SweepTripsFunctionRole: [bus],
      RepairTripFunctionRole: [bus],
    });
    // The operators' topic: Lambda's on-failure destination, sent with the function's role.
    expect(grantedTo('sns:')).toEqual({
      NotifyCustomerFunctionRole: [topic, operators].sort(),
      ReconcileTripFunctionRole: [operators],
    });
    expect(
      [
        ...new Set(messagingCalls.map((call) => `${call.caller} ${call.action} ${call.resource}`)),
      ].sort(),
    ).toEqual([
      `NotifyCustomerFunction sns:Publish ${topic}`,
      `NotifyCustomerFunction sns:Publish ${operators}`,
      `ReconcileTripFunction events:PutEvents ${bus}`,
      `ReconcileTripFunction sns:Publish ${operators}`,
      `RepairTripFunction events:PutEvents ${bus}`,
      `SweepTripsFunction events:PutEvents ${bus}`,
    ]);
    // Each trip that ended was told: one message per notice.
    expect(seen.notices).toEqual({ leftover: ['needs_repair', 'repaired'], success: ['booked'] });
  });

  it('keeps every DynamoDB permission and every DynamoDB call to the bookings table and its index', () => {
    // Prepare
    const dynamodbCalls = recorder.calls.filter(
      (call) => call.caller !== 'unknown' && call.action.startsWith('dynamodb:'),
    );

    // Assess
    for (const roleId of rolesOf(resources)) {
      for (const statement of statementsOf(resources, roleId)) {
        if (![statement.Action].flat().some((action) => action.startsWith('dynamodb:'))) continue;
        expect([resolve(statement.Resource)].flat(), roleId).toEqual([
          [statement.Action].flat().includes('dynamodb:Query') &&
          roleId === 'SweepTripsFunctionRole' &&
          String(resolve(statement.Resource)).includes('/index/')
            ? `${BOOKINGS_TABLE_ARN}/index/OpenTrips`
            : BOOKINGS_TABLE_ARN,
        ]);
      }
    }
    expect(dynamodbCalls.length).toBeGreaterThan(0);
    expect(new Set(dynamodbCalls.map((call) => call.resource))).toEqual(
      new Set([platform.stack.tableName, `${platform.stack.tableName}/index/OpenTrips`]),
    );
  });
});

describe.skipIf(externalStepFunctions)(
  'the production profile: measured calls against granted permissions',
  () => {
    const recorder = new CallRecorder();
    const platform = useTestStack({ parameters: PRODUCTION, recorder });
    let production: TransformedResources;
    let answers: number[] = [];

    beforeAll(async () => {
      production = transformTemplate(TEMPLATE_PATH, PRODUCTION);
      // Act: signed-in customers book, repeat, collide and read, as the production API allows.
      const [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);
      const api = (path: string, token: string, body?: unknown) =>
        fetch(`${platform.stack.endpoints.api}${path}`, {
          ...(body ? { method: 'POST', body: JSON.stringify(body) } : {}),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });
      const trip = { ...REFERENCE_TRIP, trip_id: `privilege-production-${randomUUID()}` };
      const started = await api('/trips', alice, trip);
      const { execution_arn } = (await started.json()) as { execution_arn: string };
      await waitForExecution(platform.clients.sfn, execution_arn);
      await platform.stack.events.idle();
      const later = await Promise.all([
        api('/trips', alice, trip),
        api('/trips', bob, trip),
        api(`/trips/${trip.trip_id}`, alice),
        api(`/trips/${trip.trip_id}`, bob),
      ]);
      await platform.stack.runSchedules();
      await platform.stack.events.idle();
      answers = [started.status, ...later.map((response) => response.status)];
    });

    it('reached the API paths a customer can: start, repeat, conflict, read, not found', () => {
      expect(answers).toEqual([202, 202, 409, 200, 404]);
    });

    it.each(FUNCTIONS)('%s makes no call its production role does not grant', (functionId) => {
      // Prepare
      const statements = statementsOf(production, `${functionId}Role`);

      // Assess
      expect(
        recorder.calls
          .filter((call) => call.caller === functionId)
          .filter((call) => !allows(statements, call)),
      ).toEqual([]);
      expect(permissionsOf(production, `${functionId}Role`)).toEqual(
        permissionsOf(resources, `${functionId}Role`),
      );
    });
  },
);

describe('the SAM-transformed template', () => {
  const actionsOf = (roleId: string) => Object.keys(permissionsOf(resources, roleId));

  it('grants no wildcard action and no Scan to any role', () => {
    // Assess
    for (const roleId of rolesOf(resources)) {
      for (const action of actionsOf(roleId)) {
        expect(action, roleId).not.toContain('*');
        expect(action, roleId).not.toBe('dynamodb:Scan');
      }
    }
  });

  it('lets no reserve or confirm function delete an item', () => {
    // Prepare
    const forward = FUNCTIONS.filter((id) => /^(Reserve|Confirm)/.test(id));

    // Assess
    expect(forward).toHaveLength(4);
    for (const functionId of forward) {
      expect(actionsOf(`${functionId}Role`), functionId).not.toContain('dynamodb:DeleteItem');
      expect(actionsOf(`${functionId}Role`), functionId).not.toContain('dynamodb:BatchWriteItem');
    }
  });
});

/** What the scenarios saw, for the tests to check they reached every path. */
const driveEveryPath = async ({ stack, clients }: TestPlatform) => {
  const api = (path: string, init?: RequestInit) => fetch(`${stack.endpoints.api}${path}`, init);
  const post = (trip: Record<string, string>) =>
    api('/trips', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(trip),
    });
  const book = async (runType: RunType, prefix = 'privilege-') => {
    const trip = { ...REFERENCE_TRIP, trip_id: `${prefix}${randomUUID()}`, run_type: runType };
    const response = await post(trip);
    const { execution_arn } = (await response.json()) as { execution_arn: string };
    const { description } = await waitForExecution(clients.sfn, execution_arn);
    return { trip, executionArn: execution_arn, ending: description.error ?? description.status };
  };

  const [leftover, unrecorded, ...runs] = await Promise.all([
    book('failPayment', LEFTOVER_TRIP),
    book('failPayment', UNRECORDED_TRIP),
    ...RUN_TYPES.map((runType) => book(runType)),
  ]);
  const success = runs[RUN_TYPES.indexOf('success')];
  if (!leftover || !unrecorded || !success) throw new Error('A scenario did not run');
  await stack.events.idle();

  // A repeat while the first request's saga is open: StartBooking asks Step Functions for it.
  const twice = { ...REFERENCE_TRIP, trip_id: `privilege-${randomUUID()}` };
  await Promise.all([post(twice), post(twice)]);

  // A trip started outside the API (no record): GetTrip asks Step Functions for its execution.
  const directTripId = `privilege-direct-${randomUUID()}`;
  const direct = await clients.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stack.stateMachineArn,
      name: directTripId,
      input: JSON.stringify({ ...REFERENCE_TRIP, trip_id: directTripId }),
    }),
  );
  await waitForExecution(clients.sfn, direct.executionArn ?? '');
  const directStatus = (await api(`/trips/${directTripId}`)).status;

  // A trip whose request wrote its record and never started its execution: the sweep settles it.
  const neverStarted = `privilege-never-${randomUUID()}`;
  await clients.dynamodb.send(
    new PutItemCommand({
      TableName: stack.tableName,
      Item: {
        pk: { S: neverStarted },
        sk: { S: 'TRIP' },
        type: { S: 'Trip' },
        trip_id: { S: neverStarted },
        input: {
          S: JSON.stringify({ ...REFERENCE_TRIP, trip_id: neverStarted, run_type: 'success' }),
        },
        input_digest: { S: 'not-checked-here' },
        execution_arn: {
          S: `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${neverStarted}`,
        },
        started_at: { S: new Date(Date.now() - 3_600_000).toISOString() },
        open_shard: { S: 'OPEN#0' },
      },
    }),
  );
  await stack.runSchedules();
  await stack.events.idle();
  const swept = await (await api(`/trips/${neverStarted}`)).json();
  const unrecordedStatus = (await (await api(`/trips/${unrecorded.trip.trip_id}`)).json()) as {
    leftovers: unknown[];
  };

  // An event the reconciler and one the notifier cannot read: each fails every attempt, and
  // Lambda sends its record to the function's on-failure destination, with the function's role.
  const operators = String(resolve({ Ref: 'RepairAlertsTopic' }));
  const before = stack.topics.messages.length;
  stack.events.put({
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: { stateMachineArn: stack.stateMachineArn, name: 'not a trip id!', status: 'FAILED' },
  });
  stack.events.put(
    { source: 'booking-saga', 'detail-type': 'BookingFailed', detail: { trip_id: '' } },
    'TripEventsBus',
  );
  await stack.events.idle();
  const failedEvents = stack.topics.messages
    .slice(before)
    .filter((message) => message.topicArn === operators)
    .map((message) => message.caller)
    .sort();

  // The operator's repair, through the Lambda API, as `aws lambda invoke` runs it.
  const lambda = new LambdaClient({
    region: account.region,
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.endpoints.lambda,
  });
  const repair = await lambda.send(
    new InvokeCommand({
      FunctionName: 'RepairTripFunction',
      Payload: JSON.stringify({ trip_id: leftover.trip.trip_id }),
    }),
  );
  lambda.destroy();

  await stack.events.idle();
  const noticesOf = (tripId: string) =>
    stack.topics.messages
      .filter((message) => message.attributes.trip_id === tripId)
      .map((message) => message.attributes.notice);

  const [status, repeat, conflict] = await Promise.all([
    api(`/trips/${leftover.trip.trip_id}`),
    // The same request after its execution ended: StartBooking describes that execution.
    post(success.trip),
    post({ ...success.trip, hotel: 'another hotel' }),
  ]);
  return {
    outcomes: Object.fromEntries([
      ...runs.map((run) => [run.trip.run_type, run.ending]),
      ['leftover', leftover.ending],
      ['unrecorded', unrecorded.ending],
    ]) as Record<RunType | 'leftover' | 'unrecorded', string>,
    unrecordedLeftovers: unrecordedStatus.leftovers,
    failedEvents,
    swept,
    directStatus,
    repair: {
      functionError: repair.FunctionError,
      tripId: (
        JSON.parse(Buffer.from(repair.Payload ?? new Uint8Array()).toString('utf8')) as {
          trip_id?: string;
        }
      ).trip_id,
    },
    leftoverTripId: leftover.trip.trip_id,
    status: (await status.json()) as { bookings: unknown[] } & Record<string, unknown>,
    successExecutionArn: success.executionArn,
    repeat: {
      status: repeat.status,
      executionArn: ((await repeat.json()) as { execution_arn: string }).execution_arn,
    },
    conflict: conflict.status,
    notices: {
      leftover: noticesOf(leftover.trip.trip_id),
      success: noticesOf(success.trip.trip_id),
    },
  };
};
