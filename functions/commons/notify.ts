/**
 * Tells the customer a trip's notice, once: whatever event asks, the trip's current notice is
 * what is sent (a late BookingNeedsRepair after the repair sends nothing, the repair's message
 * has said it all). The notice is claimed in the table before it is published, so a repeated or
 * concurrent event sends nothing; a customer told "booked" whose booking was undone afterwards
 * gets a message that says it corrects the first.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { sns } from '#clients/sns.ts';
import { requireEnv } from '#commons/env.ts';
import { messageOf, NOTICES, type Notice, noticeOf, tripOfRecord } from '#commons/notices.ts';
import {
  claimNotification,
  markNotificationSent,
  releaseNotification,
} from '#commons/notification-record.ts';
import { readTrip } from '#commons/table.ts';
import { maskContact } from '#commons/trip.ts';

const TOPIC_ARN = requireEnv('NOTIFICATIONS_TOPIC_ARN');

/**
 * Another sender holds the notice's claim: Lambda retries the event a minute later (twice at
 * most, then it goes to the operators' topic), and the retry finds it sent.
 */
export class NotificationInFlight extends Error {
  override readonly name = 'NotificationInFlight';
}

export interface Notified {
  trip_id: string;
  /** The trip's notice; none while its saga runs. */
  notice: Notice | 'none';
  /** Whether this call sent it (false: it was sent before, or there is nothing to send). */
  sent: boolean;
  message_id?: string;
}

export const notifyCustomer = async (
  tripId: string,
): Promise<{ result: Notified; changed: boolean }> => {
  const items = await readTrip(tripId);
  const notice = noticeOf(items);
  const unchanged = (result: Notified) => ({ result, changed: false });
  if (notice === undefined) return unchanged({ trip_id: tripId, notice: 'none', sent: false });
  const sent = (wanted: Notice) =>
    items.notifications.some((item) => item.notice === wanted && item.delivery_status === 'sent');
  if (sent(notice)) return unchanged({ trip_id: tripId, notice, sent: false });

  // On the record; a record written before the contact left the execution input has it there.
  const contact = items.record?.contact ?? tripOfRecord(items)?.contact;
  // A correction only when "booked" is the last thing the customer heard.
  const correcting = sent('booked') && NOTICES.every((other) => other === 'booked' || !sent(other));
  const { subject, body } = messageOf(tripId, notice, items, correcting);
  const claimed = await claimNotification(tripId, {
    notice,
    subject,
    message: body,
    sent_to: contact === undefined ? '' : maskContact(contact),
  });
  if (!claimed) {
    throw new NotificationInFlight(`The ${notice} notice of trip ${tripId} is being sent`);
  }
  let messageId: string;
  try {
    const published = await sns.send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Subject: subject,
        Message: body,
        // The contact travels as an attribute, for the subscriber that delivers to it.
        MessageAttributes: {
          trip_id: { DataType: 'String', StringValue: tripId },
          notice: { DataType: 'String', StringValue: notice },
          ...(contact === undefined
            ? {}
            : { contact: { DataType: 'String', StringValue: contact } }),
        },
      }),
    );
    messageId = published.MessageId ?? '';
  } catch (error) {
    await releaseNotification(tripId, notice);
    throw error;
  }
  await markNotificationSent(tripId, notice, messageId);
  return { result: { trip_id: tripId, notice, sent: true, message_id: messageId }, changed: true };
};
