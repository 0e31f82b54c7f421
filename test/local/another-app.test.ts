/**
 * The platform runs a SAM app that is not the booking app (test/fixtures/orders/), with no
 * plugin: plain JavaScript functions (CommonJS .js, an ES module .mjs, a .cjs) run from their
 * CodeUri, a SimpleTable, a state machine from its DefinitionUri and one inline, both with their
 * substitutions, HTTP API and REST API routes, a mocked test case from the mock configuration beside the
 * template; what it does not run is named by logical id. Driven through the AWS SDK, and through
 * the console's core (its own StartExecution form, the graph of each machine).
 */
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  ExecutionResponse,
  ExecutionsResponse,
  GraphResponse,
  StartResponse,
} from '../../local/console/shapes.ts';
import type { LocalFunction } from '../../local/emulators/lambda-runtime.ts';
import { type LocalStack, startStack } from '../../local/stack.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { clientsFor, dynamodbFor, waitForExecution } from '../support/stack.ts';

const TEMPLATE = join(PROJECT_ROOT, 'test', 'fixtures', 'orders', 'template.yaml');

let stack: LocalStack;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  stack = await startStack({
    template: TEMPLATE,
    ...dynamodbFor(),
    ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 },
    retryDelayMs: 0,
  });
  clients = clientsFor(stack);
});

afterAll(async () => {
  await stack?.close();
});

const order = (orderId: string) =>
  JSON.stringify({
    orderId,
    items: [
      { price: 12.5, qty: 2 },
      { price: 0.1, qty: 3 },
    ],
  });

const orderItem = async (orderId: string) =>
  (
    await clients.dynamodb.send(
      new GetItemCommand({ TableName: stack.tables.OrdersTable, Key: { orderId: { S: orderId } } }),
    )
  ).Item;

describe('another SAM app, no plugin', () => {
  it('names what it does not run, by logical id, and runs the rest', () => {
    expect(stack.unsupported).toEqual([
      expect.objectContaining({ logicalId: 'RecordOrderFunction', what: 'event FromQueue (SQS)' }),
      expect.objectContaining({ logicalId: 'ReportFunction', what: 'runtime python3.12' }),
      expect.objectContaining({ logicalId: 'OrdersQueue', what: 'AWS::SQS::Queue' }),
    ]);
    expect(stack.lambda.functions.map((fn) => fn.config.name).sort()).toEqual([
      'GetOrderFunction',
      'HelloFunction',
      'LabelFunction',
      'PriceOrderFunction',
      'RecordOrderFunction',
    ]);
    expect(Object.keys(stack.stateMachines).sort()).toEqual(['Greeting', 'OrderFlow']);
    expect(stack.tables).toEqual({ OrdersTable: 'OrdersTable' });
  });

  it('runs its state machine through the Step Functions API: CommonJS then ES module, into its table', async () => {
    // Act
    const orderId = `order-${Date.now()}`;
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachines.OrderFlow,
        name: orderId,
        input: order(orderId),
      }),
    );
    const ended = await waitForExecution(clients.sfn, executionArn);

    // Assess
    expect(ended.description.status).toBe('SUCCEEDED');
    expect(ended.statesEntered).toEqual(['PriceOrder', 'RecordOrder']);
    expect(JSON.parse(ended.description.output ?? '')).toEqual({ orderId, recorded: true });
    expect(await orderItem(orderId)).toEqual({
      orderId: { S: orderId },
      total: { S: '25.30' },
      currency: { S: 'EUR' },
    });
  });

  it('builds its TypeScript function with esbuild from its Metadata, and runs it on the Lambda API', async () => {
    // Act
    const lambda = new LambdaClient({
      region: stack.running.region,
      endpoint: stack.endpoints.lambda,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Payload, FunctionError } = await lambda.send(
      new InvokeCommand({
        FunctionName: 'LabelFunction',
        Payload: JSON.stringify({ orderId: 'o-1', total: '3.00' }),
      }),
    );
    lambda.destroy();

    // Assess
    expect(FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(Payload ?? []).toString())).toEqual({
      label: 'Order o-1: 3.00 EUR',
    });
    expect(stack.lambda.find('LabelFunction')?.config.bundle).toBe(
      join(
        PROJECT_ROOT,
        'test',
        'fixtures',
        'orders',
        '.aws-sam',
        'build',
        'LabelFunction',
        'label.mjs',
      ),
    );
  });

  it('runs an inline Definition with its substitutions resolved', async () => {
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.stateMachines.Greeting, input: '{}' }),
    );
    const ended = await waitForExecution(clients.sfn, executionArn);
    expect(JSON.parse(ended.description.output ?? '')).toEqual({
      greeting: `hello from ${stack.running.region}`,
    });
  });

  it('runs a test case of the mock configuration beside the template, by <arn>#<TestCase>', async () => {
    // Act
    const orderId = `mocked-${Date.now()}`;
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: `${stack.stateMachines.OrderFlow}#PricingDownTest`,
        name: orderId,
        input: order(orderId),
      }),
    );
    const ended = await waitForExecution(clients.sfn, executionArn);

    // Assess
    expect(ended.description).toMatchObject({ status: 'FAILED', error: 'OrderRefused' });
    expect(ended.statesEntered).toEqual(['PriceOrder', 'OrderRefused']);
    expect(await orderItem(orderId)).toBeUndefined();
  });

  it('serves its HTTP API route from a .cjs handler, reading what the machine wrote', async () => {
    // Prepare
    const orderId = `api-${Date.now()}`;
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachines.OrderFlow,
        input: order(orderId),
      }),
    );
    await waitForExecution(clients.sfn, executionArn);

    // Act
    const found = await fetch(`${stack.endpoints.api}/orders/${orderId}`);
    const missing = await fetch(`${stack.endpoints.api}/orders/nobody`);

    // Assess
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ orderId, total: '25.30', currency: 'EUR' });
    expect(missing.status).toBe(404);
  });

  it('serves its REST API (Api events) on the same port, in payload format 1.0', async () => {
    // Prepare
    const orderId = `rest-${Date.now()}`;
    const { executionArn = '' } = await clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachines.OrderFlow,
        input: order(orderId),
      }),
    );
    await waitForExecution(clients.sfn, executionArn);

    // Act
    const found = await fetch(`${stack.endpoints.api}/rest/orders/${orderId}`);
    const events = vi.spyOn(stack.lambda.find('HelloFunction') as LocalFunction, 'invoke');
    const [v2, v1] = await Promise.all([
      fetch(`${stack.endpoints.api}/v2/hello?a=1&a=2`),
      fetch(`${stack.endpoints.api}/v1/hello?a=1&a=2`),
    ]);

    // Assess
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ orderId, total: '25.30', currency: 'EUR' });
    // An answer without a statusCode: JSON from an HTTP API, 502 from a REST API, as on AWS.
    expect(v2.status).toBe(200);
    expect(await v2.json()).toEqual({ format: '2.0', path: '/v2/hello' });
    expect(v1.status).toBe(502);
    expect(await v1.json()).toEqual({ message: 'Internal server error' });
    const v1Event = events.mock.calls
      .map(([event]) => event as Record<string, unknown>)
      .find((event) => event.resource === '/v1/hello');
    expect(v1Event).toMatchObject({
      httpMethod: 'GET',
      path: '/v1/hello',
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      pathParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { resourcePath: '/v1/hello', stage: 'Prod', httpMethod: 'GET' },
    });
    events.mockRestore();
  });
});

