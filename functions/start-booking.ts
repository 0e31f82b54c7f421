/**
 * StartBooking: `POST /trips` with a trip document, and the reference's `GET` on any path
 * (`?runType=...&tripID=...`). Starts the trip's saga once: a repeat of the same request gets
 * the same execution, a different trip under the same id gets 409.
 */

import { ClientError } from '#errors';
import { callerOf, httpHandler, json, urlOf } from '#lambda/http.ts';
import { logger } from '#lambda/logger.ts';
import { tripFromBody, tripFromQuery } from '#trip/request.ts';
import { startTripExecution } from '#trip/start.ts';

export const handler = httpHandler(async (event) => {
  const method = event.requestContext.http.method;
  if (method === 'GET' && event.rawPath === '/favicon.ico') {
    // Browsers fetch it on their own; it must not start a booking.
    throw new ClientError(404, 'Not Found');
  }
  const reference = method === 'GET';
  const trip = reference ? tripFromQuery(event) : tripFromBody(event);
  logger.appendKeys({ trip_id: trip.trip_id });

  const start = await startTripExecution(trip, callerOf(event));
  if (start.kind === 'conflict') {
    throw new ClientError(
      409,
      `Trip ${trip.trip_id} was already booked with a different trip document`,
      [
        {
          field: reference ? 'tripID' : 'trip_id',
          rule: 'is already used by another trip document',
        },
      ],
    );
  }
  logger.info(start.kind === 'started' ? 'booking started' : 'booking already started', {
    execution_arn: start.executionArn,
  });
  const statusUrl = urlOf(event, `/trips/${trip.trip_id}`);
  return json(
    reference ? 200 : 202,
    {
      ...(reference ? { message: 'The holiday booking system is processing your order' } : {}),
      trip_id: trip.trip_id,
      execution_arn: start.executionArn,
      started_at: start.startDate?.toISOString(),
      status_url: statusUrl,
    },
    { location: statusUrl },
  );
});
