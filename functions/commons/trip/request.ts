/**
 * What a request to start a booking asks for: a trip document in a POST body, or the reference's
 * query string (`?runType=...&tripID=...`) applied to its default trip. Every rule fails with
 * a 400 that names the field; a valid request yields the trip to book.
 */
import { randomUUID } from 'node:crypto';
import { failureInjectionEnabled } from '#config';
import { badRequest, fieldErrors, type HttpEvent } from '#lambda/http.ts';
import { tripDocumentOf } from '#trip/body.ts';
import { REFERENCE_TRIP, type Trip, TripRequestSchema } from '#trip/document.ts';

export { MAX_BODY_BYTES } from '#trip/body.ts';

const injectionEnabled = failureInjectionEnabled();

/** The reference's query parameters and the trip fields they set. */
const REFERENCE_QUERY = { tripID: 'trip_id', runType: 'run_type' } as const;

/**
 * A field's name in the request, by its name in the trip. Without a prototype, so that a field
 * named like an Object member (`constructor`, `__proto__`) is not renamed to that member.
 */
const renames = (entries: [string, string][] = []): Record<string, string> =>
  Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(entries));

const validated = (document: Record<string, unknown>, rename = renames()): Trip => {
  const parsed = TripRequestSchema.safeParse(document);
  if (!parsed.success) throw badRequest(fieldErrors(parsed.error.issues, rename));
  const trip = parsed.data;
  if (!injectionEnabled && trip.run_type !== 'success') {
    throw badRequest([
      {
        field: rename.run_type ?? 'run_type',
        rule: 'failure injection is disabled in this deployment; only "success" is accepted',
      },
    ]);
  }
  return trip;
};

/** `GET /?runType=...&tripID=...`: the reference's trip; a fresh trip id when none is given. */
export const tripFromQuery = (event: HttpEvent): Trip => {
  const query = event.queryStringParameters ?? {};
  // Own names only: `?constructor=x` is not one of the reference's parameters.
  const unknown = Object.keys(query).filter((name) => !Object.hasOwn(REFERENCE_QUERY, name));
  if (unknown.length > 0) {
    throw badRequest(
      unknown.map((name) => ({
        field: name,
        rule: 'is not a known query parameter (tripID, runType)',
      })),
    );
  }
  const rename = renames(
    Object.entries(REFERENCE_QUERY).map(([parameter, field]) => [field, parameter]),
  );
  return validated(
    {
      trip_id: query.tripID ?? randomUUID(),
      ...REFERENCE_TRIP,
      ...(query.runType === undefined ? {} : { run_type: query.runType }),
    },
    rename,
  );
};

export const tripFromBody = (event: HttpEvent): Trip => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  const document = tripDocumentOf(event.headers?.['content-type'], bytes);
  return validated({ trip_id: randomUUID(), ...document });
};
