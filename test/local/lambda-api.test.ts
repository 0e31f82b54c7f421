/**
 * The offline Lambda API as the AWS SDK sees it (`sam local start-lambda`'s endpoint): invoking
 * the template's functions by name, qualified name or ARN, their results and their errors in
 * Lambda's shapes, the invocation types, ListFunctions and GetFunction, and each function
 * running with the environment the template gives it and no other.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  GetFunctionCommand,
  InvokeCommand,
  type InvokeCommandInput,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { MAX_PAYLOAD_NESTING } from '../../local/emulators/lambda-api.ts';
import { functionsOf, readTemplate } from '../../local/template/template.ts';
import { clientsFor, startTestStack, tripItems, waitForExecution } from '../support/stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let stack: Stack;
let clients: ReturnType<typeof clientsFor>;
let lambda: LambdaClient;

beforeAll(async () => {
  // Every compensation fails: a function that reads this process's environment would not.
  stack = await startTestStack({ parameters: { CompensationFailureRate: '1' } });
  clients = clientsFor(stack);
  lambda = new LambdaClient({
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.endpoints.lambda,
  });
});

afterAll(async () => {
  lambda.destroy();
  await stack.close();
});

const readEvent = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** The reference trip under a fresh trip id. */
const freshTrip = () => ({ ...readEvent('reserve-hotel.json'), trip_id: `lambda-${randomUUID()}` });

const invoke = async ({
  Payload,
  ...input
}: Omit<InvokeCommandInput, 'Payload'> & { Payload?: unknown }) => {
  const output = await lambda.send(
    new InvokeCommand({
      ...input,
      ...(Payload === undefined ? {} : { Payload: JSON.stringify(Payload) }),
    }),
  );
  const text = Buffer.from(output.Payload ?? new Uint8Array()).toString('utf8');
  return { ...output, result: text === '' ? undefined : (JSON.parse(text) as unknown) };
};

const ARN_PREFIX = 'arn:aws:lambda:us-east-1:123456789012:function:';

