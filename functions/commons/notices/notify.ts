/**
 * Tells the customer what the trip's record owes them (the outbox: the notice is written with the
 * outcome that calls for it), whatever event asks: an event only names the trip. Each notice is
 * claimed in the table with its text before it is published, then marked sent, then the record
 * no longer owes it. A claim its sender left unfinished (it died between two of those writes) is
 * finished first, with the text it was claimed with: a resend after a crash says the same as the
 * message that may have gone. A notice that comes after an earlier one says it follows it.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { sns } from '#clients/sns.ts';
import { notificationsTopicArn } from '#config';
import { NotificationInFlight } from '#errors';
import { countNoticeResend } from '#lambda/metrics.ts';
import {
  claimNotification,
  markNotificationSent,
  releaseNotification,
  takeOverNotification,
} from '#notices/claims.ts';
import { isNotice, messageOf, type Notice, tripOfRecord } from '#notices/notice.ts';
import { maskContact } from '#trip/document.ts';
import type { NotificationItem, TripItems } from '#trip/items.ts';
import { readTrip } from '#trip/read.ts';
import { clearNoticeOwed } from '#trip/record.ts';

const TOPIC_ARN = notificationsTopicArn();

export interface Notified {
  trip_id: string;
  /** The notice the record owed; none when it owed nothing. */
  notice: Notice | 'none';
  /** Whether this call sent it (false: it was sent before, or there is nothing to send). */
  sent: boolean;
  message_id?: string;
  /** Claims of earlier senders this call finished, sending their text again. */
  resent: string[];
}

/** The customer's contact: on the record (older records: in the execution input). */
const contactOf = (items: TripItems) => items.record?.contact ?? tripOfRecord(items)?.contact;

/** Publishes a claimed notice's text to the customer, and marks it sent. */
const publish = async (
  tripId: string,
  claim: Pick<NotificationItem, 'notice' | 'subject' | 'message'>,
  contact: string | undefined,
): Promise<string> => {
  let messageId: string;
  try {
    const published = await sns.send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Subject: claim.subject,
        Message: claim.message,
        // The contact travels as an attribute, for the subscriber that delivers to it.
        MessageAttributes: {
          trip_id: { DataType: 'String', StringValue: tripId },
          notice: { DataType: 'String', StringValue: claim.notice },
          ...(contact === undefined
            ? {}
            : { contact: { DataType: 'String', StringValue: contact } }),
        },
      }),
    );
    messageId = published.MessageId ?? '';
  } catch (error) {
    await releaseNotification(tripId, claim.notice);
    throw error;
  }
  await markNotificationSent(tripId, claim.notice, messageId);
  return messageId;
};

/** Finishes a claim whose sender is gone, with its own text; in flight while its lease runs. */
const finishClaim = async (tripId: string, claim: NotificationItem, contact?: string) => {
  if (!(await takeOverNotification(tripId, claim.notice))) {
    throw new NotificationInFlight(`The ${claim.notice} notice of trip ${tripId} is being sent`);
  }
  countNoticeResend(claim.notice);
  await publish(tripId, claim, contact);
};

/** The last message sent before: a new notice says it follows it. */
const lastSent = (items: TripItems) =>
  items.notifications
    .filter((item) => item.delivery_status === 'sent' && item.sent_at)
    .sort((a, b) => (a.sent_at ?? '').localeCompare(b.sent_at ?? ''))
    .at(-1);

export const notifyCustomer = async (
  tripId: string,
): Promise<{ result: Notified; changed: boolean }> => {
  const items = await readTrip(tripId);
  const owed = items.record?.notice_owed;
  const contact = contactOf(items);
  const resent: string[] = [];
  // Every claim left unfinished first: what may have gone out is completed, in its own words.
  for (const claim of items.notifications.filter((item) => item.delivery_status === 'sending')) {
    await finishClaim(tripId, claim, contact);
    resent.push(claim.notice);
  }
  if (!isNotice(owed)) {
    return {
      result: { trip_id: tripId, notice: 'none', sent: false, resent },
      changed: resent.length > 0,
    };
  }
  let messageId: string | undefined;
  if (!items.notifications.some((item) => item.notice === owed)) {
    const earlier = lastSent(items);
    const { subject, body } = messageOf(
      tripId,
      owed,
      items,
      earlier && { subject: earlier.subject, sent_at: earlier.sent_at ?? '' },
    );
    const claimed = await claimNotification(tripId, {
      notice: owed,
      subject,
      message: body,
      sent_to: contact === undefined ? '' : maskContact(contact),
    });
    if (!claimed)
      throw new NotificationInFlight(`The ${owed} notice of trip ${tripId} is being sent`);
    messageId = await publish(tripId, { notice: owed, subject, message: body }, contact);
  }
  // Sent (now, before, or just finished above): the record owes it no more.
  await clearNoticeOwed(tripId, owed);
  const sent = messageId !== undefined;
  return {
    result: {
      trip_id: tripId,
      notice: owed,
      sent,
      ...(sent ? { message_id: messageId } : {}),
      resent,
    },
    changed: sent || resent.length > 0,
  };
};
