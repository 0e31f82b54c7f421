/**
 * The invariant checker the integration tests and the soak rely on: it must see every way a
 * trip can be left half-done, not only the good outcomes.
 */
import { describe, expect, it } from 'vitest';
import { checkInvariant, type Item } from '../../local/app/checks/invariant.ts';

const booking = (type: string, transaction_status: string): Item => ({
  sk: `${type.toUpperCase()}#1`,
  type,
  transaction_status,
});
const leftover = (bookingSk: string, repair_status = 'open'): Item => ({
  sk: `LEFTOVER#${bookingSk}`,
  type: 'Leftover',
  booking_sk: bookingSk,
  repair_status,
});
const confirmed = [
  booking('Hotel', 'confirmed'),
  booking('Flight', 'confirmed'),
  booking('Payment', 'confirmed'),
];

describe('checkInvariant', () => {
  it('accepts a succeeded saga with all three bookings confirmed', () => {
    expect(checkInvariant('SUCCEEDED', undefined, confirmed)).toEqual({
      outcome: 'booked',
      violations: [],
    });
  });

  it('rejects a succeeded saga with a booking missing or not confirmed', () => {
    const result = checkInvariant('SUCCEEDED', undefined, [
      booking('Hotel', 'confirmed'),
      booking('Flight', 'pending'),
    ]);

    expect(result.outcome).toBe('violated');
    expect(result.violations).toEqual([
      'FLIGHT#1 is pending, not confirmed',
      '0 Payment bookings, expected exactly 1',
    ]);
  });

  it('accepts a failed saga that left nothing live', () => {
    const items = [
      booking('Hotel', 'cancelled'),
      booking('Flight', 'cancelled'),
      booking('Payment', 'refunded'),
    ];

    expect(checkInvariant('FAILED', 'BookingFailed', items)).toEqual({
      outcome: 'undone',
      violations: [],
    });
  });

  it.each([
    ['a pending hotel', booking('Hotel', 'pending')],
    ['a confirmed flight', booking('Flight', 'confirmed')],
    ['a taken payment', booking('Payment', 'confirmed')],
  ])('rejects a failed saga that left %s without a record', (_case, live) => {
    const result = checkInvariant('FAILED', 'BookingFailed', [live]);

    expect(result).toEqual({
      outcome: 'violated',
      violations: [`${live.sk} is still ${live.transaction_status} and no leftover names it`],
    });
  });

  it('accepts a live booking when an open leftover names it, and calls that recorded', () => {
    const items = [booking('Payment', 'confirmed'), leftover('PAYMENT#1')];

    expect(checkInvariant('FAILED', 'BookingNeedsRepair', items)).toEqual({
      outcome: 'recorded',
      violations: [],
    });
  });

  it('does not count a resolved leftover as a record of a live booking', () => {
    const result = checkInvariant('FAILED', 'BookingNeedsRepair', [
      booking('Payment', 'confirmed'),
      leftover('PAYMENT#1', 'resolved'),
    ]);

    expect(result.outcome).toBe('violated');
  });

  it('calls a needs-repair saga whose leftovers were all resolved, with nothing live, repaired', () => {
    const items = [booking('Payment', 'refunded'), leftover('PAYMENT#1', 'resolved')];

    expect(checkInvariant('FAILED', 'BookingNeedsRepair', items)).toEqual({
      outcome: 'repaired',
      violations: [],
    });
  });

  it('rejects end errors that contradict the table', () => {
    expect(checkInvariant('FAILED', 'BookingNeedsRepair', []).violations).toEqual([
      'BookingNeedsRepair, yet no leftover is recorded',
    ]);
    expect(checkInvariant('FAILED', 'BookingFailed', [leftover('HOTEL#1')]).violations).toEqual([
      'BookingFailed, yet leftovers are recorded',
    ]);
  });

  it('holds an aborted or timed-out execution to the same rule', () => {
    expect(checkInvariant('ABORTED', undefined, [booking('Hotel', 'pending')]).outcome).toBe(
      'violated',
    );
    expect(checkInvariant('TIMED_OUT', undefined, [booking('Hotel', 'cancelled')]).outcome).toBe(
      'undone',
    );
  });

  it('refuses to judge an execution that is still running', () => {
    expect(checkInvariant('RUNNING', undefined, confirmed).outcome).toBe('violated');
  });
});
