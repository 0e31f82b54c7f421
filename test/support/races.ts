/**
 * The races the crash points do not reach, as a property over fast-check's scheduler
 * (interleaving.ts): a trip at its end (booked, failed, needing repair, or aborted with a task
 * still on its way), and at once its end event, a duplicate or forged one, the sweep, a repair,
 * the notifier for every announcement and for a duplicate of one, and a late task. Every AWS
 * call of every handler is a scheduling point, so each run is one order of all of them. After
 * it, the sweep and the notifier run alone until nothing is owed (as later sweeps would), and
 * the trip is checked from the table and from what its customer received (local/app/told.ts):
 * and no duplicate at all, since nothing crashed. The handlers run in-process on a DynamoDB of
 * their own; Step Functions, EventBridge and SNS are the tests' fakes.
 */
import fc from 'fast-check';
import { vi } from 'vitest';
import { checkTold } from '../../local/app/told.ts';
import { createTables } from '../../local/emulators/dynamodb.ts';
import { readTemplate } from '../../local/template/template.ts';
import { Interleaving } from './interleaving.ts';
import { FORWARD, UNDO_ORDER } from './saga-paths.ts';
import { startOwnDynamoDB } from './stack.ts';

export const SCENARIOS = ['booked', 'failed', 'needs_repair', 'aborted'] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Expected from an actor: another holds the claim, the saga runs, a late step is stopped. */
const EXPECTED_ERRORS = [
  'NotificationInFlight',
  'RepairRefused',
  'BookingAlreadyCancelled',
  'PaymentAlreadyRefunded',
];

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:BookingSaga';
const executionArnOf = (tripId: string) =>
  `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${tripId}`;

/**
 * The handlers and fakes, imported once the functions' DynamoDB endpoint is this file's own
 * database (their clients read it when first imported).
 */
