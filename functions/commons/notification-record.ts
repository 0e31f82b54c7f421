/**
 * The notification records (sk `NOTIFICATION#<notice>`): one per notice a trip's customer is
 * sent, so each is sent once however often, late or out of order the events that ask for it
 * arrive. A sender first claims the record (a conditional write), then publishes, then marks it
 * sent. A claim not marked sent within the lease (the sender died between the two) may be taken
 * over; a fresh one means another sender is at work, and the caller tries again later.
 */
import { putIf, updateIf } from '#commons/table.ts';
import { keyOf, NOTIFICATION_TYPE, notificationSortKey } from '#commons/table-keys.ts';

/** Longer than the notifier's timeout: a claim this old belongs to a sender that died. */
const CLAIM_LEASE_MS = 60_000;

export interface NotificationDraft {
  notice: string;
  subject: string;
  /** The message text: it never holds the contact. */
  message: string;
  /** Where it goes, masked (j***@example.com), or "" for a trip without a contact. */
  sent_to: string;
}

/**
 * Claims the notice for this sender, with the text to send. False when it is sent, or claimed
 * by a sender still within its lease.
 */
export const claimNotification = (
  tripId: string,
  draft: NotificationDraft,
  now = new Date(),
): Promise<boolean> =>
  putIf({
    Item: {
      ...keyOf(tripId, notificationSortKey(draft.notice)),
      trip_id: tripId,
      type: NOTIFICATION_TYPE,
      ...draft,
      delivery_status: 'sending',
      claimed_at: now.toISOString(),
    },
    ConditionExpression:
      'attribute_not_exists(pk) OR (delivery_status = :sending AND claimed_at < :expired)',
    ExpressionAttributeValues: {
      ':sending': 'sending',
      ':expired': new Date(now.getTime() - CLAIM_LEASE_MS).toISOString(),
    },
  });

/** An update of this sender's claim; false when the claim is no longer this sender's to change. */
const updateClaim = (
  tripId: string,
  notice: string,
  update: string,
  values: Record<string, string>,
): Promise<boolean> =>
  updateIf({
    Key: keyOf(tripId, notificationSortKey(notice)),
    UpdateExpression: update,
    ConditionExpression: 'delivery_status = :sending',
    ExpressionAttributeValues: { ':sending': 'sending', ...values },
  });

/** Marks a claimed notice sent, with the topic's message id. */
export const markNotificationSent = (tripId: string, notice: string, messageId: string) =>
  updateClaim(tripId, notice, 'SET delivery_status = :sent, message_id = :id, sent_at = :now', {
    ':sent': 'sent',
    ':id': messageId,
    ':now': new Date().toISOString(),
  });

/** Gives a claim up (publishing failed): the next attempt may claim it at once. */
export const releaseNotification = (tripId: string, notice: string) =>
  updateClaim(tripId, notice, 'SET claimed_at = :never', { ':never': new Date(0).toISOString() });
