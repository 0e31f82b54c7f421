/** TakePayment: charges the trip, a `confirmed` payment. */
import { takePayment } from '#commons/booking-transitions.ts';
import { failIfRequested } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('TakePayment', async (trip) => {
  failIfRequested(trip, 'failPayment');
  return takePayment(trip);
});
