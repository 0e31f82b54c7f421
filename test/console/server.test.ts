/**
 * The console's server as a client sees it, with the booking app's extension (its plugin): the
 * page and its assets (all served here, nothing from elsewhere), the graph and the app's form,
 * the executions newest first, one execution with its path, history and the trip's items,
 * starting a booking through the HTTP API, and clear errors for bad requests that start nothing.
 * The console without an extension is tested with another app (test/local/another-app.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keyOf, TRIP_SK, TRIP_TYPE } from '../../functions/commons/table/keys.ts';
import { REFERENCE_TRIP, RUN_TYPES } from '../../functions/commons/trip/document.ts';
import { digestOf } from '../../functions/commons/trip/record.ts';
import type {
  ExecutionResponse,
  ExecutionsResponse,
  GraphResponse,
  MessagesPanel,
  StartResponse,
  TablePanel,
} from '../../local/console/shapes.ts';
import { tripItems, useTestStack, waitForExecution } from '../support/stack.ts';

const platform = useTestStack({ ports: { api: 0, lambda: 0, sfn: 0, dynamodb: 0, console: 0 } });
const consoleUrl = () => platform.stack.endpoints.console ?? '';

const book = async (body: unknown) => {
  const response = await fetch(`${consoleUrl()}/api/start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as StartResponse };
};

/** The app's panel `id` beside an execution. */
const panel = <T>(view: ExecutionResponse, id: string) =>
  view.details.panels.find((candidate) => candidate.id === id) as T;

const executionCount = async () => {
  const { executions = [] } = await platform.clients.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: platform.stack.stateMachineArn }),
  );
  return executions.length;
};

describe('the page and its assets', () => {
  it('serves the page, its script and its styles, none reaching for another origin', async () => {
    // Act
    const [page, script, styles] = await Promise.all(
      ['/', '/app.js', '/console.css'].map(async (path) => {
        const response = await fetch(`${consoleUrl()}${path}`);
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          text: await response.text(),
        };
      }),
    );

    // Assess
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(script).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(styles).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(page?.text).toContain('<script src="/app.js"');
    expect(script?.text).toContain('/api/executions');
    // The only absolute URL anywhere is SVG's namespace, which is a name, not a request.
    for (const asset of [page, script, styles]) {
      const urls = asset?.text.match(/(?:https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"')]*/g) ?? [];
      expect(urls.filter((url) => url !== 'http://www.w3.org/2000/svg')).toEqual([]);
    }
  });

  it('answers 404 with a JSON message for anything else', async () => {
    // Act
    const response = await fetch(`${consoleUrl()}/nothing-here`);

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'No GET /nothing-here here' });
  });
});

