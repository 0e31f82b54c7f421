/** ReserveHotel: holds a room for the trip, a `pending` hotel booking. */
import { reserve } from '#commons/booking-transitions.ts';
import { failIfRequested } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('ReserveHotel', async (trip) => {
  failIfRequested(trip, 'failHotelReservation');
  return reserve('hotel', trip);
});
