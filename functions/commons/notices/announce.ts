/**
 * The domain events of a trip's end, on the template's TripEventsBus: the notice a trip's record
 * owes (trip/record.ts: written with the outcome that calls for it) goes out as
 * BookingConfirmed, BookingFailed, BookingNeedsRepair or BookingRepaired. Announced right after
 * the conclusion (the fast path), and again by the sweep while it is still owed: an announcement
 * lost with a function that died is made again. An event is a hint: the notifier reads the
 * table, and clears what it owes once sent. So consumers see each event at least once, and
 * dedupe by trip id and notice; nothing is announced once nothing is owed.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '#clients/eventbridge.ts';
import { eventBusName } from '#config';
import { OutcomeNotAnnounced } from '#errors';
import { logger } from '#lambda/logger.ts';
import {
  EVENT_OF_NOTICE,
  EVENT_SOURCE,
  eventDetail,
  isNotice,
  type Notice,
} from '#notices/notice.ts';
import { readTrip } from '#trip/read.ts';

const EVENT_BUS_NAME = eventBusName();

/**
 * Announces each trip's notice, every one tried; fails afterwards naming those that could not be
 * announced. (Their notices stay owed: the next sweep announces them again.)
 */
export const announceOutcomes = async (tripIds: readonly string[]): Promise<void> => {
  const failed: string[] = [];
  for (const tripId of tripIds) {
    try {
      await announceOutcome(tripId);
    } catch (error) {
      logger.error('outcome not announced', { trip_id: tripId, error });
      failed.push(tripId);
    }
  }
  if (failed.length > 0) {
    throw new OutcomeNotAnnounced(
      `The outcome of ${failed.length} trip(s) was not announced (${failed.join(', ')}); the next sweep announces it again`,
    );
  }
};

/** Publishes the notice the trip's record owes, if it owes one. */
export const announceOutcome = async (tripId: string): Promise<Notice | undefined> => {
  const items = await readTrip(tripId);
  const notice = items.record?.notice_owed;
  if (!isNotice(notice)) return undefined;
  const { FailedEntryCount, Entries } = await eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: EVENT_BUS_NAME,
          Source: EVENT_SOURCE,
          DetailType: EVENT_OF_NOTICE[notice],
          Detail: JSON.stringify(eventDetail(tripId, notice, items)),
        },
      ],
    }),
  );
  if (FailedEntryCount) {
    const entry = Entries?.[0];
    throw new OutcomeNotAnnounced(
      `${EVENT_OF_NOTICE[notice]} of trip ${tripId} was refused: ${entry?.ErrorCode} ${entry?.ErrorMessage}`,
    );
  }
  return notice;
};
