/**
 * Reading a trip: every item under its partition key, every page, each parsed by the schema of
 * its kind (a malformed item is a MalformedItem error naming it, never a silent cast), and the
 * rules that read them: which booking is live, which leftover is open, when a trip is booked,
 * and the outcome an ended saga shows.
 * Pure: the client and the table are given, so the tools and the tests read a trip through this
 * too (functions/commons/table/bookings-table.ts gives the functions' own).
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { MalformedItem } from '#errors';
import {
  BOOKING_KINDS,
  BOOKING_TYPES,
  COMPENSATION_NAMES,
  LEFTOVER_TYPE,
  NOTHING_UNDONE,
  NOTIFICATION_TYPE,
  TRANSACTION_STATUSES,
  TRIP_SK,
} from '#table/keys.ts';

/** Any item of the table: its key, and whatever else it holds. */
export const TableItemSchema = z.looseObject({ pk: z.string(), sk: z.string() });
export type TableItem = z.output<typeof TableItemSchema>;

/** The saga's items hold strings only; the attributes not named are details (hotel, amount...). */
const itemOf = <Shape extends z.core.$ZodLooseShape>(shape: Shape) =>
  z.catchall(
    z.object({ pk: z.string(), sk: z.string(), trip_id: z.string(), ...shape }),
    z.string(),
  );

const BookingItemSchema = itemOf({
  type: z.enum(BOOKING_TYPES),
  id: z.string(),
  transaction_status: z.enum(TRANSACTION_STATUSES),
});
export type BookingItem = z.output<typeof BookingItemSchema>;

const LeftoverItemSchema = itemOf({
  type: z.literal(LEFTOVER_TYPE),
  compensation: z.enum(COMPENSATION_NAMES),
  booking_sk: z.string(),
  booking_id: z.string(),
  repair_status: z.enum(['open', 'resolved']),
  // The trip document, when it was known: what undoing the booking was asked with.
  trip: z.optional(z.string()),
});
export type LeftoverItem = z.output<typeof LeftoverItemSchema>;

const NotificationItemSchema = itemOf({
  type: z.literal(NOTIFICATION_TYPE),
  notice: z.string(),
  delivery_status: z.enum(['sending', 'sent']),
  /** The text, fixed when first claimed: a resend sends it as it is. */
  subject: z._default(z.string(), ''),
  message: z._default(z.string(), ''),
  claimed_at: z._default(z.string(), ''),
  sent_at: z.optional(z.string()),
  /** How often a claim was taken over and its text sent again (each a possible duplicate). */
  resends: z.optional(z.number()),
});
export type NotificationItem = z.output<typeof NotificationItemSchema>;

/** How an execution can end, as Step Functions reports it. */
export const EXECUTION_ENDS = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;
/** How a saga ended: its execution's end, or NOT_STARTED when it never ran. */
const SAGA_ENDS = [...EXECUTION_ENDS, 'NOT_STARTED'] as const;
export type SagaEnd = (typeof SAGA_ENDS)[number];

