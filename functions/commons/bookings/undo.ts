/**
 * Undoing a trip's bookings once its saga has ended: the compensations in the saga's own order
 * (COMPENSATION_NAMES, the reverse of the order it makes them, and the ASL's undo chain), in one
 * loop the reconciler, the sweep and the repair share. With the trip document each compensation
 * runs as the saga runs it and writes a tombstone for a booking never made, so nothing arriving
 * late can make it; without one (a document that no longer parses) each live booking is undone
 * by its key.
 */
import {
  COMPENSATION_NAMES,
  COMPENSATIONS,
  type Compensation,
  kindOfType,
} from '#bookings/steps.ts';
import { undo } from '#bookings/transitions.ts';
import { describeError } from '#errors';
import { now, updateIf } from '#table/bookings-table.ts';
import { bookingSortKey, keyOf } from '#table/keys.ts';
import type { Trip } from '#trip/document.ts';
import type { BookingItem } from '#trip/items.ts';
import { isLive } from '#trip/rules.ts';

/**
 * Undoes one booking item by its key, from whatever live status it is in: its kind's final
 * status (cancelled, refunded). Returns whether it changed the item.
 */
export const undoItem = (tripId: string, item: BookingItem): Promise<boolean> => {
  const { live, final } = kindOfType(item.type);
  const liveValues = Object.fromEntries(live.map((status, index) => [`:live${index}`, status]));
  return updateIf({
    Key: keyOf(tripId, item.sk),
    // What it undid: the live status it found (read before this write).
    UpdateExpression:
      'SET transaction_status = :final, undone_from = transaction_status, updated_at = :now',
    ConditionExpression: `attribute_exists(pk) AND transaction_status IN (${Object.keys(liveValues).join(', ')})`,
    ExpressionAttributeValues: { ':final': final, ':now': now(), ...liveValues },
  });
};

/** What one compensation did after the saga. */
export interface Undone {
  compensation: Compensation;
  /** Whether it changed anything (false: nothing live, or undone before). */
  changed: boolean;
  /** The booking's sort key, when the trip document is known (a tombstone's, if it wrote one). */
  sk?: string;
  /** Why it failed, when the loop was asked to go on past a failure. */
  failure?: string;
}

/**
 * Runs every compensation, in the saga's order. A compensation that fails stops the loop with
 * its error, unless `goOn`: then it is reported (`failure`) and the next one runs, so that what
 * the failure leaves live is recorded afterwards.
 */
export const undoEverything = async (
  tripId: string,
  trip: Trip | undefined,
  bookings: readonly BookingItem[],
  { goOn = false } = {},
): Promise<Undone[]> => {
  const done: Undone[] = [];
  for (const compensation of COMPENSATION_NAMES) {
    const kind = COMPENSATIONS[compensation];
    try {
      if (trip) {
        const { changed } = await undo(kind, trip);
        done.push({ compensation, changed, sk: bookingSortKey(kind, trip) });
        continue;
      }
      let changed = false;
      for (const booking of bookings) {
        if (!isLive(booking) || kindOfType(booking.type).undo !== compensation) continue;
        if (await undoItem(tripId, booking)) changed = true;
      }
      done.push({ compensation, changed });
    } catch (error) {
      if (!goOn) throw error;
      done.push({ compensation, changed: false, failure: describeError(error) });
    }
  }
  return done;
};
