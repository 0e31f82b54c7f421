/** ReserveHotel: holds a room for the trip, a `pending` hotel booking. */

import { failIfRequested } from '#bookings/failure-injection.ts';
import { make } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('ReserveHotel', async (trip) => {
  failIfRequested(trip, 'failHotelReservation');
  return make('hotel', trip);
});
