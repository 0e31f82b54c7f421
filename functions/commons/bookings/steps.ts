/**
 * The saga's steps and the bookings they make: the one table every list of steps, kinds,
 * compensations and run types is read from (the functions, the app's offline tools, the tests,
 * the bench). The ASL and the template are checked against it (test/statemachine/steps.test.ts);
 * docs/ARCHITECTURE.md ("A new saga step") says what else a step needs. Pure data: no client,
 * no environment, no other module.
 */
export const TRANSACTION_STATUSES = ['pending', 'confirmed', 'cancelled', 'refunded'] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/** The reference's price for every trip. */
export const PAYMENT = { amount: '450.00', currency: 'USD' } as const;

/**
 * Each kind of booking: its sort key prefix and item type, the status its step makes it in
 * (`made`), the statuses in which it still holds something (`live`), its compensation (`undo`)
 * and the status that leaves it in (`final`), the key of its id in a step's result (the
 * reference's shape), and its details, from the trip document (the fields it reads of it); its
 * id hashes those details, or the ids of the bookings it names in `idFrom`.
 */
export const BOOKING_KINDS = {
  hotel: {
    prefix: 'HOTEL',
    type: 'Hotel',
    made: 'pending',
    live: ['pending', 'confirmed'],
    undo: 'CancelHotel',
    final: 'cancelled',
    resultId: 'booking_id',
    details: (trip: { hotel: string; check_in: string; check_out: string }) => ({
      hotel: trip.hotel,
      check_in: trip.check_in,
      check_out: trip.check_out,
    }),
  },
  flight: {
    prefix: 'FLIGHT',
    type: 'Flight',
    made: 'pending',
    live: ['pending', 'confirmed'],
    undo: 'CancelFlight',
    final: 'cancelled',
    resultId: 'booking_id',
    details: (trip: { depart: string; depart_at: string; arrive: string; arrive_at: string }) => ({
      depart: trip.depart,
      depart_at: trip.depart_at,
      arrive: trip.arrive,
      arrive_at: trip.arrive_at,
    }),
  },
  payment: {
    prefix: 'PAYMENT',
    type: 'Payment',
    made: 'confirmed',
    live: ['confirmed'],
    undo: 'RefundPayment',
    final: 'refunded',
    resultId: 'payment_id',
    details: (_trip: object): Record<string, string> => ({ ...PAYMENT }),
    // Its id is made of these bookings' ids, not of its details. Frozen: a compensation running
    // across a deploy must find the same item, so a new kind is never added here.
    idFrom: ['hotel', 'flight'],
  },
} as const satisfies Record<
  string,
  {
    made: TransactionStatus;
    live: readonly TransactionStatus[];
    final: TransactionStatus;
    [other: string]: unknown;
  }
>;
export type BookingKind = keyof typeof BOOKING_KINDS;
type Kind = (typeof BOOKING_KINDS)[BookingKind];
export type BookingType = Kind['type'];
/** A compensation: the saga's state (and function) that undoes a kind of booking. */
export type Compensation = Kind['undo'];

/**
 * The forward steps, in the saga's order: the state (and function) name, the booking it makes
 * or confirms, and the run type that fails it (failure injection, the reference's names).
 */
export const SAGA_STEPS = [
  { state: 'ReserveHotel', kind: 'hotel', runType: 'failHotelReservation' },
  { state: 'ReserveFlight', kind: 'flight', runType: 'failFlightsReservation' },
  { state: 'TakePayment', kind: 'payment', runType: 'failPayment' },
  { state: 'ConfirmHotel', kind: 'hotel', runType: 'failHotelConfirmation' },
  { state: 'ConfirmFlight', kind: 'flight', runType: 'failFlightsConfirmation' },
] as const satisfies readonly { state: string; kind: BookingKind; runType: string }[];
export type SagaStep = (typeof SAGA_STEPS)[number];
export type FailureRunType = SagaStep['runType'];

/** Past participles that do not end in -ed. */
const IRREGULAR: Record<string, string> = { Take: 'taken' };

/**
 * What a step has done to its booking, in words: its state is a verb and its kind's type
 * (ReserveHotel, TakePayment), this is the verb's past participle (reserved, taken).
 */
export const doneWord = (step: SagaStep): string => {
  const verb = step.state.slice(0, -BOOKING_KINDS[step.kind].type.length);
  return IRREGULAR[verb] ?? `${verb.toLowerCase()}${verb.endsWith('e') ? 'd' : 'ed'}`;
};

/** The kinds in the order the saga makes them (each one's first step). */
const MADE_IN_ORDER = [...new Set(SAGA_STEPS.map((step) => step.kind))];

/** The booking items' `type`, in the saga's forward order. */
export const BOOKING_TYPES = MADE_IN_ORDER.map((kind) => BOOKING_KINDS[kind].type) as [
  BookingType,
  ...BookingType[],
];

/**
 * The compensations in the order the saga runs them, the reverse of the order it makes the
 * bookings (the ASL's undo chain, checked by a test), and the booking each one undoes. The
 * reconciler, the sweep and the repair undo in this order too (undo.ts).
 */
export const COMPENSATIONS = Object.fromEntries(
  MADE_IN_ORDER.toReversed().map((kind) => [BOOKING_KINDS[kind].undo, kind]),
) as { [K in BookingKind as (typeof BOOKING_KINDS)[K]['undo']]: K };
export const COMPENSATION_NAMES = Object.keys(COMPENSATIONS) as [Compensation, ...Compensation[]];

/** The step that makes each kind of booking: its first (ReserveHotel, TakePayment...). */
export const makingStepOf = (kind: BookingKind): SagaStep['state'] | undefined =>
  SAGA_STEPS.find((step) => step.kind === kind)?.state;

/**
 * The compensations a failure of a forward step runs, in order (the ASL's Catch and chain): the
 * one of every kind the steps up to it touched, its own kind's included, for it may have written
 * before it failed.
 */
export const undoChainAfter = (state: string): Compensation[] => {
  const upTo = SAGA_STEPS.findIndex((step) => step.state === state) + 1;
  const touched = new Set<BookingKind>(SAGA_STEPS.slice(0, upTo).map((step) => step.kind));
  return COMPENSATION_NAMES.filter((compensation) => touched.has(COMPENSATIONS[compensation]));
};

/** A booking item's kind, by the item's `type`. */
export const kindOfType = (type: BookingType): Kind => {
  const kind = Object.values(BOOKING_KINDS).find((candidate) => candidate.type === type);
  if (!kind) throw new Error(`No booking kind has the type ${type}`);
  return kind;
};
