/** CancelHotel (compensation): cancels the hotel booking, whatever state it reached. */
import { cancel } from '#commons/booking-transitions.ts';
import { failAtRandom } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('CancelHotel', async (trip) => {
  failAtRandom('CancelHotel', trip);
  return cancel('hotel', trip);
});
