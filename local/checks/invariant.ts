/**
 * The saga's invariant, checked after an execution has ended: the trip's bookings are all
 * confirmed (the saga succeeded), or none of them is live (it failed and undid everything), or
 * every live one is named by an open leftover (it failed and recorded what is left to repair).
 * Once a repair has resolved the leftovers, nothing may be live either.
 */

export type Item = Record<string, string | undefined>;

export interface InvariantCheck {
  /** booked, undone, recorded for repair, or repaired; `violated` when none of them holds. */
  outcome: 'booked' | 'undone' | 'recorded' | 'repaired' | 'violated';
  violations: string[];
}

const LIVE: Record<string, string[]> = {
  Hotel: ['pending', 'confirmed'],
  Flight: ['pending', 'confirmed'],
  Payment: ['confirmed'],
};

export const isLiveItem = (item: Item) =>
  (LIVE[item.type ?? ''] ?? []).includes(item.transaction_status ?? '');

/**
 * `status` and `error` are the execution's (DescribeExecution), `items` every item of the trip.
 */
export const checkInvariant = (
  status: string,
  error: string | undefined,
  items: Item[],
): InvariantCheck => {
  const bookings = items.filter((item) => Object.hasOwn(LIVE, item.type ?? ''));
  const leftovers = items.filter((item) => item.type === 'Leftover');
  const openLeftovers = new Set(
    leftovers.filter((item) => item.repair_status === 'open').map((item) => item.booking_sk),
  );
  const violations: string[] = [];

  if (status === 'RUNNING')
    return { outcome: 'violated', violations: ['the execution has not ended'] };

  if (status === 'SUCCEEDED') {
    for (const type of ['Hotel', 'Flight', 'Payment']) {
      const ofType = bookings.filter((item) => item.type === type);
      if (ofType.length !== 1)
        violations.push(`${ofType.length} ${type} bookings, expected exactly 1`);
      for (const item of ofType) {
        if (item.transaction_status !== 'confirmed')
          violations.push(`${item.sk} is ${item.transaction_status}, not confirmed`);
      }
    }
    if (leftovers.length > 0) violations.push('leftovers recorded for a booking that succeeded');
    return { outcome: violations.length === 0 ? 'booked' : 'violated', violations };
  }

  const unrecorded = bookings.filter((item) => isLiveItem(item) && !openLeftovers.has(item.sk));
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
