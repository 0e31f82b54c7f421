/** GetTrip: `GET /trips/{tripId}`, the saga's status, its execution and the trip's bookings. */
import { readTrip } from '#commons/bookings.ts';
import { describeTripExecution } from '#commons/executions.ts';
import { badRequest, ClientError, httpHandler, json } from '#commons/http.ts';
import { TRIP_ID_PATTERN, TRIP_ID_RULE } from '#commons/trip.ts';
import { tripStatus } from '#commons/trip-status.ts';

export const handler = httpHandler(async (event) => {
  const tripId = event.pathParameters?.tripId ?? '';
  if (!TRIP_ID_PATTERN.test(tripId)) throw badRequest([{ field: 'tripId', rule: TRIP_ID_RULE }]);

  const [execution, items] = await Promise.all([describeTripExecution(tripId), readTrip(tripId)]);
  if (execution === undefined && items.bookings.length === 0 && items.leftovers.length === 0) {
    throw new ClientError(404, `Trip ${tripId} not found`);
  }
  return json(200, tripStatus(tripId, execution, items));
});
