/**
 * The domain events of a trip's end, on the template's TripEventsBus: once a trip is concluded
 * (by the reconciler, the sweep or a repair), its notice goes out as BookingConfirmed,
 * BookingFailed, BookingNeedsRepair or BookingRepaired. Announced after every conclusion, whether
 * it changed the record or found it concluded: a conclusion whose announcement was lost (the
 * function died in between) is announced when Lambda retries its event, or when it comes again.
 * So consumers see each event at least once, and dedupe by trip id and notice.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '#clients/eventbridge.ts';
import { requireEnv } from '#commons/env.ts';
import { logger } from '#commons/logger.ts';
import {
  EVENT_OF_NOTICE,
  EVENT_SOURCE,
  eventDetail,
  type Notice,
  noticeOf,
} from '#commons/notices.ts';
import { readTrip } from '#commons/table.ts';

const EVENT_BUS_NAME = requireEnv('EVENT_BUS_NAME');

/**
 * The bus refused the event: the caller fails. Lambda runs the reconciler's or the sweep's event
 * twice more (the reconciler's, failed three times, goes to the operators' topic); a repair of
 * the trip announces it again.
 */
export class OutcomeNotAnnounced extends Error {
  override readonly name = 'OutcomeNotAnnounced';
}

/**
 * Announces each trip's notice, every one tried; fails afterwards naming those that could not be
 * announced. (Their records are concluded: RepairTripFunction announces a trip again.)
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
      `The outcome of ${failed.length} trip(s) was not announced (${failed.join(', ')}); repair announces it again`,
    );
  }
};

/** Publishes the trip's notice, if it has one (a running trip has none). */
export const announceOutcome = async (tripId: string): Promise<Notice | undefined> => {
  const items = await readTrip(tripId);
  const notice = noticeOf(items);
  if (notice === undefined) return undefined;
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
