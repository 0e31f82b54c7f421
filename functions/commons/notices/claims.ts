/**
 * The notification records (sk `NOTIFICATION#<notice>`): one per notice a trip's customer is
 * sent, so each is sent once however often, late or out of order the events that ask for it
 * arrive. A sender first claims the record with the text it will send (a conditional write),
 * then publishes, then marks it sent. The text is fixed by the claim: a claim not marked sent
 * within the lease (its sender died between the two) is taken over and its own text sent again,
 * never a text made anew. Such a resend is counted on the record (`resends`): the customer may
 * get the same message twice, the one duplicate this design allows.
 */
import { noticeClaimLeaseMs } from '#config';
import { putIf, updateIf } from '#table/bookings-table.ts';
import { keyOf, NOTIFICATION_TYPE, notificationSortKey } from '#table/keys.ts';

/** How long a claim is its sender's alone (config.ts). */
const LEASE_MS = noticeClaimLeaseMs();

export interface NotificationDraft {
  notice: string;
  subject: string;
  /** The message text: it never holds the contact. */
  message: string;
  /** Where it goes, masked (j***@example.com), or "" for a trip without a contact. */
  sent_to: string;
}

/** Claims a notice never claimed, with the text to send. False when it was claimed before. */
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
    ConditionExpression: 'attribute_not_exists(pk)',
  });

/**
 * Takes over a claim whose sender is gone (not marked sent within the lease), to send its text
 * again, and counts the resend. False when it is sent, or its lease still runs.
 */
export const takeOverNotification = (
  tripId: string,
  notice: string,
  now = new Date(),
): Promise<boolean> =>
  updateIf({
    Key: keyOf(tripId, notificationSortKey(notice)),
    UpdateExpression: 'SET claimed_at = :now, resends = if_not_exists(resends, :zero) + :one',
    ConditionExpression: 'delivery_status = :sending AND claimed_at < :expired',
    ExpressionAttributeValues: {
      ':sending': 'sending',
      ':expired': new Date(now.getTime() - LEASE_MS).toISOString(),
      ':now': now.toISOString(),
      ':zero': 0,
      ':one': 1,
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

/** Gives a claim up (publishing failed): the next attempt may take it over at once. */
export const releaseNotification = (tripId: string, notice: string) =>
  updateClaim(tripId, notice, 'SET claimed_at = :never', { ':never': new Date(0).toISOString() });
