/**
 * Runs a machine: from StartAt, state after state (state-executor.ts), until one ends it; the
 * same for a Parallel branch and a Map iteration, each with its own variables and stop signal.
 * Every YIELD_EVERY_STATES states of an execution it lets the event loop run, so a machine of
 * many quick states never holds the thread that serves every port (and a machine of few states
 * is not slowed by a wait for the loop at each one). The execution as a whole: its input, its TimeoutSeconds,
 * its stop, and how it ended.
 */
import type { Nested } from './action.ts';
import { MAX_HISTORY_EVENTS } from './defaults.ts';
import { asStatesError, ExecutionAborted, STATES, StatesError } from './errors.ts';
import { type Runtime, yieldToEventLoop } from './runtime.ts';
import { executeState } from './state-executor.ts';
import type { Json, MachineDefinition } from './types.ts';
import { VariableScope } from './variables.ts';

/** How many states an execution runs between two turns of the event loop. */
export const YIELD_EVERY_STATES = 32;

/** How many states each execution has entered. */
const entered = new WeakMap<Runtime, number>();

/** Runs `machine`'s states from StartAt; gives the output of the state that ends it. */
export const runStates = async (
  machine: MachineDefinition,
  input: Json,
  where: Nested,
  runtime: Runtime,
): Promise<Json> => {
  let name = machine.StartAt;
  let data = input;
  for (;;) {
    const count = (entered.get(runtime) ?? 0) + 1;
    entered.set(runtime, count);
    if (count % YIELD_EVERY_STATES === 0) await yieldToEventLoop();
    if (where.signal.aborted) throw where.signal.reason;
    if (runtime.history.size >= MAX_HISTORY_EVENTS) {
      throw new StatesError(
        STATES.Runtime,
        `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`,
      );
    }
    const state = machine.States[name];
    if (!state) throw new StatesError(STATES.Runtime, `The state '${name}' does not exist.`);
    const step = await executeState({
      name,
      state,
      input: data,
      runtime,
      where,
      runNested: (nested, nestedInput, nestedWhere) =>
        runStates(nested, nestedInput, nestedWhere, runtime),
    });
    data = step.output;
    if (step.next === undefined) return data;
    name = step.next;
  }
};

/** How an execution ended. */
export type ExecutionEnd =
  | { status: 'SUCCEEDED'; output: Json }
  | { status: 'FAILED'; error: string; cause: string }
  | { status: 'TIMED_OUT' }
  | { status: 'ABORTED' };

/** Why an execution is stopped before its end. */
export class ExecutionTimedOut extends ExecutionAborted {}

/**
 * Runs an execution to its end. `timeoutSeconds` (the machine's TimeoutSeconds, or the
 * platform's override) times it out; `signal` aborts it (StopExecution, the platform closing).
 */
export const runExecution = async (
  machine: MachineDefinition,
  input: Json,
  runtime: Runtime,
  options: { timeoutMs: number | undefined; signal: AbortSignal },
): Promise<ExecutionEnd> => {
  const controller = new AbortController();
  const stop = () => controller.abort(new ExecutionAborted('stopped'));
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new ExecutionTimedOut('timed out')), options.timeoutMs);
  try {
    const output = await runStates(
      machine,
      input,
      { variables: new VariableScope(), signal: controller.signal },
      runtime,
    );
    return { status: 'SUCCEEDED', output };
  } catch (error) {
    if (controller.signal.aborted) {
      return controller.signal.reason instanceof ExecutionTimedOut
        ? { status: 'TIMED_OUT' }
        : { status: 'ABORTED' };
    }
    const failure = asStatesError(error);
    return { status: 'FAILED', error: failure.name, cause: failure.message };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', stop);
    if (!controller.signal.aborted) controller.abort(new ExecutionAborted('ended'));
  }
};
