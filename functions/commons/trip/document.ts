/**
 * The trip document: the saga's input and the API's request body, defined once.
 *
 * The same schema types the handlers (Powertools parser) and validates the API, so the rules a
 * request is checked against are the rules every saga step relies on.
 */
import * as z from 'zod/mini';
import { type FailureRunType, SAGA_STEPS } from '#bookings/steps.ts';
import { TRIP_ID_PATTERN, TRIP_ID_RULE } from '#table/keys.ts';

/** The reference's run types: `success` books, each other one fails the step it names. */
export const RUN_TYPES = ['success', ...SAGA_STEPS.map((step) => step.runType)] as [
  'success',
  ...FailureRunType[],
];
export type RunType = (typeof RUN_TYPES)[number];
export type { FailureRunType };

const MAX_TEXT_LENGTH = 100;
// Never in a place or hotel name: control characters, lone surrogates (not Unicode text at all),
// and the invisible and bidirectional formatting characters that make text read otherwise
// than it is (zero-width space, BOM, embeddings, overrides and isolates).
const PLAIN_TEXT = /^[^\p{Cc}\p{Cs}\u200B\uFEFF\u202A-\u202E\u2066-\u2069]*$/u;
// The longest ISO 8601 date-time with nanoseconds and an offset: 2021-07-10T06:00:00.123456789+01:00.
const MAX_INSTANT_LENGTH = 35;

const requiredString = (rule: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : rule) });

const text = () =>
  requiredString('must be a string').check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
    z.regex(
      PLAIN_TEXT,
      'must not contain control characters, nor invisible or bidirectional formatting ones',
    ),
  );

// ISO 8601 date-time with a time zone, as the reference writes them: 2021-07-10T06:00:00.000Z.
// zod's check also rejects impossible calendar dates such as 2021-02-30.
const instant = () =>
  requiredString('must be an ISO 8601 date-time string').check(
    z.maxLength(MAX_INSTANT_LENGTH, `must be at most ${MAX_INSTANT_LENGTH} characters`),
    z.iso.datetime({
      offset: true,
      error: 'must be an ISO 8601 date-time with a time zone, e.g. 2021-07-10T06:00:00.000Z',
    }),
  );

export const tripId = () =>
  requiredString('must be a string').check(z.regex(TRIP_ID_PATTERN, TRIP_ID_RULE));

export const runType = () => z.enum(RUN_TYPES, { error: `must be one of ${RUN_TYPES.join(', ')}` });

// RFC 5321's limit on a forward path.
const MAX_CONTACT_LENGTH = 254;

/** Where the customer is told the outcome: an email address. Personal data: never logged whole. */
const contact = () =>
  requiredString('must be an email address').check(
    z.maxLength(MAX_CONTACT_LENGTH, `must be at most ${MAX_CONTACT_LENGTH} characters`),
    z.email({ error: 'must be an email address, e.g. jane@example.com' }),
  );

/** A contact as logs, the console and npm start may show it: its first letter and its domain. */
export const maskContact = (value: string): string => {
  const at = value.lastIndexOf('@');
  return at > 0 ? `${value.slice(0, 1)}***${value.slice(at)}` : '***';
};

const tripFields = {
  trip_id: tripId(),
  depart: text(),
  depart_at: instant(),
  arrive: text(),
  arrive_at: instant(),
  hotel: text(),
  check_in: instant(),
  check_out: instant(),
  rental: z.optional(text()),
  rental_from: z.optional(instant()),
  rental_to: z.optional(instant()),
  run_type: z._default(runType(), 'success'),
  // Last: a trip document without a contact reads as it did before contacts existed.
  contact: z.optional(contact()),
};

const BaseTrip = z.object(tripFields);
type TripShape = z.output<typeof BaseTrip>;

const isBefore = (earlier: string, later: string) => Date.parse(earlier) < Date.parse(later);

const orderChecks = <T extends z.ZodMiniType<TripShape>>(schema: T) =>
  schema.check(
    z.refine((trip: TripShape) => isBefore(trip.depart_at, trip.arrive_at), {
      message: 'must be after depart_at',
      path: ['arrive_at'],
    }),
    z.refine((trip: TripShape) => isBefore(trip.check_in, trip.check_out), {
      message: 'must be after check_in',
      path: ['check_out'],
    }),
    z.refine(
      (trip: TripShape) =>
        trip.rental_from === undefined ||
        trip.rental_to === undefined ||
        isBefore(trip.rental_from, trip.rental_to),
      { message: 'must be after rental_from', path: ['rental_to'] },
    ),
  );

/**
 * The saga's input as each step receives it. Keys the steps add on the way (results, caught
 * errors) are ignored, so every step parses the same trip from the same state.
 */
export const TripSchema = orderChecks(BaseTrip);

/** A trip document sent to the API: the same rules, and no unknown fields. */
export const TripRequestSchema = orderChecks(z.strictObject(tripFields));

export type Trip = z.output<typeof TripSchema>;

/** The reference's default trip, used by `GET /?runType=...&tripID=...`. */
export const REFERENCE_TRIP = {
  depart: 'London',
  depart_at: '2021-07-10T06:00:00.000Z',
  arrive: 'Dublin',
  arrive_at: '2021-07-12T08:00:00.000Z',
  hotel: 'holiday inn',
  check_in: '2021-07-10T12:00:00.000Z',
  check_out: '2021-07-12T14:00:00.000Z',
  rental: 'Volvo',
  rental_from: '2021-07-10T00:00:00.000Z',
  rental_to: '2021-07-12T00:00:00.000Z',
} as const;

const serialise = (trip: Trip, keys: readonly (keyof Trip)[]): string => {
  const ordered: Record<string, string> = {};
  for (const key of keys) {
    const value = trip[key];
    if (value !== undefined) ordered[key] = value;
  }
  return JSON.stringify(ordered);
};

const DOCUMENT_KEYS = Object.keys(tripFields) as (keyof Trip)[];

/**
 * The trip document as the request gave it, contact included, in the schema's order: what a
 * repeated request is compared with (its digest is on the trip record). The same text the
 * execution input was before the contact left it, so a record written then compares alike.
 */
export const toTripDocument = (trip: Trip): string => serialise(trip, DOCUMENT_KEYS);

/**
 * The execution input for a trip: its fields in the schema's order, so an identical request
 * always serialises to the identical string (Step Functions compares inputs as strings). Never
 * the contact: the input travels on into the execution's history, its status change events and
 * whatever records them (the operators' topic), none of which may hold it. The contact stays on
 * the trip record, where the notifier reads it.
 */
export const toExecutionInput = (trip: Trip): string =>
  serialise(
    trip,
    DOCUMENT_KEYS.filter((key) => key !== 'contact'),
  );

/** The trip document of an execution input, if it still parses. */
export const tripOf = (input: string | undefined): Trip | undefined => {
  if (input === undefined) return undefined;
  try {
    const parsed = TripSchema.safeParse(JSON.parse(input));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
