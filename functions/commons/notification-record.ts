/**
 * The notification records (sk `NOTIFICATION#<notice>`): one per notice a trip's customer is
 * sent, so each is sent once however often, late or out of order the events that ask for it
 * arrive. A sender first claims the record (a conditional write), then publishes, then marks it
 * sent. A claim not marked sent within the lease (the sender died between the two) may be taken
 * over; a fresh one means another sender is at work, and the caller tries again later.
 */
import { type AttributeValue, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamodb } from '#clients/dynamodb.ts';
import { requireEnv } from '#commons/env.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

const NOTIFICATION_PREFIX = 'NOTIFICATION#';
export const NOTIFICATION_TYPE = 'Notification';

/** Longer than the notifier's timeout: a claim this old belongs to a sender that died. */
const CLAIM_LEASE_MS = 60_000;

const keyOf = (tripId: string, notice: string): Record<string, AttributeValue> => ({
  pk: { S: tripId },
  sk: { S: `${NOTIFICATION_PREFIX}${notice}` },
});

const strings = (values: Record<string, string>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }]));

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

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
export const claimNotification = async (
  tripId: string,
  draft: NotificationDraft,
  now = new Date(),
): Promise<boolean> => {
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: TABLE_NAME,
        Item: {
          ...keyOf(tripId, draft.notice),
          ...strings({
            trip_id: tripId,
            type: NOTIFICATION_TYPE,
            ...draft,
            delivery_status: 'sending',
            claimed_at: now.toISOString(),
          }),
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR (delivery_status = :sending AND claimed_at < :expired)',
        ExpressionAttributeValues: strings({
          ':sending': 'sending',
          ':expired': new Date(now.getTime() - CLAIM_LEASE_MS).toISOString(),
        }),
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};

/** An update of this sender's claim; false when the claim is no longer this sender's to change. */
const updateClaim = async (
  tripId: string,
  notice: string,
  update: string,
  values: Record<string, string>,
): Promise<boolean> => {
  try {
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE_NAME,
        Key: keyOf(tripId, notice),
        UpdateExpression: update,
        ConditionExpression: 'delivery_status = :sending',
        ExpressionAttributeValues: strings({ ':sending': 'sending', ...values }),
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};

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
