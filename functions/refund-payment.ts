/** RefundPayment (compensation): refunds the payment, whether or not it was taken. */

import { failAtRandom } from '#bookings/failure-injection.ts';
import { refundPayment } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('RefundPayment', async (trip) => {
  failAtRandom('RefundPayment', trip);
  return refundPayment(trip);
});