export const startRaces = async () => {
  const dynamodb = await startOwnDynamoDB();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
  await createTables(dynamodb.endpoint, readTemplate());
  const [
    { documentClient },
    { sfn },
    { sns },
    { eventBridge },
    { fakeStepFunctions },
    { fakeMessaging },
    lambda,
    handlers,
    { readTripItems },
    { TABLE_NAME },
    { REFERENCE_TRIP, TripSchema },
  ] = await Promise.all([
    import('../../functions/commons/clients/dynamodb.ts'),
    import('../../functions/commons/clients/sfn.ts'),
    import('../../functions/commons/clients/sns.ts'),
    import('../../functions/commons/clients/eventbridge.ts'),
    import('./fake-sfn.ts'),
    import('./fake-messaging.ts'),
    import('./lambda.ts'),
    importHandlers(),
    import('../../functions/commons/trip/items.ts'),
    import('../../functions/commons/table/bookings-table.ts'),
    import('../../functions/commons/trip/document.ts'),
  ]);
  const run = (handler: unknown, event: unknown) =>
    lambda.invoke(handler as Parameters<typeof lambda.invoke>[0], event);

  /** One run of the property: a fresh trip in `scenario`, the actors in the scheduler's order. */
  const race = async (scenario: Scenario, scheduler: fc.Scheduler, runIndex: number) => {
    vi.restoreAllMocks();
    const stepFunctions = fakeStepFunctions();
    const messaging = fakeMessaging();
    const interleaving = new Interleaving();
    const tripId = `race-${scenario}-${runIndex}-${Date.now()}`;
    const contact = `${tripId}@race.example.com`;
    const trip = TripSchema.parse({
      ...REFERENCE_TRIP,
      trip_id: tripId,
      contact,
    });
    const executionArn = executionArnOf(tripId);

    // Every AWS call is a scheduling point (a no-op outside the interleaved run).
    const at = (client: object, name: string, after?: () => void) => {
      const target = client as { send: (command: unknown) => Promise<unknown> };
      // The fake's own implementation when the client is faked (a spy spied on again is the
      // same spy), else the client's own send.
      const send = vi.isMockFunction(target.send)
        ? (target.send.getMockImplementation() ?? (async () => undefined))
        : target.send.bind(client);
      vi.spyOn(target, 'send').mockImplementation(async (command) => {
        await interleaving.point(`${name} ${(command as object).constructor.name}`);
        const answer = await send(command);
        after?.();
        return answer;
      });
    };
    at(sfn, 'sfn');
    at(sns, 'sns');
    at(documentClient, 'dynamodb');
    // Each announcement invokes the notifier, as the trip events rule does.
    at(eventBridge, 'events', () =>
      interleaving.spawn('notifier (announced)', () =>
        run(handlers.notify, { 'detail-type': 'BookingConfirmed', detail: { trip_id: tripId } }),
      ),
    );

    // Prepare the trip, alone: the API's record, then the saga's steps.
    await run(handlers.startBooking, {
      ...lambda.readEvent<Record<string, unknown>>('start-booking.json'),
      body: JSON.stringify(trip),
    });
    const paid = FORWARD.slice(0, FORWARD.indexOf('TakePayment') + 1);
    const steps = {
      booked: FORWARD,
      // The payment failed: every step before it, then every compensation.
      failed: [...paid.slice(0, -1), ...UNDO_ORDER],
      // The payment taken, then every compensation but CancelFlight, whose leftover is recorded.
      needs_repair: [...paid, ...UNDO_ORDER.filter((state) => state !== 'CancelFlight')],
      aborted: FORWARD.slice(0, 1),
    }[scenario];
    for (const step of steps) await run(handlers.steps[step], trip);
    if (scenario === 'needs_repair') {
      await run(handlers.recordLeftover, {
        compensation: 'CancelFlight',
        trip,
        failure: { Error: 'Lambda.ServiceException', Cause: 'race' },
      });
    }
    const end = {
      booked: 'SUCCEEDED',
      failed: 'FAILED',
      needs_repair: 'FAILED',
      aborted: 'ABORTED',
    }[scenario];
    stepFunctions.end(
      executionArn,
      end as 'FAILED',
      end !== 'FAILED'
        ? undefined
        : scenario === 'needs_repair'
          ? 'BookingNeedsRepair'
          : 'BookingFailed',
    );
    const statusChange = (status: string) => ({
      ...lambda.readEvent('reconcile-trip.json'),
      detail: { executionArn, name: tripId, status },
    });

    // Act: every actor at once, one call at a time in the scheduler's order.
    await interleaving.run(scheduler, {
      reconciler: () => run(handlers.reconcile, statusChange(end)),
      'reconciler (duplicate or forged)': () =>
        run(handlers.reconcile, statusChange(scenario === 'booked' ? 'ABORTED' : end)),
      sweep: () => run(handlers.sweep, { older_than_seconds: 0 }),
      repair: () => run(handlers.repair, { trip_id: tripId }),
      'notifier (duplicate event)': () =>
        run(handlers.notify, { 'detail-type': 'BookingFailed', detail: { trip_id: tripId } }),
      'late task': () =>
        run(handlers.steps[scenario === 'aborted' ? 'ReserveFlight' : 'ReserveHotel'], trip),
    });
    const unexpected = interleaving.errors.filter(
      (error) => !EXPECTED_ERRORS.some((name) => error.endsWith(`: ${name}`)),
    );

    // Later sweeps and deliveries, alone, until nothing is owed.
    for (let round = 0; round < 3; round++) {
      await run(handlers.sweep, { older_than_seconds: 0 }).catch(() => undefined);
      await run(handlers.notify, { 'detail-type': 'BookingFailed', detail: { trip_id: tripId } });
    }

    // Assess
    const items = await readTripItems(documentClient, TABLE_NAME, tripId);
    const all = [
      ...(items.record ? [{ ...items.record, pk: tripId, sk: 'TRIP' }] : []),
      ...items.bookings,
      ...items.leftovers,
      ...items.notifications,
    ];
    const received = messaging.published
      .filter((message) => message.MessageAttributes?.trip_id?.StringValue === tripId)
      .map((message) => ({
        notice: message.MessageAttributes?.notice?.StringValue ?? '',
        subject: message.Subject ?? '',
        message: message.Message ?? '',
        contact: message.MessageAttributes?.contact?.StringValue,
      }));
    const { violations, duplicates } = checkTold(all, received, contact);
    if (duplicates > 0)
      violations.push(`${duplicates} duplicate message(s), though nothing crashed`);
    if (scenario === 'booked' && items.record?.outcome !== 'booked')
      violations.push(`a booked trip ended ${items.record?.outcome}`);
    violations.push(...unexpected.map((error) => `unexpected error ${error}`));
    return violations;
  };

  return {
    race,
    close: async () => {
      vi.restoreAllMocks();
      await dynamodb.close();
    },
  };
};

/** Each saga step's handler, by its state: functions/<state in kebab-case>.ts. */
const importSteps = async () =>
  Object.fromEntries(
    await Promise.all(
      [...FORWARD, ...UNDO_ORDER].map(async (state) => {
        const file = state.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();
        const { handler } = (await import(`../../functions/${file}.ts`)) as { handler: unknown };
        return [state, handler] as const;
      }),
    ),
  ) as Record<string, unknown>;

const importHandlers = async () => ({
  startBooking: (await import('../../functions/start-booking.ts')).handler,
  steps: await importSteps(),
  recordLeftover: (await import('../../functions/record-leftover.ts')).handler,
  reconcile: (await import('../../functions/reconcile-trip.ts')).handler,
  sweep: (await import('../../functions/sweep-trips.ts')).handler,
  repair: (await import('../../functions/repair-trip.ts')).handler,
  notify: (await import('../../functions/notify-customer.ts')).handler,
});

/** The property, run `numRuns` times from `seed`: every run's violations, none expected. */
export const raceProperty = (
  races: Awaited<ReturnType<typeof startRaces>>,
  options: { seed: number; numRuns: number },
) => {
  let runIndex = 0;
  return fc.assert(
    fc.asyncProperty(fc.constantFrom(...SCENARIOS), fc.scheduler(), async (scenario, scheduler) => {
      const violations = await races.race(scenario, scheduler, runIndex++);
      if (violations.length > 0)
        throw new Error(
          `${scenario}: ${violations.join('; ')}\n${scheduler
            .report()
            .map((task) => task.label)
            .join(' > ')}`,
        );
    }),
    { ...options, endOnFailure: true },
  );
};
