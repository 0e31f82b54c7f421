/**
 * The saga's invariant, checked after an execution has ended: the trip's bookings are all
 * confirmed (the saga succeeded), or none of them is live (it failed and undid everything), or
 * every live one is named by an open leftover (it failed and recorded what is left to repair).
 * Once a repair has resolved the leftovers, nothing may be live either. What is a booking, which
 * is live, what is a leftover and when a trip is booked are the functions' own rules
 * (functions/commons/trip/rules.ts).
 */
import { isBooking, isLeftover, isLive, isOpenLeftover, whyNotBooked } from '#trip/rules.ts';

/** An item of the trip, as read from the table (parsed or not). */
export type Item = Readonly<Record<string, unknown>>;

export interface InvariantCheck {
  /** booked, undone, recorded for repair, or repaired; `violated` when none of them holds. */
  outcome: 'booked' | 'undone' | 'recorded' | 'repaired' | 'violated';
  violations: string[];
}

/**
 * `status` and `error` are the execution's (DescribeExecution), `items` every item of the trip.
 */
export const checkInvariant = (
  status: string,
  error: string | undefined,
  items: Item[],
): InvariantCheck => {
  const bookings = items.filter(isBooking);
  const leftovers = items.filter(isLeftover);
  const openLeftovers = new Set(leftovers.filter(isOpenLeftover).map((item) => item.booking_sk));
  const violations: string[] = [];

  if (status === 'RUNNING')
    return { outcome: 'violated', violations: ['the execution has not ended'] };

  if (status === 'SUCCEEDED') {
    violations.push(...whyNotBooked(bookings));
    if (leftovers.length > 0) violations.push('leftovers recorded for a booking that succeeded');
    return { outcome: violations.length === 0 ? 'booked' : 'violated', violations };
  }

  const unrecorded = bookings.filter((item) => isLive(item) && !openLeftovers.has(item.sk));
  for (const item of unrecorded)
    violations.push(`${item.sk} is still ${item.transaction_status} and no leftover names it`);
  if (error === 'BookingFailed' && leftovers.length > 0)
    violations.push('BookingFailed, yet leftovers are recorded');
  if (error === 'BookingNeedsRepair' && leftovers.length === 0)
    violations.push('BookingNeedsRepair, yet no leftover is recorded');
  if (violations.length > 0) return { outcome: 'violated', violations };
  if (openLeftovers.size > 0) return { outcome: 'recorded', violations };
  return { outcome: leftovers.length > 0 ? 'repaired' : 'undone', violations };
};