describe('Invoke', () => {
  it('a function invoked by its name (the logical id) returns its result as the payload', async () => {
    // Prepare
    const trip = freshTrip();

    // Act
    const output = await invoke({ FunctionName: 'ReserveHotelFunction', Payload: trip });

    // Assess
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(output.result).toEqual({
      status: 'ok',
      booking_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const items = await tripItems(clients.dynamodb, stack.tableName, trip.trip_id);
    expect(items).toEqual([expect.objectContaining({ transaction_status: 'pending' })]);
  });

  it.each([
    ['its name qualified with :$LATEST', { FunctionName: 'ReserveHotelFunction:$LATEST' }],
    [
      'its name and the Qualifier $LATEST',
      { FunctionName: 'ReserveHotelFunction', Qualifier: '$LATEST' },
    ],
    ['its full ARN', { FunctionName: `${ARN_PREFIX}ReserveHotelFunction` }],
    [
      'its full ARN qualified with :$LATEST',
      { FunctionName: `${ARN_PREFIX}ReserveHotelFunction:$LATEST` },
    ],
  ])('a function invoked by %s is the same function', async (_case, target) => {
    // Prepare
    const trip = freshTrip();
    const byName = await invoke({ FunctionName: 'ReserveHotelFunction', Payload: trip });

    // Act
    const output = await invoke({ ...target, Payload: trip });

    // Assess: the same booking, reserved again, is a no-op with the same result
    expect(output.StatusCode).toBe(200);
    expect(output.result).toEqual(byName.result);
  });

  it("a function's error comes back with FunctionError Unhandled and the runtime's error payload", async () => {
    // Prepare: a trip that was never reserved
    const trip = freshTrip();

    // Act
    const output = await invoke({ FunctionName: 'ConfirmHotelFunction', Payload: trip });

    // Assess
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    expect(output.result).toEqual({
      errorType: 'BookingNotFound',
      errorMessage: expect.stringContaining('does not exist'),
      trace: expect.arrayContaining([expect.stringMatching(/^BookingNotFound: /)]),
    });
  });

  it.each([
    [
      'a name the template does not have',
      { FunctionName: 'NoSuchFunction' },
      `${ARN_PREFIX}NoSuchFunction`,
    ],
    [
      'an ARN the template does not have',
      { FunctionName: `${ARN_PREFIX}NoSuchFunction` },
      `${ARN_PREFIX}NoSuchFunction`,
    ],
    [
      'a version that was never published',
      { FunctionName: 'ReserveHotelFunction:7' },
      `${ARN_PREFIX}ReserveHotelFunction:7`,
    ],
    [
      'an alias that does not exist',
      { FunctionName: 'ReserveHotelFunction', Qualifier: 'live' },
      `${ARN_PREFIX}ReserveHotelFunction:live`,
    ],
  ])('invoking %s is ResourceNotFoundException', async (_case, target, arn) => {
    // Act
    const invoked = invoke({ ...target, Payload: freshTrip() });

    // Assess
    await expect(invoked).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: `Function not found: ${arn}`,
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('a payload that is not JSON is InvalidRequestContentException, and the function is not run', async () => {
    // Prepare
    const fn = stack.lambda.find('ReserveHotelFunction');
    const before = fn?.invocations;

    // Act
    const response = await fetch(
      `${stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
      { method: 'POST', body: '{"trip_id": ' },
    );

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(await response.json()).toEqual({
      Type: 'User',
      message: expect.stringMatching(/^Could not parse request body into json/),
    });
    expect(fn?.invocations).toBe(before);
  });

  it('a payload over 6 MB is RequestTooLargeException', async () => {
    // Act
    const response = await fetch(
      `${stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
      { method: 'POST', body: JSON.stringify({ padding: 'x'.repeat(7 * 1024 * 1024) }) },
    );

    // Assess
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });

  it.each([
    [
      'nests arrays 3 million deep (6 MB)',
      `${'['.repeat(3_000_000)}${']'.repeat(3_000_000)}`,
      `nests deeper than ${MAX_PAYLOAD_NESTING} levels`,
    ],
    [
      'nests objects one level past the limit',
      `${'{"a":'.repeat(MAX_PAYLOAD_NESTING + 1)}1${'}'.repeat(MAX_PAYLOAD_NESTING + 1)}`,
      `nests deeper than ${MAX_PAYLOAD_NESTING} levels`,
    ],
    [
      'is not UTF-8',
      Buffer.concat([Buffer.from('{"trip_id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      'is not UTF-8',
    ],
  ])(
    'a payload that %s is InvalidRequestContentException, and the function is not run',
    async (_what, body, problem) => {
      // Prepare
      const fn = stack.lambda.find('ReserveHotelFunction');
      const before = fn?.invocations;

      // Act
      const response = await fetch(
        `${stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
        { method: 'POST', body },
      );

      // Assess
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
      expect(((await response.json()) as { message: string }).message).toContain(problem);
      expect(fn?.invocations).toBe(before);
    },
  );

  it('a payload nested exactly as deep as the limit reaches the function', async () => {
    // Prepare: the deepest payload the platform passes on, inside a trip the step refuses
    const deep = `${'['.repeat(MAX_PAYLOAD_NESTING - 1)}${']'.repeat(MAX_PAYLOAD_NESTING - 1)}`;

    // Act
    const response = await fetch(
      `${stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
      { method: 'POST', body: `{"deep":${deep}}` },
    );

    // Assess: the function ran, and refused it as no trip
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({ errorType: 'ParseError' });
  });

  it('an Event invocation over 1 MB is RequestTooLargeException, as Lambda limits asynchronous payloads', async () => {
    // Act
    const response = await fetch(
      `${stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
      {
        method: 'POST',
        headers: { 'x-amz-invocation-type': 'Event' },
        body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
      },
    );

    // Assess
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });

  it('InvocationType Event answers 202 at once, and the function runs on its own', async () => {
    // Prepare
    const trip = freshTrip();

    // Act
    const output = await invoke({
      FunctionName: 'ReserveHotelFunction',
      InvocationType: 'Event',
      Payload: trip,
    });

    // Assess
    expect(output.StatusCode).toBe(202);
    expect(output.result).toBeUndefined();
    await expect
      .poll(() => tripItems(clients.dynamodb, stack.tableName, trip.trip_id), { interval: 10 })
      .toEqual([expect.objectContaining({ type: 'Hotel', transaction_status: 'pending' })]);
  });

  it('InvocationType DryRun answers 204 and runs nothing', async () => {
    // Prepare
    const trip = freshTrip();
    const fn = stack.lambda.find('ReserveHotelFunction');
    const before = fn?.invocations;

    // Act
    const output = await invoke({
      FunctionName: 'ReserveHotelFunction',
      InvocationType: 'DryRun',
      Payload: trip,
    });

    // Assess
    expect(output.StatusCode).toBe(204);
    expect(fn?.invocations).toBe(before);
    expect(await tripItems(clients.dynamodb, stack.tableName, trip.trip_id)).toEqual([]);
  });
});

describe('ListFunctions and GetFunction', () => {
  it('ListFunctions lists every function of the template, each with its ARN and runtime', async () => {
    // Act
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));

    // Assess
    const names = functionsOf(readTemplate()).map((fn) => fn.logicalId);
    expect(names).toContain('RepairTripFunction');
    expect(Functions.map((fn) => fn.FunctionName).sort()).toEqual([...names].sort());
    for (const fn of Functions) {
      expect(fn).toMatchObject({
        FunctionArn: `${ARN_PREFIX}${fn.FunctionName}`,
        Runtime: 'nodejs24.x',
        Version: '$LATEST',
        State: 'Active',
      });
    }
  });

  it('GetFunction describes one function by name', async () => {
    // Act
    const { Configuration } = await lambda.send(
      new GetFunctionCommand({ FunctionName: 'GetTripFunction' }),
    );

    // Assess
    expect(Configuration).toMatchObject({
      FunctionName: 'GetTripFunction',
      FunctionArn: `${ARN_PREFIX}GetTripFunction`,
      Handler: 'get-trip.handler',
      MemorySize: 256,
      Timeout: 10,
    });
  });

  it('GetFunction on a function the template does not have is ResourceNotFoundException', async () => {
    // Act
    const got = lambda.send(new GetFunctionCommand({ FunctionName: 'NoSuchFunction' }));

    // Assess
    await expect(got).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe("each function's environment", () => {
  it("GetTripFunction's STATE_MACHINE_ARN names the stack's saga: it reports the trip's execution", async () => {
    // Prepare: the saga books a trip
    const trip = freshTrip();
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: trip.trip_id,
        input: JSON.stringify(trip),
      }),
    );
    await waitForExecution(clients.sfn, executionArn);
    const event = readEvent('get-trip.json');

    // Act
    const output = await invoke({
      FunctionName: 'GetTripFunction',
      Payload: { ...event, pathParameters: { tripId: trip.trip_id } },
    });

    // Assess
    expect(output.FunctionError).toBeUndefined();
    const response = output.result as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      trip_id: trip.trip_id,
      saga_status: 'booked',
      execution: { execution_arn: executionArn, status: 'SUCCEEDED' },
    });
  });

  it('a saga step is given the table but not the state machine, which only the API functions get', () => {
    // Prepare
    const environmentOf = (name: string) => stack.lambda.find(name)?.config.environment ?? {};

    // Assess
    expect(environmentOf('ReserveHotelFunction')).toMatchObject({
      TABLE_NAME: stack.tableName,
      AWS_LAMBDA_FUNCTION_NAME: 'ReserveHotelFunction',
    });
    expect(environmentOf('ReserveHotelFunction')).not.toHaveProperty('STATE_MACHINE_ARN');
    expect(environmentOf('GetTripFunction')).toMatchObject({
      STATE_MACHINE_ARN: stack.stateMachineArn,
      AWS_LAMBDA_FUNCTION_NAME: 'GetTripFunction',
    });
  });

  it("a function sees the stack's parameter values, not the environment of the process hosting it", async () => {
    // Prepare: this process says 0; the stack was started with CompensationFailureRate=1
    expect(process.env.COMPENSATION_FAILURE_RATE).toBe('0');

    // Act
    const output = await invoke({ FunctionName: 'CancelHotelFunction', Payload: freshTrip() });

    // Assess
    expect(output.FunctionError).toBe('Unhandled');
    expect(output.result).toMatchObject({
      errorType: 'InjectedTransientFailure',
      errorMessage: expect.stringContaining('rate 1'),
    });
  });
});
