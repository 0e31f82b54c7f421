/** ConfirmHotel: turns the held room into a `confirmed` booking. */

import { failIfRequested } from '#bookings/failure-injection.ts';
import { confirm } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('ConfirmHotel', async (trip) => {
  failIfRequested(trip, 'failHotelConfirmation');
  return confirm('hotel', trip);
});
