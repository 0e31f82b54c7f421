/**
 * The saga's Lambda handlers against the emulated DynamoDB: every guarded transition, repeated
 * calls, a cancel whose forward result never arrived, a late reserve after a cancel.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as cancelFlightModule from '../../functions/cancel-flight.ts';
import * as cancelHotelModule from '../../functions/cancel-hotel.ts';
import { logger } from '../../functions/commons/lambda/logger.ts';
import * as confirmFlightModule from '../../functions/confirm-flight.ts';
import * as confirmHotelModule from '../../functions/confirm-hotel.ts';
import * as recordLeftoverModule from '../../functions/record-leftover.ts';
import * as refundPaymentModule from '../../functions/refund-payment.ts';
import * as reserveFlightModule from '../../functions/reserve-flight.ts';
import * as reserveHotelModule from '../../functions/reserve-hotel.ts';
import * as takePaymentModule from '../../functions/take-payment.ts';
import { type Handler, invoke, invokeFailing, readEvent } from '../support/lambda.ts';
import { itemsOf, newTripId, statusesOf } from '../support/table.ts';

// The saga steps, as Step Functions calls them: with whatever state the saga holds.
const cancelFlight = cancelFlightModule.handler as Handler;
const cancelHotel = cancelHotelModule.handler as Handler;
const confirmFlight = confirmFlightModule.handler as Handler;
const confirmHotel = confirmHotelModule.handler as Handler;
const recordLeftover = recordLeftoverModule.handler as Handler;
const refundPayment = refundPaymentModule.handler as Handler;
const reserveFlight = reserveFlightModule.handler as Handler;
const reserveHotel = reserveHotelModule.handler as Handler;
const takePayment = takePaymentModule.handler as Handler;

/** The reference's trip, as the saga's first step receives it, under a fresh trip id. */
const newTrip = (overrides: Record<string, unknown> = {}) => ({
  ...readEvent('reserve-hotel.json'),
  trip_id: newTripId(),
  ...overrides,
});

const reservations = [
  {
    kind: 'hotel',
    prefix: 'HOTEL',
    type: 'Hotel',
    reserve: reserveHotel,
    confirm: confirmHotel,
    cancel: cancelHotel,
    details: {
      hotel: 'holiday inn',
      check_in: '2021-07-10T12:00:00.000Z',
      check_out: '2021-07-12T14:00:00.000Z',
    },
  },
  {
    kind: 'flight',
    prefix: 'FLIGHT',
    type: 'Flight',
    reserve: reserveFlight,
    confirm: confirmFlight,
    cancel: cancelFlight,
    details: {
      depart: 'London',
      depart_at: '2021-07-10T06:00:00.000Z',
      arrive: 'Dublin',
      arrive_at: '2021-07-12T08:00:00.000Z',
    },
  },
] as const;

