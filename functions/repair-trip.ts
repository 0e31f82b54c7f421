/**
 * RepairTrip: undoes every live booking of a trip whose saga ended without booking, whether a
 * leftover names it or not, resolves its leftovers and concludes its record. Refused while the
 * trip's execution runs, however it was started. Invoked by an operator after the repair alarm,
 * with `{ "trip_id": "..." }`: `npm run repair -- <tripId>` locally, `aws lambda invoke` on AWS.
 * A trip with nothing to repair is left as it is. A repair that changed the outcome owes the
 * customer its notice, which goes out on the trip events bus (BookingRepaired).
 */
import * as z from 'zod/mini';
import { task } from '#lambda/saga-task.ts';
import { announceOutcome } from '#notices/announce.ts';
import { repairTrip } from '#saga-end/repair.ts';
import { tripId } from '#trip/document.ts';

const RepairInput = z.object({ trip_id: tripId() });

export const handler = task(
  'RepairTrip',
  RepairInput,
  (input) => input.trip_id,
  async ({ trip_id }) => {
    const repaired = await repairTrip(trip_id);
    if (repaired.changed) await announceOutcome(trip_id);
    return repaired;
  },
);