/** What the table says of a saga once it has ended. */
const OUTCOMES = ['booked', 'failed', 'needs_repair'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The trip record (trip-record.ts), as the status and the end-of-saga checks read it. */
const TripRecordItemSchema = z.object({
  sk: z.literal(TRIP_SK),
  trip_id: z.string(),
  /** The execution input (the trip document, in the schema's order, without the contact). */
  input: z.string(),
  /** The digest of the whole trip document, contact included: what a repeat is compared with. */
  input_digest: z.string(),
  execution_arn: z._default(z.string(), ''),
  started_at: z._default(z.string(), ''),
  /** The customer who started it (the token's sub); absent on the open demo API. */
  owner: z.optional(z.string()),
  /** Where the customer is told the outcome; only here (older records: in the input). */
  contact: z.optional(z.string()),
  /** Set once the saga has ended. */
  execution_status: z.optional(z.enum(SAGA_ENDS)),
  /** The execution's error name, when it failed (BookingFailed, States.Timeout, ...). */
  execution_error: z.optional(z.string()),
  ended_at: z.optional(z.string()),
  outcome: z.optional(z.enum(OUTCOMES)),
  /**
   * The notice the customer is owed (outbox): written by the same conditional write as the
   * outcome that calls for it, removed once it is sent (notify.ts). And since when.
   */
  notice_owed: z.optional(z.string()),
  owed_since: z.optional(z.string()),
  /** Present while the record is in the OpenTrips index (table-keys.ts). */
  open_shard: z.optional(z.string()),
});

export type TripRecord = Omit<z.output<typeof TripRecordItemSchema>, 'sk'>;

const describeIssues = (error: z.core.$ZodError) =>
  error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'item'} ${issue.message}`)
    .join('; ');

/** The item parsed by `schema`, or a MalformedItem error naming it. */
const parseItem = <S extends z.ZodMiniType>(schema: S, item: unknown): z.output<S> => {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  const key = TableItemSchema.safeParse(item);
  const name = key.success ? `Item ${key.data.sk} of trip ${key.data.pk}` : 'An item without a key';
  throw new MalformedItem(`${name} is malformed: ${describeIssues(parsed.error)}`);
};

/** A trip record read from the table (it leaves out the key and the index attribute). */
export const toTripRecord = (item: TableItem): TripRecord => {
  const { sk: _sk, execution_error, ...record } = parseItem(TripRecordItemSchema, item);
  // Concluding a saga without an error writes an empty one.
  return { ...record, ...(execution_error ? { execution_error } : {}) };
};

/** An item as the rules below take it: parsed, or as a tool or a test read it. */
type AnyItem = Readonly<Record<string, unknown>>;

export const isBooking = (item: AnyItem): boolean =>
  BOOKING_TYPES.some((type) => type === item.type);

export const isLeftover = (item: AnyItem): boolean => item.type === LEFTOVER_TYPE;

/** A leftover no repair has resolved yet: the booking it names may still be live. */
export const isOpenLeftover = (item: AnyItem): boolean =>
  isLeftover(item) && item.repair_status === 'open';

const LIVE_STATUSES: Record<string, readonly unknown[]> = Object.fromEntries(
  Object.values(BOOKING_KINDS).map(({ type, live }) => [type, live]),
);

/**
 * A tombstone: a cancel or a refund that found no booking (`undone_from` is `nothing`). It stops
 * a late step from making the booking; it is not a booking, and nothing of it was undone.
 */
export const isTombstone = (booking: AnyItem): boolean =>
  isBooking(booking) && booking.undone_from === NOTHING_UNDONE;

/** A booking that was made (reserved, taken): any booking item but a tombstone. */
export const isMade = (booking: AnyItem): boolean => isBooking(booking) && !isTombstone(booking);

/** A booking that still holds something: a held or confirmed room or seat, a taken payment. */
export const isLive = (booking: AnyItem): boolean =>
  (LIVE_STATUSES[String(booking.type)] ?? []).includes(booking.transaction_status);

/** Hotel, flight and payment each there once, and each confirmed. */
export const isBooked = (bookings: readonly AnyItem[]): boolean =>
  BOOKING_TYPES.every((type) => {
    const ofType = bookings.filter((booking) => booking.type === type);
    return ofType.length === 1 && ofType[0]?.transaction_status === 'confirmed';
  });

export interface TripItems {
  /** The trip record; undefined for a trip whose execution was started outside the API. */
  record: TripRecord | undefined;
  bookings: BookingItem[];
  leftovers: LeftoverItem[];
  /** What its customer was sent, one item per notice (notification-record.ts). */
  notifications: NotificationItem[];
}

/** A trip's items by kind, each parsed; items of no kind the saga writes are left out. */
export const tripItemsOf = (items: readonly TableItem[]): TripItems => {
  const record = items.find((item) => item.sk === TRIP_SK);
  return {
    record: record && toTripRecord(record),
    bookings: items.filter(isBooking).map((item) => parseItem(BookingItemSchema, item)),
    leftovers: items.filter(isLeftover).map((item) => parseItem(LeftoverItemSchema, item)),
    notifications: items
      .filter((item) => item.type === NOTIFICATION_TYPE)
      .map((item) => parseItem(NotificationItemSchema, item)),
  };
};

/**
 * What the table shows of a saga that has ended (`end`, when known, is how it ended): the
 * reconciler's conclusion, the status API's and the repair tool's, one rule for all.
 */
export const outcomeOf = (items: TripItems, end: SagaEnd | undefined): Outcome => {
  if (items.leftovers.some(isOpenLeftover)) return 'needs_repair';
  if ((end === undefined || end === 'SUCCEEDED') && isBooked(items.bookings)) return 'booked';
  return items.bookings.some(isLive) ? 'needs_repair' : 'failed';
};

/** Every item of a trip, every page, consistently read, in sort-key order. */
export const queryTripItems = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  tripId: string,
): Promise<TableItem[]> => {
  const items: TableItem[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :trip',
        ExpressionAttributeValues: { ':trip': tripId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) items.push(parseItem(TableItemSchema, item));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
};

/**
 * Every item of a trip, in one query (every page): its record, its bookings, its recorded
 * leftovers and its notifications.
 */
export const readTripItems = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  tripId: string,
): Promise<TripItems> => tripItemsOf(await queryTripItems(client, tableName, tripId));
