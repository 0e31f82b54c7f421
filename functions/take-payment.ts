/** TakePayment: charges the trip, a `confirmed` payment. */

import { failIfRequested } from '#bookings/failure-injection.ts';
import { make } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('TakePayment', async (trip) => {
  failIfRequested(trip, 'failPayment');
  return make('payment', trip);
});
