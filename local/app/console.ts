/**
 * The booking app's part of the console (local/console/server.ts's ConsoleExtension): a form
 * that books a trip through the app's own HTTP API (POST /trips, the same validation and the
 * same StartBookingFunction as any client), the run types it offers when failure injection is
 * on, a token field when the API's routes need one; beside each execution, the trip's items in
 * the table and what its customer was told.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableItem } from '#table/item.ts';
import { REFERENCE_TRIP, RUN_TYPES, TripSchema } from '#trip/document.ts';
import { queryTripItems } from '#trip/items.ts';
import { isTombstone } from '#trip/rules.ts';
import { LOCAL_CREDENTIALS } from '../aws/credentials.ts';
import { maskEmailAddresses } from '../console/format.ts';
import type { ConsoleExtension } from '../console/server.ts';
import type { FormField, Panel, StartResponse } from '../console/shapes.ts';
import type { Running } from '../plugin.ts';

/** The app's table and the function that starts a booking, by their logical ids. */
const TABLE = 'BookingsTable';
const START_BOOKING = 'StartBookingFunction';

/**
 * The trip id and run type an execution's input names. A trip document without a run type has
 * the schema's default (a saga started with the AWS CLI, say); other input, only what it says.
 */
const tripOf = (input: string | undefined): { tripId?: string; runType?: string } => {
  let parsed: { trip_id?: unknown; run_type?: unknown } | null;
  try {
    parsed = JSON.parse(input ?? '') as typeof parsed;
  } catch {
    return {};
  }
  const trip = TripSchema.safeParse(parsed);
  const runType = trip.success ? trip.data.run_type : parsed?.run_type;
  return {
    ...(typeof parsed?.trip_id === 'string' ? { tripId: parsed.trip_id } : {}),
    ...(typeof runType === 'string' ? { runType } : {}),
  };
};

/**
 * An item as the page shows it: each attribute as text (the saga's own are all strings), any
 * email address in it masked.
 */
const asText = (item: TableItem): Record<string, string> =>
  Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      maskEmailAddresses(typeof value === 'string' ? value : JSON.stringify(value)),
    ]),
  );

/** The trip's items: type, key (its hash shortened, the whole key in the tooltip), status. */
const itemsPanel = (items: Record<string, string>[]): Panel => ({
  kind: 'table',
  id: 'items',
  title: 'Trip items',
  columns: ['type', 'key', 'status'],
  rows: items.map((item) => {
    const status = item.transaction_status ?? item.repair_status ?? item.delivery_status ?? '';
    const sk = item.sk ?? '';
    return {
      data: { sk, type: item.type ?? '', status },
      cells: [
        { text: item.type ?? '' },
        { text: sk.replace(/([0-9a-f]{8})[0-9a-f]{16,}/g, '$1…'), title: sk },
        // A tombstone (an undo that found nothing) is not an undo of something that existed.
        {
          text: isTombstone(item) ? `${status} (tombstone: never made)` : status,
          status,
        },
      ],
    };
  }),
});

/** What the customer was told: each notice's subject and message, as NotifyCustomer sent it. */
const noticesPanel = (notifications: Record<string, string>[]): Panel => ({
  kind: 'messages',
  id: 'notifications',
  title: 'Told the customer',
  empty: "Nothing yet: the customer is told once the trip's outcome is known.",
  messages: notifications.map((item) => ({
    heading: `${item.subject ?? ''}${item.sent_to ? ` (to ${item.sent_to})` : ''}`,
    body: item.message ?? '',
    data: { notice: item.notice ?? '', status: item.delivery_status ?? '' },
  })),
});

export const bookingConsole = (running: Running): ConsoleExtension => {
  const dynamodb = new DynamoDBClient({
    region: running.region,
    credentials: LOCAL_CREDENTIALS,
    endpoint: running.endpoints.dynamodb,
  });
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const tableName = running.tables[TABLE] ?? TABLE;
  // As the API takes them: run types only with failure injection, a token when it asks.
  const runTypes: readonly string[] =
    running.functions.find((fn) => fn.name === START_BOOKING)?.environment.FAILURE_INJECTION ===
    'enabled'
      ? RUN_TYPES
      : [];
  const signIn = running.routes.some((route) => route.authorizer);
  const fields: FormField[] = [
    {
      id: 'trip-id',
      name: 'trip_id',
      label: 'Trip id',
      placeholder: 'blank: a fresh one',
      maxLength: 64,
    },
    ...(runTypes.length > 0
      ? [{ id: 'run-type', name: 'run_type', label: 'Run type', options: runTypes }]
      : []),
  ];

  const book = async (
    values: Record<string, unknown>,
    authorization: string | undefined,
  ): Promise<{ status: number; body: StartResponse }> => {
    const runType = values.run_type ?? runTypes[0];
    if (runType !== undefined && (typeof runType !== 'string' || !runTypes.includes(runType))) {
      const rule = runTypes.length > 0 ? `one of ${runTypes.join(', ')}` : 'absent: none is taken';
      return { status: 400, body: { message: `run_type must be ${rule}` } };
    }
    const tripId =
      typeof values.trip_id === 'string' && values.trip_id.trim() !== ''
        ? values.trip_id.trim()
        : randomUUID();
    // Through the real API: the same validation, the same StartBookingFunction.
    const response = await fetch(`${running.endpoints.api}/trips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({
        trip_id: tripId,
        ...REFERENCE_TRIP,
        ...(runType === undefined ? {} : { run_type: runType }),
      }),
    });
    const answer = (await response.json()) as {
      trip_id?: string;
      execution_arn?: string;
      message?: string;
      errors?: { field?: string; message?: string }[];
    };
    const errors = answer.errors?.map((error) => `${error.field}: ${error.message}`).join('; ');
    return {
      status: response.status,
      body: {
        ...(answer.execution_arn ? { executionArn: answer.execution_arn } : {}),
        ...(answer.trip_id ? { started: answer.trip_id } : {}),
        ...(errors || answer.message ? { message: errors || answer.message } : {}),
      },
    };
  };

  return {
    title: 'Booking saga',
    start: {
      form: {
        button: 'Start booking',
        fields,
        ...(signIn ? { token: { placeholder: 'npm run token -- --user alice' } } : {}),
      },
      run: book,
    },
    labelOf: (input) => tripOf(input).runType,
    detailsOf: async ({ input }) => {
      const { tripId } = tripOf(input);
      const items = tripId ? (await queryTripItems(documents, tableName, tripId)).map(asText) : [];
      const notifications = items.filter((item) => item.type === 'Notification');
      return {
        ...(tripId ? { subject: `trip ${tripId}` } : {}),
        panels: [itemsPanel(items), noticesPanel(notifications)],
        // The customer is told after the execution ends (and again after a repair): keep looking.
        pending:
          notifications.length === 0 ||
          notifications.some((item) => item.delivery_status !== 'sent'),
      };
    },
    close: async () => dynamodb.destroy(),
  };
};
