/** CancelFlight (compensation): cancels the flight booking, whatever state it reached. */

import { failAtRandom } from '#bookings/failure-injection.ts';
import { undo } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('CancelFlight', async (trip) => {
  failAtRandom('CancelFlight', trip);
  return undo('flight', trip);
});
