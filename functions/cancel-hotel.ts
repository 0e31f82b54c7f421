/** CancelHotel (compensation): cancels the hotel booking, whatever state it reached. */

import { failAtRandom } from '#bookings/failure-injection.ts';
import { undo } from '#bookings/transitions.ts';
import { sagaTask } from '#lambda/saga-task.ts';

export const handler = sagaTask('CancelHotel', async (trip) => {
  failAtRandom('CancelHotel', trip);
  return undo('hotel', trip);
});
