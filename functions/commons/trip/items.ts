/**
 * Reading a trip: every item under its partition key, every page, each parsed by the schema of
 * its kind (a malformed item is a MalformedItem error naming it, never a silent cast; the trip
 * record's schema is record-item.ts's). The rules that read them are in rules.ts. Pure: the client and the table are given, so the tools and the
 * tests read a trip through this too (read.ts reads it with the functions' own client).
 */
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { BOOKING_TYPES, COMPENSATION_NAMES, TRANSACTION_STATUSES } from '#bookings/steps.ts';
import { parseItem, type TableItem, TableItemSchema } from '#table/item.ts';
import { LEFTOVER_TYPE, NOTIFICATION_TYPE, TRIP_SK } from '#table/keys.ts';
import { type TripRecord, toTripRecord } from '#trip/record-item.ts';
import { isBooking, isLeftover } from '#trip/rules.ts';

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

export interface TripItems {
  /** The trip record; undefined for a trip whose execution was started outside the API. */
  record: TripRecord | undefined;
  bookings: BookingItem[];
  leftovers: LeftoverItem[];
  /** What its customer was sent, one item per notice (notices/claims.ts). */
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
