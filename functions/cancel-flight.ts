/** CancelFlight (compensation): cancels the flight booking, whatever state it reached. */
import { cancel } from '#commons/booking-transitions.ts';
import { failAtRandom } from '#commons/failure-injection.ts';
import { sagaTask } from '#commons/saga-task.ts';

export const handler = sagaTask('CancelFlight', async (trip) => {
  failAtRandom('CancelFlight', trip);
  return cancel('flight', trip);
});
