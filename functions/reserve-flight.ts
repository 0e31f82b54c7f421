/** ReserveFlight: holds the trip's seats, a `pending` flight booking. */

import { failIfRequested } from '#bookings/failure-injection.ts';
import { make } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('ReserveFlight', async (trip) => {
  failIfRequested(trip, 'failFlightsReservation');
  return make('flight', trip);
});
