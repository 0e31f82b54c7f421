/**
 * GetTrip: `GET /trips/{tripId}`, the saga's status from the table's truth: the trip record and
 * its items, read in one query. Only a trip started outside the API (no record) asks Step
 * Functions for its execution.
 */

import { ClientError } from '#errors';
import { badRequest, callerOf, httpHandler, json } from '#lambda/http.ts';
import { TRIP_ID_PATTERN, TRIP_ID_RULE } from '#table/keys.ts';
import { describeTripExecution } from '#trip/executions.ts';
import { readTrip } from '#trip/read.ts';
import { isVisibleTo } from '#trip/rules.ts';
import { tripStatus } from '#trip/status.ts';

export const handler = httpHandler(async (event) => {
  const tripId = event.pathParameters?.tripId ?? '';
  if (!TRIP_ID_PATTERN.test(tripId)) throw badRequest([{ field: 'tripId', rule: TRIP_ID_RULE }]);

  const items = await readTrip(tripId);
  // Another customer's trip is answered exactly as a trip that does not exist.
  if (!isVisibleTo(items.record, callerOf(event)))
    throw new ClientError(404, `Trip ${tripId} not found`);
  const execution = items.record ? undefined : await describeTripExecution(tripId);
  if (!items.record && !execution && items.bookings.length + items.leftovers.length === 0) {
    throw new ClientError(404, `Trip ${tripId} not found`);
  }
  return json(200, tripStatus(tripId, items, execution));
});
