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
import { ClientError } from '#errors';
import type { TableItem } from '#table/item.ts';
import { tripDocumentOf } from '#trip/body.ts';
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
export const tripOf = (input: string | undefined): { tripId?: string; runType?: string } => {
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

/** Whether a trip record names a contact to tell: its own `contact` (older records: in the input). */
const hasContact = (record: Record<string, string>) => {
  if (record.contact) return true;
  try {
    const { contact } = JSON.parse(record.input ?? '') as { contact?: unknown };
    return typeof contact === 'string' && contact !== '';
  } catch {
    return false;
  }
};

/**
 * What the customer was told: each notice's subject and message, as NotifyCustomer sent it; when
 * none was sent, why: no trip record (an execution started outside the API, whose customer is
 * never told), no contact to tell, or an outcome not known yet.
 */
const noticesPanel = (items: Record<string, string>[]): Panel => {
  const record = items.find((item) => item.type === 'Trip');
  const notifications = items.filter((item) => item.type === 'Notification');
  const empty =
    record === undefined
      ? 'No one to tell: this execution has no trip record (it was not started through the API).'
      : record.outcome !== undefined && !hasContact(record)
        ? 'No one to tell: this trip has no contact.'
        : "Nothing yet: the customer is told once the trip's outcome is known.";
  return {
    kind: 'messages',
    id: 'notifications',
    title: 'Told the customer',
    empty,
    messages: notifications.map((item) => ({
      heading: `${item.subject ?? ''} ${item.sent_to ? `(to ${item.sent_to})` : '(no contact)'}`,
      body: item.message ?? '',
      data: { notice: item.notice ?? '', status: item.delivery_status ?? '' },
    })),
  };
};

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

  /**
   * The form's `{ run_type?, trip_id?, ... }` on the reference's trip, booked through `POST
   * /trips`: the body refused as that route refuses it (its media type, size, UTF-8, one JSON
   * object: tripDocumentOf), every field checked by the API itself. A blank trip id asks for a
   * fresh one; no run type, the first offered.
   */
  const book = async ({
    body,
    contentType,
    authorization,
  }: {
    body: Buffer;
    contentType: string | undefined;
    authorization: string | undefined;
  }): Promise<{ status: number; body: StartResponse }> => {
    let request: Record<string, unknown>;
    try {
      request = tripDocumentOf(contentType, body);
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      const errors = error.errors.length > 0 ? { errors: error.errors } : {};
      return { status: error.statusCode, body: { message: error.message, ...errors } };
    }
    const { trip_id: tripId, run_type: runType = runTypes[0], ...rest } = request;
    const blank = typeof tripId === 'string' && tripId.trim() === '';
    // Through the real API: the same validation, the same StartBookingFunction.
    let response: Response;
    try {
      response = await fetch(`${running.endpoints.api}/trips`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({
          trip_id: tripId === undefined || blank ? randomUUID() : tripId,
          ...REFERENCE_TRIP,
          ...rest,
          ...(runType === undefined ? {} : { run_type: runType }),
        }),
      });
    } catch (error) {
      // The API did not answer at all: the console is a gateway to it, and says so.
      const reason =
        error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error);
      return { status: 502, body: { message: `The HTTP API did not answer: ${reason}` } };
    }
    const text = await response.text();
    let answer: {
      trip_id?: string;
      execution_arn?: string;
      message?: string;
      errors?: { field: string; rule: string }[];
    } = { message: text };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      // Not JSON (a proxy's page, say): passed on as the message.
    }
    return {
      status: response.status,
      body: {
        ...(answer.execution_arn ? { executionArn: answer.execution_arn } : {}),
        ...(answer.trip_id ? { started: answer.trip_id } : {}),
        ...(answer.message ? { message: answer.message } : {}),
        ...(answer.errors ? { errors: answer.errors } : {}),
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
      const hasRecord = items.some((item) => item.type === 'Trip');
      return {
        ...(tripId ? { subject: `trip ${tripId}` } : {}),
        panels: [itemsPanel(items), noticesPanel(items)],
        // The customer is told after the execution ends (and again after a repair): keep looking,
        // unless there is no record, and so no one will be.
        pending:
          (hasRecord && notifications.length === 0) ||
          notifications.some((item) => item.delivery_status !== 'sent'),
      };
    },
    close: async () => dynamodb.destroy(),
  };
};
