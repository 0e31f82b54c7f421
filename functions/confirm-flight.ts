/** ConfirmFlight: turns the held seats into a `confirmed` booking. */
import { confirm } from '#commons/booking-transitions.ts';
import { failIfRequested } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('ConfirmFlight', async (trip) => {
  failIfRequested(trip, 'failFlightsConfirmation');
  return confirm('flight', trip);
});
