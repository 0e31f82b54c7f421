/**
 * NotifyCustomer: the trip's outcome, told to its customer through the notifications topic, on
 * each domain event of TripEventsBus (BookingConfirmed, BookingFailed, BookingNeedsRepair,
 * BookingRepaired). Events come at least once and in any order: each notice is sent once, and
 * the event only says which trip to look at.
 */
import * as z from 'zod/mini';
import { task } from '#lambda/saga-task.ts';
import { EVENT_OF_NOTICE } from '#notices/notice.ts';
import { notifyCustomer } from '#notices/notify.ts';
import { tripId } from '#trip/document.ts';

const OutcomeEvent = z.object({
  'detail-type': z.enum(Object.values(EVENT_OF_NOTICE)),
  detail: z.object({ trip_id: tripId() }),
});

export const handler = task(
  'NotifyCustomer',
  OutcomeEvent,
  (event) => event.detail.trip_id,
  ({ detail }) => notifyCustomer(detail.trip_id),
);