describe('the APIs the page uses', () => {
  it("gives the state machine laid out (every state placed) and the app's booking form", async () => {
    // Act
    const response = await fetch(`${consoleUrl()}/api/graph`);
    const body = (await response.json()) as GraphResponse;

    // Assess
    expect(response.status).toBe(200);
    expect(body.stateMachineArn).toBe(platform.stack.stateMachineArn);
    expect(body.machines).toEqual([{ arn: platform.stack.stateMachineArn, name: 'BookingSaga' }]);
    expect(body.layout.nodes).toHaveLength(15);
    expect(body.layout.width).toBeGreaterThan(0);
    expect(body.title).toBe('Booking saga');
    expect(body.form.button).toBe('Start booking');
    expect(body.form.fields.map((field) => field.name)).toEqual(['trip_id', 'run_type']);
    expect(body.form.fields[1]?.options).toContain('failPayment');
    expect(body.form.token).toBeUndefined();
  });

  it('starts a booking through the HTTP API and shows it: newest first, path, history, items', async () => {
    // Act
    const first = await book({ run_type: 'success', trip_id: `console-api-a-${Date.now()}` });
    const second = await book({ run_type: 'failPayment', trip_id: `console-api-b-${Date.now()}` });
    const arn = String(second.body.executionArn);
    await waitForExecution(platform.clients.sfn, arn);
    // The end reconciled and the customer told: the items stop changing.
    await platform.stack.events.idle();
    const list = (await (
      await fetch(`${consoleUrl()}/api/executions`)
    ).json()) as ExecutionsResponse;
    const view = (await (
      await fetch(`${consoleUrl()}/api/execution?arn=${encodeURIComponent(arn)}`)
    ).json()) as ExecutionResponse;

    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const arns = list.executions.map((execution) => execution.executionArn);
    expect(arns.indexOf(arn)).toBeLessThan(arns.indexOf(String(first.body.executionArn)));
    expect(view.execution).toMatchObject({ status: 'FAILED', error: 'BookingFailed' });
    expect(view.path.states.TakePayment?.status).toBe('caught');
    expect(view.path.states.BookingFailed?.status).toBe('failed');
    expect(view.events[0]?.type).toBe('ExecutionStarted');
    expect(view.events.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'BookingFailed' });
    const tripId = String(second.body.started);
    expect(view.details.subject).toBe(`trip ${tripId}`);
    expect(view.details.pending).toBe(false);
    const items = panel<TablePanel>(view, 'items').rows.map((row) => row.data ?? {});
    expect(items.map((item) => item.sk)).toEqual(
      (await tripItems(platform.clients.dynamodb, platform.stack.tableName, tripId)).map(
        (item) => item.sk,
      ),
    );
    expect(
      items
        .filter((item) => item.type !== 'Trip' && item.type !== 'Notification')
        .map((item) => item.status)
        .sort(),
    ).toEqual(['cancelled', 'cancelled', 'refunded']);
    expect(panel<MessagesPanel>(view, 'notifications').messages).toEqual([
      expect.objectContaining({
        heading: expect.stringMatching(`^Your trip ${tripId} could not be booked`),
        data: { notice: 'failed', status: 'sent' },
      }),
    ]);
  });

  it("shows a trip's items and history with every email address masked, wherever it is kept", async () => {
    // Prepare: an execution started on the Step Functions API with a contact in its input (as
    // one started before the contact left the input), and an item of the trip holding it.
    const tripId = `console-contact-${Date.now()}`;
    const contact = 'jane.doe+console@example.com';
    const { executionArn = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: platform.stack.stateMachineArn,
        name: tripId,
        input: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP, contact }),
      }),
    );
    await waitForExecution(platform.clients.sfn, executionArn);
    await platform.stack.events.idle();
    await platform.clients.dynamodb.send(
      new PutItemCommand({
        TableName: platform.stack.tableName,
        Item: {
          pk: { S: tripId },
          sk: { S: 'NOTE' },
          type: { S: 'Note' },
          contact: { S: contact },
        },
      }),
    );

    // Act
    const text = await (
      await fetch(`${consoleUrl()}/api/execution?arn=${encodeURIComponent(executionArn)}`)
    ).text();

    // Assess: the trip and the item holding the contact are shown, the contact nowhere in clear.
    expect(text).toContain(`trip ${tripId}`);
    expect(text).toContain('"sk":"NOTE"');
    expect(text).not.toContain('jane.doe');
  });

  it("lists each execution with its booking's run type, as DescribeExecution's input says", async () => {
    // Prepare: bookings of three run types, and one execution whose input is no trip at all.
    const started = [];
    for (const runType of ['failHotelReservation', 'success', 'failFlightsConfirmation']) {
      const { body } = await book({ run_type: runType, trip_id: `console-run-type-${runType}` });
      started.push(String(body.executionArn));
    }
    const { executionArn: notATrip = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: platform.stack.stateMachineArn,
        name: `console-run-type-none-${Date.now()}`,
        input: '{"hello":"world"}',
      }),
    );
    // A trip document without a run type (started with the AWS CLI, say) books: success.
    const bare = `console-run-type-bare-${Date.now()}`;
    const { executionArn: noRunType = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: platform.stack.stateMachineArn,
        name: bare,
        input: JSON.stringify({ trip_id: bare, ...REFERENCE_TRIP }),
      }),
    );
    const bareRun = await waitForExecution(platform.clients.sfn, noRunType);
    for (const arn of [...started, notATrip]) await waitForExecution(platform.clients.sfn, arn);

    // Act: twice, the second from what the first read
    const first = (await (
      await fetch(`${consoleUrl()}/api/executions`)
    ).json()) as ExecutionsResponse;
    const again = (await (
      await fetch(`${consoleUrl()}/api/executions`)
    ).json()) as ExecutionsResponse;

    // Assess: each listed run type is its execution's input's, read here on its own
    for (const list of [first, again]) {
      expect(list.executions.length).toBeGreaterThanOrEqual(4);
      for (const listed of list.executions) {
        const { input } = await platform.clients.sfn.send(
          new DescribeExecutionCommand({ executionArn: listed.executionArn }),
        );
        const runType = (JSON.parse(input ?? '{}') as { run_type?: string }).run_type;
        if (runType !== undefined) expect(listed.label, listed.name).toBe(runType);
      }
      const byArn = new Map(list.executions.map((item) => [item.executionArn, item.label]));
      expect(started.map((arn) => byArn.get(arn))).toEqual([
        'failHotelReservation',
        'success',
        'failFlightsConfirmation',
      ]);
      expect(byArn.has(notATrip)).toBe(true);
      expect(byArn.get(notATrip)).toBeUndefined();
      expect(bareRun.description.status).toBe('SUCCEEDED');
      expect(byArn.get(noRunType)).toBe('success');
    }
  });

  it('gives a fresh trip id when the form leaves it blank', async () => {
    // Act
    const { status, body } = await book({ run_type: 'success', trip_id: '  ' });

    // Assess
    expect(status).toBe(202);
    expect(body.started).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['not JSON', '{run_type', 'body', 'must be valid JSON'],
    ['not an object', '"success"', 'body', 'must be a JSON object (a trip document)'],
    // Issue 20: once booked (202), where POST /trips refuses it.
    [
      'an array nested 8,000 deep',
      `${'['.repeat(4000)}${']'.repeat(4000)}`,
      'body',
      'must be a JSON object (a trip document)',
    ],
    [
      'not UTF-8',
      Buffer.concat([
        Buffer.from('{"trip_id":"utf8-'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
      'body',
      'must be valid UTF-8',
    ],
    [
      'a run type that is no string',
      { run_type: 5 },
      'run_type',
      `must be one of ${RUN_TYPES.join(', ')}`,
    ],
    [
      'an unknown run type',
      { run_type: 'failEverything' },
      'run_type',
      `must be one of ${RUN_TYPES.join(', ')}`,
    ],
    ['a field no trip has', { run_type: 'success', seats: 3 }, 'seats', 'is not a known field'],
  ])(
    'refuses a booking whose body is %s with 400, as POST /trips does, and starts nothing',
    async (_what, body, field, rule) => {
      // Prepare
      const before = await executionCount();

      // Act
      const response = await book(body);
      const api = await fetch(`${platform.stack.endpoints.api}/trips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      });

      // Assess
      expect(response).toEqual({
        status: 400,
        body: { message: 'The request is invalid', errors: [{ field, rule }] },
      });
      expect(api.status).toBe(400);
      expect(await executionCount()).toBe(before);
    },
  );

  it('refuses a body that is not JSON by its media type (415), or over 8 KB, as POST /trips does', async () => {
    // Prepare
    const before = await executionCount();
    const post = (contentType: string, body: string) =>
      fetch(`${consoleUrl()}/api/start`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }).then(async (response) => ({ status: response.status, body: await response.json() }));

    // Act
    const plain = await post('text/plain', JSON.stringify({ run_type: 'success' }));
    const large = await post('application/json', JSON.stringify({ pad: 'x'.repeat(9000) }));

    // Assess
    expect(plain).toEqual({
      status: 415,
      body: {
        message: 'Unsupported Media Type',
        errors: [{ field: 'content-type', rule: 'must be application/json' }],
      },
    });
    expect(large).toEqual({
      status: 400,
      body: {
        message: 'The request is invalid',
        errors: [{ field: 'body', rule: 'must be at most 8192 bytes' }],
      },
    });
    expect(await executionCount()).toBe(before);
  });

  it("passes on the API's own 400 for a trip id it refuses, and starts nothing", async () => {
    // Prepare
    const before = await executionCount();

    // Act
    const response = await book({ run_type: 'success', trip_id: 'no spaces <allowed>' });

    // Assess
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('trip_id');
    expect(await executionCount()).toBe(before);
  });

  it('answers 400 for an execution asked for without an ARN, 404 for one that does not exist', async () => {
    // Act
    const missing = await fetch(`${consoleUrl()}/api/execution`);
    const unknown = await fetch(
      `${consoleUrl()}/api/execution?arn=${encodeURIComponent(`${platform.stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:nobody`)}`,
    );

    // Assess
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ message: 'Give the execution ARN as ?arn=' });
    expect(unknown.status).toBe(404);
  });
});

describe('what it says of a test case, and of a trip no one is told of', () => {
  const view = async (arn: string) =>
    (await (
      await fetch(`${consoleUrl()}/api/execution?arn=${encodeURIComponent(arn)}`)
    ).json()) as ExecutionResponse;

  /** A trip document run on the state machine directly (no trip record: not through the API). */
  const runDirectly = async (tripId: string, stateMachineArn = platform.stack.stateMachineArn) => {
    const { executionArn = '' } = await platform.clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: tripId,
        input: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP }),
      }),
    );
    await waitForExecution(platform.clients.sfn, executionArn);
    return executionArn;
  };

  it("labels a mocked test case's run by its test case, not by the run type its input would ask for", async () => {
    // Act: a trip document without a run type (the app's label would be "success").
    const arn = await runDirectly(
      `console-test-case-${randomUUID()}`,
      `${platform.stack.stateMachineArn}#PaymentFailureTest`,
    );
    const list = (await (
      await fetch(`${consoleUrl()}/api/executions`)
    ).json()) as ExecutionsResponse;
    const shown = await view(arn);

    // Assess
    expect(list.executions.find((item) => item.executionArn === arn)).toMatchObject({
      status: 'FAILED',
      label: '#PaymentFailureTest',
      testCase: 'PaymentFailureTest',
    });
    expect(shown.execution).toMatchObject({
      status: 'FAILED',
      error: 'BookingFailed',
      label: '#PaymentFailureTest',
      testCase: 'PaymentFailureTest',
    });
  });

  it('says why no one was told: no trip record, or no contact on a concluded trip', async () => {
    // Prepare: three executions run directly, so none has a record; then a concluded record
    // (as the reconciler writes it) for two of them, one naming a contact.
    const tripIdOf = (what: string) => `console-told-${what}-${randomUUID()}`;
    const [unrecorded, noContact, contact] = [
      tripIdOf('none'),
      tripIdOf('no-contact'),
      tripIdOf('contact'),
    ];
    const arns = await Promise.all([unrecorded, noContact, contact].map((id) => runDirectly(id)));
    const documents = DynamoDBDocumentClient.from(platform.clients.dynamodb);
    for (const [tripId, extra] of [
      [noContact, {}],
      [contact, { contact: 'jane@example.com' }],
    ] as const) {
      await documents.send(
        new PutCommand({
          TableName: platform.stack.tableName,
          Item: {
            ...keyOf(tripId, TRIP_SK),
            type: TRIP_TYPE,
            trip_id: tripId,
            // As the API writes it: the contact on the record, never in the input.
            input: JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP }),
            input_digest: digestOf(
              JSON.stringify({ trip_id: tripId, ...REFERENCE_TRIP, ...extra }),
            ),
            ...extra,
            execution_status: 'SUCCEEDED',
            outcome: 'booked',
          },
        }),
      );
    }

    // Act
    const [shownUnrecorded, shownNoContact, shownContact] = await Promise.all(arns.map(view));
    if (!shownUnrecorded || !shownNoContact || !shownContact) throw new Error('Not shown');

    // Assess: nothing to wait for without a record; with one, a notice may still come.
    const told = (shown: ExecutionResponse) => panel<MessagesPanel>(shown, 'notifications');
    expect(told(shownUnrecorded)).toMatchObject({
      messages: [],
      empty:
        'No one to tell: this execution has no trip record (it was not started through the API).',
    });
    expect(shownUnrecorded.details.pending).toBe(false);
    expect(told(shownNoContact)).toMatchObject({
      messages: [],
      empty: 'No one to tell: this trip has no contact.',
    });
    expect(told(shownContact)).toMatchObject({
      messages: [],
      empty: "Nothing yet: the customer is told once the trip's outcome is known.",
    });
    expect(shownContact.details.pending).toBe(true);
  });
});
