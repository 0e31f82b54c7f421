/**
 * The states each booking must enter, in order, by run type: the oracle the state machine,
 * integration and client tests compare execution histories against. Written out from the
 * architecture's description of the saga, not derived from the ASL under test.
 */
import type { RunType } from '../../functions/commons/trip/document.ts';

export const FORWARD = [
  'ReserveHotel',
  'ReserveFlight',
  'TakePayment',
  'ConfirmHotel',
  'ConfirmFlight',
];
const UNDO_ALL = [
  'RefundPayment',
  'CancelFlight',
  'CancelHotel',
  'CheckLeftovers',
  'BookingFailed',
];

export const EXPECTED_PATH: Record<RunType, string[]> = {
  success: [...FORWARD, 'BookingConfirmed'],
  failHotelReservation: ['ReserveHotel', 'CancelHotel', 'CheckLeftovers', 'BookingFailed'],
  failFlightsReservation: [
    'ReserveHotel',
    'ReserveFlight',
    'CancelFlight',
    'CancelHotel',
    'CheckLeftovers',
    'BookingFailed',
  ],
  failPayment: ['ReserveHotel', 'ReserveFlight', 'TakePayment', ...UNDO_ALL],
  failHotelConfirmation: [
    'ReserveHotel',
    'ReserveFlight',
    'TakePayment',
    'ConfirmHotel',
    ...UNDO_ALL,
  ],
  failFlightsConfirmation: [...FORWARD, ...UNDO_ALL],
};

/** The longest path: ConfirmFlight fails, then every compensation and every record gives up. */
export const LONGEST_PATH = [
  ...FORWARD,
  'RefundPayment',
  'RecordRefundPaymentLeftover',
  'CancelFlight',
  'RecordCancelFlightLeftover',
  'CancelHotel',
  'RecordCancelHotelLeftover',
  'CheckLeftovers',
  'BookingNeedsRepair',
];
