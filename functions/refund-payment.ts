/** RefundPayment (compensation): refunds the payment, whether or not it was taken. */

import { failAtRandom } from '#bookings/failure-injection.ts';
import { undo } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('RefundPayment', async (trip) => {
  failAtRandom('RefundPayment', trip);
  return undo('payment', trip);
});
