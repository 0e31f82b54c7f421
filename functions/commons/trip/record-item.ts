/**
 * The trip record (sk `TRIP`) as an item of the table: its schema, and a record read from the
 * table. Apart from the trip's other items, so that starting a trip (record.ts, start.ts) does
 * not load their schemas. Pure.
 */
import * as z from 'zod/mini';
import { parseItem, type TableItem } from '#table/item.ts';
import { TRIP_SK } from '#table/keys.ts';
import { OUTCOMES, SAGA_ENDS } from '#trip/rules.ts';

/** The trip record (record.ts), as the status and the end-of-saga checks read it. */
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
   * outcome that calls for it, removed once it is sent (notices/notify.ts). And since when.
   */
  notice_owed: z.optional(z.string()),
  owed_since: z.optional(z.string()),
  /** Present while the record is in the OpenTrips index (table/keys.ts). */
  open_shard: z.optional(z.string()),
});

export type TripRecord = Omit<z.output<typeof TripRecordItemSchema>, 'sk'>;

/** A trip record read from the table (it leaves out the key and the index attribute). */
export const toTripRecord = (item: TableItem): TripRecord => {
  const { sk: _sk, execution_error, ...record } = parseItem(TripRecordItemSchema, item);
  // Concluding a saga without an error writes an empty one.
  return { ...record, ...(execution_error ? { execution_error } : {}) };
};
