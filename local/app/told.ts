/**
 * What a trip's customer was told, checked against the table: the invariants of a trip's end seen
 * from outside, for the crash harness and the soak. Once everything has settled:
 *   - the saga's invariant holds (local/app/checks/invariant.ts): nothing live on a trip that did
 *     not book, unless an open leftover names it;
 *   - the record is concluded, owes no notice, and no claim is left unfinished;
 *   - each notice the table says was sent reached the customer, with the text it was claimed
 *     with; none reached them that the table does not know; a notice received more than once is
 *     the documented duplicate (a resend after a crash between publish and mark, counted on its
 *     record), any other repeat is a violation;
 *   - the last notice is the one the outcome calls for, and its lines are the table's bookings
 *     as they stand; no message tells a tombstone as an undo (a line for a booking never made).
 * The message text is the functions' own (functions/commons/notices/notice.ts): what a message says of
 * each booking is compared with what the same rule makes of the table.
 */
import { bookingLines, type Notice, noticeFor } from '#notices/notice.ts';
import type { TableItem } from '#table/item.ts';
import { tripItemsOf } from '#trip/items.ts';
import { isTombstone } from '#trip/rules.ts';
import { checkInvariant } from './checks/invariant.ts';

/** A message the customer received (from the notifications topic). */
export interface Received {
  notice: string;
  subject: string;
  message: string;
  contact: string | undefined;
}

export interface ToldCheck {
  violations: string[];
  /** Messages received twice or more with the same text: the documented duplicate. */
  duplicates: number;
}

export const checkTold = (
  items: TableItem[],
  received: readonly Received[],
  contact: string | undefined,
): ToldCheck => {
  const trip = tripItemsOf(items);
  const { record } = trip;
  const violations: string[] = [];
  let duplicates = 0;
  if (!record) {
    // No record: the request never got as far as writing one; nothing may have happened.
    if (items.length > 0) violations.push('items without a trip record');
    if (received.length > 0) violations.push('messages about a trip without a record');
    return { violations, duplicates };
  }
  const end = record.execution_status;
  if (end === undefined) violations.push('the trip record is not concluded');
  else {
    const { outcome, violations: broken } = checkInvariant(
      end === 'NOT_STARTED' ? 'FAILED' : end,
      record.execution_error || undefined,
      items,
    );
    if (outcome === 'violated') violations.push(...broken);
  }
  if (record.notice_owed !== undefined) violations.push(`still owes ${record.notice_owed}`);

  const sent = trip.notifications
    .filter((item) => item.delivery_status === 'sent')
    .sort((a, b) => (a.sent_at ?? '').localeCompare(b.sent_at ?? ''));
  for (const item of trip.notifications.filter((n) => n.delivery_status !== 'sent'))
    violations.push(`the ${item.notice} notice was never marked sent`);
  for (const item of sent) {
    const copies = received.filter((message) => message.notice === item.notice);
    if (copies.length === 0)
      violations.push(`the ${item.notice} notice never reached the customer`);
    for (const copy of copies) {
      if (copy.subject !== item.subject || copy.message !== item.message)
        violations.push(`a ${item.notice} message whose text is not the one claimed`);
      if (copy.contact !== contact) violations.push(`a ${item.notice} message to another contact`);
    }
    const repeats = Math.max(0, copies.length - 1);
    if (repeats > (item.resends ?? 0))
      violations.push(`the ${item.notice} notice reached the customer ${copies.length} times`);
    duplicates += repeats;
  }
  for (const message of received) {
    if (!sent.some((item) => item.notice === message.notice))
      violations.push(`a ${message.notice} message the table has no record of`);
  }

  if (record.outcome !== undefined) {
    const expected: Notice = noticeFor(record.outcome, trip);
    const last = sent.at(-1);
    if (last?.notice !== expected)
      violations.push(`the last notice is ${last?.notice ?? 'none'}, not ${expected}`);
    else {
      const lines = bookingLines(trip).join('\n');
      if (!last.message.includes(lines) || (lines === '' && / {2}\w.*: \w+\.$/m.test(last.message)))
        violations.push(`the ${last.notice} message's bookings are not the table's`);
    }
  }
  const tombstones = trip.bookings.filter(isTombstone).map((booking) => booking.type);
  for (const message of received) {
    for (const type of tombstones) {
      // A booking's line starts with its type (notices/notice.ts).
      const start = `  ${type}`;
      if (message.message.split('\n').some((line) => line.startsWith(start)))
        violations.push(`a ${message.notice} message tells the ${type} tombstone as a booking`);
    }
  }
  return { violations, duplicates };
};
