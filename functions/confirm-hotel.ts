/** ConfirmHotel: turns the held room into a `confirmed` booking. */
import { confirm } from '#commons/booking-transitions.ts';
import { failIfRequested } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('ConfirmHotel', async (trip) => {
  failIfRequested(trip, 'failHotelConfirmation');
  return confirm('hotel', trip);
});