describe("the console's core, with no application's extension", () => {
  const consoleUrl = () => stack.endpoints.console ?? '';
  const get = async <T>(path: string) =>
    (await (await fetch(`${consoleUrl()}${path}`)).json()) as T;

  it('offers each state machine on its graph, and its own StartExecution form', async () => {
    // Act
    const first = await get<GraphResponse>('/api/graph');
    const greeting = await get<GraphResponse>(
      `/api/graph?arn=${encodeURIComponent(stack.stateMachines.Greeting ?? '')}`,
    );

    // Assess
    expect(first.title).toBe('orders');
    expect(first.stateMachineArn).toBe(stack.stateMachines.OrderFlow);
    expect(first.machines.map((machine) => machine.name)).toEqual(['OrderFlow', 'Greeting']);
    expect(first.layout.nodes.map((node) => node.id).sort()).toEqual([
      'OrderRefused',
      'PriceOrder',
      'RecordOrder',
    ]);
    expect(first.form.button).toBe('Start execution');
    expect(first.form.fields.map((field) => field.name)).toEqual(['name', 'input']);
    expect(greeting.layout.nodes.map((node) => node.id)).toEqual(['Greet']);
  });

  it('starts an execution from its form and shows it on the graph: listed, path, history', async () => {
    // Act
    const orderId = `console-${Date.now()}`;
    const response = await fetch(`${consoleUrl()}/api/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: orderId, input: order(orderId) }),
    });
    const started = (await response.json()) as StartResponse;
    await waitForExecution(clients.sfn, started.executionArn ?? '');
    const list = await get<ExecutionsResponse>('/api/executions');
    const view = await get<ExecutionResponse>(
      `/api/execution?arn=${encodeURIComponent(started.executionArn ?? '')}`,
    );

    // Assess
    expect(response.status).toBe(200);
    expect(started.started).toBe(orderId);
    expect(list.executions[0]).toMatchObject({ name: orderId, status: 'SUCCEEDED' });
    expect(view.path.entered).toEqual(['PriceOrder', 'RecordOrder']);
    expect(view.path.states.RecordOrder?.status).toBe('succeeded');
    expect(view.events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(view.details).toEqual({ panels: [] });
    expect(await orderItem(orderId)).toMatchObject({ total: { S: '25.30' } });
  });

  it("refuses what StartExecution refuses, with its error's name", async () => {
    const response = await fetch(`${consoleUrl()}/api/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: '{not json' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as StartResponse).message).toMatch(/^InvalidExecutionInput: /);
  });
});
