/**
 * The states each booking must enter, in order, by run type: the oracle the state machine,
 * integration and client tests compare execution histories against. Derived from the saga's
 * table of steps (functions/commons/bookings/steps.ts), never from the ASL under test: the
 * forward steps in order; a failed step is undone by the compensation of every kind the steps up
 * to it touched, its own included (it may have written before it failed), in the undo order,
 * then CheckLeftovers ends the saga.
 */
import {
  BOOKING_KINDS,
  type BookingKind,
  COMPENSATION_NAMES,
  type Compensation,
  makingStepOf,
  SAGA_STEPS,
  undoChainAfter,
} from '../../functions/commons/bookings/steps.ts';
import type { RunType } from '../../functions/commons/trip/document.ts';

/** The forward steps, in order. */
export const FORWARD: string[] = SAGA_STEPS.map((step) => step.state);

/** The steps that make a booking (each kind's first step), and the kind each makes. */
export const MAKES = new Map<string, BookingKind>(
  Object.keys(BOOKING_KINDS).flatMap((kind) => {
    const state = makingStepOf(kind as BookingKind);
    return state ? [[state, kind as BookingKind] as const] : [];
  }),
);

export { undoChainAfter };

/** The compensations, in the order the saga runs them. */
export const UNDO_ORDER: Compensation[] = [...COMPENSATION_NAMES];

/** The state that records a compensation's leftover once it gave up. */
export const recordOf = (compensation: string) => `Record${compensation}Leftover`;

/** The run type that fails the last forward step: its path runs every compensation. */
export const FAILS_LAST_STEP = SAGA_STEPS[SAGA_STEPS.length - 1]?.runType ?? 'success';

export const EXPECTED_PATH = Object.fromEntries([
  ['success', [...FORWARD, 'BookingConfirmed']],
  ...SAGA_STEPS.map(({ state, runType }) => [
    runType,
    [
      ...FORWARD.slice(0, FORWARD.indexOf(state) + 1),
      ...undoChainAfter(state),
      'CheckLeftovers',
      'BookingFailed',
    ],
  ]),
]) as Record<RunType, string[]>;

/** The longest path: the last step fails, then every compensation and every record gives up. */
export const LONGEST_PATH = [
  ...FORWARD,
  ...UNDO_ORDER.flatMap((compensation) => [compensation, recordOf(compensation)]),
  'CheckLeftovers',
  'BookingNeedsRepair',
];
