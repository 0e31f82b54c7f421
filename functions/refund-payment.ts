/** RefundPayment (compensation): refunds the payment, whether or not it was taken. */
import { refundPayment } from '#commons/booking-transitions.ts';
import { failAtRandom } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('RefundPayment', async (trip) => {
  failAtRandom('RefundPayment', trip);
  return refundPayment(trip);
});
