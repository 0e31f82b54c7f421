/** ConfirmFlight: turns the held seats into a `confirmed` booking. */

import { failIfRequested } from '#bookings/failure-injection.ts';
import { confirm } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('ConfirmFlight', async (trip) => {
  failIfRequested(trip, 'failFlightsConfirmation');
  return confirm('flight', trip);
});