describe.each(reservations)(
  '$kind bookings',
  ({ prefix, type, reserve, confirm, cancel, details }) => {
    const onlyItem = async (tripId: string) => {
      const items = Object.values(await itemsOf(tripId));
      expect(items).toHaveLength(1);
      return items[0] ?? {};
    };

    it('reserving writes a pending booking with the reference attributes and returns its id', async () => {
      // Prepare
      const trip = newTrip();

      // Act
      const result = (await invoke(reserve, trip)) as { status: string; booking_id: string };

      // Assess
      expect(result).toEqual({ status: 'ok', booking_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
      expect(await onlyItem(trip.trip_id)).toEqual({
        pk: trip.trip_id,
        sk: `${prefix}#${result.booking_id}`,
        trip_id: trip.trip_id,
        type,
        id: result.booking_id,
        ...details,
        transaction_status: 'pending',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('reserving twice changes nothing and returns the same result', async () => {
      const trip = newTrip();
      const first = await invoke(reserve, trip);
      const before = await onlyItem(trip.trip_id);

      const second = await invoke(reserve, trip);

      expect(second).toEqual(first);
      expect(await onlyItem(trip.trip_id)).toEqual(before);
    });

    it('confirming turns the pending booking into a confirmed one; again changes nothing', async () => {
      const trip = newTrip();
      const reserved = await invoke(reserve, trip);

      const confirmed = await invoke(confirm, trip);
      const after = await onlyItem(trip.trip_id);
      const again = await invoke(confirm, trip);

      expect(confirmed).toEqual(reserved);
      expect(after.transaction_status).toBe('confirmed');
      expect(again).toEqual(confirmed);
      expect(await onlyItem(trip.trip_id)).toEqual(after);
    });

    it('confirming a booking that was never reserved fails with BookingNotFound and writes nothing', async () => {
      const trip = newTrip();

      const error = await invokeFailing(confirm, trip);

      expect(error.name).toBe('BookingNotFound');
      expect(await itemsOf(trip.trip_id)).toEqual({});
    });

    it.each(['pending', 'confirmed'])('cancelling a %s booking cancels it', async (status) => {
      const trip = newTrip();
      const reserved = await invoke(reserve, trip);
      if (status === 'confirmed') await invoke(confirm, trip);

      const cancelled = await invoke(cancel, trip);

      expect(cancelled).toEqual(reserved);
      expect((await onlyItem(trip.trip_id)).transaction_status).toBe('cancelled');
    });

    it('cancelling twice changes nothing and returns the same result', async () => {
      const trip = newTrip();
      await invoke(reserve, trip);
      const first = await invoke(cancel, trip);
      const before = await onlyItem(trip.trip_id);

      const second = await invoke(cancel, trip);

      expect(second).toEqual(first);
      expect(await onlyItem(trip.trip_id)).toEqual(before);
    });

    it('cancelling when the reserve never arrived needs no forward result and leaves a cancelled booking', async () => {
      // Prepare: a state with no reserve result at all, as after a reserve that timed out.
      const trip = newTrip();
      const { booking_id } = (await invoke(reserve, newTrip({ trip_id: `${trip.trip_id}-x` }))) as {
        booking_id: string;
      };

      // Act
      const result = (await invoke(cancel, trip)) as { booking_id: string };

      // Assess: the id was recomputed from the saga input, and the tombstone holds the booking.
      expect(result.booking_id).toMatch(/^[0-9a-f]{32}$/);
      expect(result.booking_id).not.toBe(booking_id);
      expect(await onlyItem(trip.trip_id)).toMatchObject({
        sk: `${prefix}#${result.booking_id}`,
        type,
        ...details,
        transaction_status: 'cancelled',
      });
    });

    it('a reserve arriving after the cancel fails and does not bring the booking back', async () => {
      const trip = newTrip();
      await invoke(cancel, trip);
      const before = await onlyItem(trip.trip_id);

      const error = await invokeFailing(reserve, trip);

      expect(error.name).toBe('BookingAlreadyCancelled');
      expect(await onlyItem(trip.trip_id)).toEqual(before);
    });

    it('confirming a cancelled booking fails and leaves it cancelled', async () => {
      const trip = newTrip();
      await invoke(reserve, trip);
      await invoke(cancel, trip);

      const error = await invokeFailing(confirm, trip);

      expect(error.name).toBe('BookingAlreadyCancelled');
      expect((await onlyItem(trip.trip_id)).transaction_status).toBe('cancelled');
    });
  },
);

describe('payments', () => {
  it('taking the payment writes a confirmed payment of 450.00 USD; again changes nothing', async () => {
    const trip = newTrip();

    const result = (await invoke(takePayment, trip)) as { payment_id: string };
    const before = await itemsOf(trip.trip_id);
    const again = await invoke(takePayment, trip);

    expect(result).toEqual({ status: 'ok', payment_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(again).toEqual(result);
    expect(before[`PAYMENT#${result.payment_id}`]).toMatchObject({
      type: 'Payment',
      id: result.payment_id,
      amount: '450.00',
      currency: 'USD',
      transaction_status: 'confirmed',
    });
    expect(await itemsOf(trip.trip_id)).toEqual(before);
  });

  it('refunding marks the payment refunded; again changes nothing', async () => {
    const trip = newTrip();
    const taken = await invoke(takePayment, trip);

    const refunded = await invoke(refundPayment, trip);
    const before = await itemsOf(trip.trip_id);
    const again = await invoke(refundPayment, trip);

    expect(refunded).toEqual(taken);
    expect(again).toEqual(refunded);
    expect(await statusesOf(trip.trip_id)).toEqual({ PAYMENT: 'refunded' });
    expect(await itemsOf(trip.trip_id)).toEqual(before);
  });

  it('a payment taken after its refund fails and is not charged again', async () => {
    const trip = newTrip();
    await invoke(refundPayment, trip);

    const error = await invokeFailing(takePayment, trip);

    expect(error.name).toBe('PaymentAlreadyRefunded');
    expect(await statusesOf(trip.trip_id)).toEqual({ PAYMENT: 'refunded' });
  });

  it('the refund finds the payment from the saga input alone', async () => {
    const trip = newTrip();
    const { payment_id } = (await invoke(takePayment, trip)) as { payment_id: string };
    const { TakePaymentResult: _ignored, ...withoutResult } = readEvent('refund-payment.json');

    const refunded = await invoke(refundPayment, { ...withoutResult, trip_id: trip.trip_id });

    expect(refunded).toEqual({ status: 'ok', payment_id });
    expect(await statusesOf(trip.trip_id)).toEqual({ PAYMENT: 'refunded' });
  });
});

describe('failure injection by run type', () => {
  const forward = [
    ['failHotelReservation', reserveHotel, 'HotelReservationFailed'],
    ['failFlightsReservation', reserveFlight, 'FlightReservationFailed'],
    ['failPayment', takePayment, 'PaymentFailed'],
    ['failHotelConfirmation', confirmHotel, 'HotelConfirmationFailed'],
    ['failFlightsConfirmation', confirmFlight, 'FlightConfirmationFailed'],
  ] as const;

  it.each(forward)('%s fails its step with %s before it writes', async (runType, step, name) => {
    const trip = newTrip({ run_type: runType });

    const error = await invokeFailing(step, trip);

    expect(error.name).toBe(name);
    expect(error.message).toContain(runType);
    expect(await itemsOf(trip.trip_id)).toEqual({});
  });

  it('logs a failure the demo asked for as a warning without a stack trace, and any other failure as an error with one', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const error = vi.spyOn(logger, 'error');
    const asked = newTrip({ run_type: 'failPayment' });
    const unasked = newTrip();
    await invoke(reserveHotel, unasked);
    await invoke(cancelHotel, unasked);

    // Act
    await invokeFailing(takePayment, asked);
    await invokeFailing(confirmHotel, unasked);

    // Assess
    expect(warn.mock.calls).toEqual([
      [
        'step failed, as the demo asked',
        {
          error: 'PaymentFailed',
          reason: 'Failed to take the payment (run_type failPayment)',
        },
      ],
    ]);
    expect(error.mock.calls).toEqual([
      ['step failed', expect.objectContaining({ name: 'BookingAlreadyCancelled' })],
    ]);
    expect(String((error.mock.calls[0]?.[1] as Error | undefined)?.stack)).toContain(
      'BookingAlreadyCancelled',
    );
  });

  it('a run type leaves the other steps alone', async () => {
    const trip = newTrip({ run_type: 'failFlightsConfirmation' });

    await invoke(reserveHotel, trip);
    await invoke(reserveFlight, trip);
    await invoke(takePayment, trip);
    await invoke(confirmHotel, trip);

    expect(await statusesOf(trip.trip_id)).toEqual({
      HOTEL: 'confirmed',
      FLIGHT: 'pending',
      PAYMENT: 'confirmed',
    });
  });
});

describe('input', () => {
  it.each([
    ['no trip id', { trip_id: undefined }],
    ['a date that is not ISO 8601', { check_in: 'tomorrow' }],
    ['check-out before check-in', { check_out: '2021-07-09T14:00:00.000Z' }],
    ['an unknown run type', { run_type: 'failRental' }],
  ])('a step given %s fails with ParseError and writes nothing', async (_case, overrides) => {
    const trip = newTrip(overrides);

    const error = await invokeFailing(reserveHotel, trip);

    expect(error.name).toBe('ParseError');
    if (typeof trip.trip_id === 'string') expect(await itemsOf(trip.trip_id)).toEqual({});
  });
});

describe('recording a leftover', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const metricsWritten = () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    return () =>
      lines
        .filter((line) => line.includes('"_aws"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
  };

  it('writes an open leftover naming the booking once, counting every call before its write', async () => {
    // Prepare
    const event = readEvent<{ trip: Record<string, unknown> }>('record-leftover.json');
    const tripId = newTripId();
    event.trip.trip_id = tripId;
    const emitted = metricsWritten();

    // Act
    const first = (await invoke(recordLeftover, event)) as { booking_id: string };
    const again = await invoke(recordLeftover, event);

    // Assess
    expect(first).toEqual({
      status: 'recorded',
      booking_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      compensation: 'CancelHotel',
    });
    expect(again).toEqual(first);
    expect(await itemsOf(tripId)).toEqual({
      [`LEFTOVER#HOTEL#${first.booking_id}`]: {
        pk: tripId,
        sk: `LEFTOVER#HOTEL#${first.booking_id}`,
        trip_id: tripId,
        type: 'Leftover',
        compensation: 'CancelHotel',
        booking_sk: `HOTEL#${first.booking_id}`,
        booking_id: first.booking_id,
        error: 'InjectedTransientFailure',
        cause: expect.stringContaining('failed at random'),
        trip: expect.any(String),
        repair_status: 'open',
        recorded_at: expect.any(String),
      },
    });
    // The trip document, so a repair can undo the booking whatever became of the execution.
    const leftover = (await itemsOf(tripId))[`LEFTOVER#HOTEL#${first.booking_id}`];
    expect(JSON.parse(leftover?.trip ?? '{}')).toMatchObject({
      trip_id: tripId,
      hotel: 'holiday inn',
      run_type: 'failPayment',
    });
    // Counted before each write (so a write that fails still raises the alarm): twice for two
    // calls, while the leftover itself is written once.
    const metrics = emitted();
    expect(metrics).toHaveLength(2);
    expect(metrics[0]).toMatchObject({ CompensationLeftovers: 1, service: 'booking-saga' });
  });
});

describe('the events/ fixtures', () => {
  it('run through their handlers as sam local invoke runs them, and agree with what the steps return', async () => {
    // Prepare
    const fixture = (name: string) => readEvent<Record<string, unknown>>(name);
    const payload = (name: string, result: string) =>
      (fixture(name)[result] as { Payload: unknown }).Payload;

    // Act: the forward path, then the compensations, each with its own fixture.
    const results = {
      reserveHotel: await invoke(reserveHotel, fixture('reserve-hotel.json')),
      reserveFlight: await invoke(reserveFlight, fixture('reserve-flight.json')),
      takePayment: await invoke(takePayment, fixture('take-payment.json')),
      confirmHotel: await invoke(confirmHotel, fixture('confirm-hotel.json')),
      confirmFlight: await invoke(confirmFlight, fixture('confirm-flight.json')),
    };
    const confirmed = await statusesOf('example-trip-1');
    await invoke(refundPayment, fixture('refund-payment.json'));
    await invoke(cancelFlight, fixture('cancel-flight.json'));
    await invoke(cancelHotel, fixture('cancel-hotel.json'));
    await invoke(recordLeftover, fixture('record-leftover.json'));

    // Assess
    expect(payload('confirm-flight.json', 'ReserveHotelResult')).toEqual(results.reserveHotel);
    expect(payload('confirm-flight.json', 'ReserveFlightResult')).toEqual(results.reserveFlight);
    expect(payload('confirm-flight.json', 'TakePaymentResult')).toEqual(results.takePayment);
    expect(payload('confirm-flight.json', 'ConfirmHotelResult')).toEqual(results.confirmHotel);
    expect(results.confirmFlight).toEqual(results.reserveFlight);
    expect(confirmed).toEqual({ HOTEL: 'confirmed', FLIGHT: 'confirmed', PAYMENT: 'confirmed' });
    expect(await statusesOf('example-trip-1')).toEqual({
      HOTEL: 'cancelled',
      FLIGHT: 'cancelled',
      PAYMENT: 'refunded',
      LEFTOVER: 'open',
    });
  });
});
