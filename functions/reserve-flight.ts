/** ReserveFlight: holds the trip's seats, a `pending` flight booking. */
import { reserve } from '#commons/booking-transitions.ts';
import { failIfRequested } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('ReserveFlight', async (trip) => {
  failIfRequested(trip, 'failFlightsReservation');
  return reserve('flight', trip);
});
