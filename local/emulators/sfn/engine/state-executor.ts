/**
 * Runs one state, whatever its type: writes its entered event, processes its input in its query
 * language (jsonpath/processing.ts or jsonata/processing.ts), runs its action (states/), then
 * its output and Assign, checks the output's size, and writes its exited event. A failure goes
 * through Retry, then Catch (retry-catch.ts); what neither takes leaves the state. Nothing is
 * written once the branch, iteration or execution it runs in is stopped.
 */
import * as jsonataLanguage from '../jsonata/processing.ts';
import * as jsonPathLanguage from '../jsonpath/processing.ts';
import { MAX_PAYLOAD_BYTES } from '../limits.ts';
import type { ActionContext, Nested, StateAction } from './action.ts';
import { asStatesError, ExecutionAborted, STATES, StatesError } from './errors.ts';
import { catcherFor, retryFor } from './retry-catch.ts';
import { type Runtime, sleep, unlessAborted } from './runtime.ts';
import type { StateScope } from './scope.ts';
import { choiceState } from './states/choice.ts';
import { failState } from './states/fail.ts';
import { mapState } from './states/map.ts';
import { parallelState } from './states/parallel.ts';
import { passState } from './states/pass.ts';
import { succeedState } from './states/succeed.ts';
import { taskState } from './states/task.ts';
import { waitState } from './states/wait.ts';
import {
  isObject,
  type Json,
  type JsonObject,
  type MachineDefinition,
  type StateDefinition,
  type StateType,
} from './types.ts';

const ACTIONS: Record<StateType, StateAction> = {
  Pass: passState,
  Task: taskState,
  Choice: choiceState,
  Wait: waitState,
  Succeed: succeedState,
  Fail: failState,
  Parallel: parallelState,
  Map: mapState,
};

/** The states whose action has a result (`$states.result`); the others pass their input on. */
const HAS_RESULT = new Set<StateType>(['Task', 'Parallel', 'Map']);

export interface StateRun {
  name: string;
  state: StateDefinition;
  input: Json;
  runtime: Runtime;
  where: Nested;
  runNested: (machine: MachineDefinition, input: Json, where: Nested) => Promise<Json>;
}

/**
 * A Choice's Assign when a rule matched (state-choice, workflow-variables). In JSONata the
 * rule's own Assign stands for the state's, which applies only when Default is taken; in
 * JSONPath the state's Assign applies whichever rule matched, the rule's adding to it (and
 * winning for a name both set: `x` and `x.$` are one name).
 */
const choiceAssign = (
  language: string,
  state: JsonObject | undefined,
  rule: Json | undefined,
): JsonObject | undefined => {
  const ruled = isObject(rule) ? rule : undefined;
  if (language === 'JSONata') return ruled;
  if (!ruled) return state;
  const base = (key: string) => (key.endsWith('.$') ? key.slice(0, -2) : key);
  const names = new Set(Object.keys(ruled).map(base));
  return {
    ...Object.fromEntries(Object.entries(state ?? {}).filter(([key]) => !names.has(base(key)))),
    ...ruled,
  };
};

const byteLength = (value: Json) => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Runs the state; gives its output and the next state (none at an end). */
export const executeState = async (run: StateRun): Promise<{ output: Json; next?: string }> => {
  const { name, state, input, runtime, where, runNested } = run;
  const { history } = runtime;
  const { signal, variables } = where;
  const language = runtime.languageOf(name);
  const jsonata = language === 'JSONata';
  const enteredEventId = history.stateEntered(state.Type, name, input);
  const enteredTime = new Date().toISOString();
  const attempts: number[] = [];
  let retryCount = 0;

  for (;;) {
    const scope: StateScope = {
      name,
      type: state.Type,
      language,
      context: {
        ...runtime.baseContext,
        State: { Name: name, EnteredTime: enteredTime, RetryCount: retryCount },
        ...(where.item ? { Map: { Item: where.item } } : {}),
      },
      variables,
      enteredEventId,
      lane: runtime.lane,
    };
    /** One attempt: input processing, the action, output processing; the exited event. */
    const attempt = async () => {
      const effective = jsonata
        ? HAS_RESULT.has(state.Type) && state.Type !== 'Map'
          ? await jsonataLanguage.effectiveInput(state, input, scope)
          : input
        : state.Type === 'Fail'
          ? input
          : await jsonPathLanguage.effectiveInput(state, input, scope);
      const context: ActionContext = {
        name,
        state,
        input,
        effective,
        scope,
        runtime,
        signal,
        runNested,
      };
      const { result, next, rule } = await ACTIONS[state.Type](context);
      // A matched Choice rule's Output stands for the state's; its Assign, as choiceAssign says.
      const fields = rule
        ? {
            ...state,
            Assign: choiceAssign(language, state.Assign, rule.Assign),
            Output: rule.Output ?? state.Output,
          }
        : state;
      const { output, assigned } = jsonata
        ? await jsonataLanguage.finish(
            fields,
            input,
            HAS_RESULT.has(state.Type) ? result : undefined,
            scope,
          )
        : await jsonPathLanguage.finish(
            fields,
            input,
            result === undefined ? effective : result,
            scope,
          );
      if (signal.aborted) throw signal.reason;
      if (byteLength(output) > MAX_PAYLOAD_BYTES) {
        throw new StatesError(
          STATES.DataLimitExceeded,
          `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
        );
      }
      variables.assign(assigned, name);
      history.stateExited(state.Type, name, output, assigned);
      const after = next ?? (state.End === true ? undefined : state.Next);
      return after === undefined ? { output } : { output, next: after };
    };
    try {
      // A stop ends the attempt at once, whatever it waits for (a task, a wait, an evaluation).
      return await unlessAborted(attempt(), signal);
    } catch (caught) {
      if (caught instanceof ExecutionAborted || signal.aborted)
        throw signal.aborted ? signal.reason : caught;
      const error = asStatesError(caught);
      if (jsonata && error.location !== undefined) {
        history.evaluationFailed(name, error.name, error.message, error.location);
      }
      const retry = retryFor(state.Retry, attempts, error);
      if (retry) {
        attempts[retry.index] = (attempts[retry.index] ?? 0) + 1;
        await sleep(runtime.retryDelayMs ?? retry.delayMs, signal);
        retryCount += 1;
        // A Parallel or Map tried again runs its branches or iterations anew.
        continue;
      }
      const catcher = catcherFor(state.Catch, error);
      if (!catcher) throw error;
      const errorOutput: JsonObject = { Error: error.name, Cause: error.message };
      const { output, assigned } = jsonata
        ? await jsonataLanguage.caught(catcher, input, errorOutput, scope)
        : await jsonPathLanguage.caught(catcher, input, errorOutput, scope);
      variables.assign(assigned, name);
      history.stateExited(state.Type, name, output, assigned);
      return { output, next: catcher.Next };
    }
  }
};
