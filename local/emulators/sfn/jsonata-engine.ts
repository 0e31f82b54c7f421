/**
 * Runs a state machine whose QueryLanguage is JSONata, with variables, on the `jsonata` package:
 * `{% ... %}` expressions in Arguments, Output, Assign, Condition, Items, ItemSelector, Seconds,
 * Timestamp, TimeoutSeconds, MaxConcurrency, Error and Cause, with `$states.input`,
 * `$states.result`, `$states.errorOutput` and `$states.context`, and Retry and Catch as AWS runs
 * them. aws-local-stepfunctions has no JSONata, so this is the engine for such machines; it takes
 * the same run options and writes the same event log, so the service and the history treat both
 * engines alike.
 *
 * Variables (AWS's rules): Assign is evaluated with the values from before the state, at the same
 * time as Output, and takes effect after it; a Parallel branch or Map iteration reads the outer
 * variables and assigns only its own copies.
 */
import jsonata from 'jsonata';
import type { Retrier } from '../../template/asl.ts';
import type { EventLog } from './state-events.ts';

type Json = unknown;
type State = Record<string, Json> & { Type: string };
interface Machine {
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Output?: Json;
  Assign?: Record<string, Json>;
}

/** The options of aws-local-stepfunctions' `run` that the service uses. */
export interface JsonataRunOptions {
  overrides?: {
    taskResourceLocalHandlers?: Record<string, (input: Json) => Promise<Json>>;
    retryIntervalOverrides?: Record<string, number>;
  };
  context?: Record<string, Json>;
}

/** A failure as States Language names it; `terminal` ones no Retry or Catch may take. */
class StatesError extends Error {
  readonly terminal: boolean;

  constructor(name: string, cause: string, terminal = false) {
    super(cause);
    this.name = name;
    this.terminal = terminal;
  }
}

class Aborted extends Error {}

const failureOf = (error: unknown): StatesError => {
  if (error instanceof StatesError) return error;
  const { name, message, isRetryable, isCatchable } = error as Error & {
    isRetryable?: boolean;
    isCatchable?: boolean;
  };
  return new StatesError(name || 'Error', message, isRetryable === false && isCatchable === false);
};

const compiled = new Map<string, jsonata.Expression>();
const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** Evaluates a JSONata template: `{% expr %}` strings anywhere in it, other values as they are. */
const evaluate = async (template: Json, bindings: Record<string, Json>): Promise<Json> => {
  if (typeof template === 'string') {
    const match = EXPRESSION.exec(template.trim());
    if (!match) return template;
    const source = match[1] ?? '';
    let expression = compiled.get(source);
    try {
      if (!expression) {
        expression = jsonata(source);
        compiled.set(source, expression);
      }
      return await expression.evaluate({}, bindings);
    } catch (error) {
      throw new StatesError(
        'States.QueryEvaluationError',
        `An error occurred while evaluating the expression '${source.trim()}': ${(error as Error).message}`,
      );
    }
  }
  if (Array.isArray(template)) {
    return Promise.all(template.map((item) => evaluate(item, bindings)));
  }
  if (typeof template === 'object' && template !== null) {
    const entries = await Promise.all(
      Object.entries(template).map(async ([key, value]) => [key, await evaluate(value, bindings)]),
    );
    // A field whose expression gives nothing is left out, as JSON has no undefined.
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
  }
  return template;
};

/** JSONata gives its own array and sequence objects; states pass plain JSON. */
const plain = (value: Json): Json =>
  value === undefined ? null : JSON.parse(JSON.stringify(value));

const matches = (errorEquals: string[], error: StatesError) =>
  errorEquals.some(
    (name) =>
      name === error.name ||
      (name === 'States.ALL' && error.name !== 'States.Runtime') ||
      (name === 'States.TaskFailed' &&
        error.name !== 'States.Timeout' &&
        error.name !== 'States.Runtime'),
  );

/** An async queue of events, read as aws-local-stepfunctions' `eventLogs`. */
const eventQueue = () => {
  const events: EventLog[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push(event: Record<string, Json>) {
      events.push({ timestamp: Date.now(), ...event } as unknown as EventLog);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    async *read(): AsyncGenerator<EventLog> {
      for (;;) {
        const event = events.shift();
        if (event) {
          yield event;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
};

export class JsonataStateMachine {
  readonly #definition: Machine;

  constructor(definition: unknown) {
    this.#definition = definition as Machine;
  }

  run(input: Json, options: JsonataRunOptions = {}) {
    const log = eventQueue();
    let abort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = () => reject(new Aborted());
    });
    aborted.catch(() => undefined);
    const handlers = options.overrides?.taskResourceLocalHandlers ?? {};
    const retryOverrides = options.overrides?.retryIntervalOverrides ?? {};
    const context = options.context ?? {};

    /** Logs a branch's or iteration's failure (a stopped execution logs its abort instead). */
    const failed = (event: Record<string, Json>, error: unknown) => {
      if (error instanceof Aborted) return;
      const failure = failureOf(error);
      log.push({ ...event, Error: failure.name, Cause: failure.message });
    };

    /** Waits `ms`, or fails at once when the execution is stopped. */
    const sleep = (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        new Promise((resolve) => {
          timer = setTimeout(resolve, ms);
        }),
        aborted,
      ]).finally(() => clearTimeout(timer));
    };

    const runMachine = async (
      machine: Machine,
      machineInput: Json,
      variables: Record<string, Json>,
      map?: { Index: number; Value: Json },
    ): Promise<Json> => {
      let name = machine.StartAt;
      let data = machineInput;
      for (;;) {
        const state = machine.States[name];
        if (!state) throw new StatesError('States.Runtime', `No state named ${name}`, true);
        const step = await runState(name, state, data, variables, map);
        data = step.output;
        if (step.next === undefined) return data;
        name = step.next;
      }
    };

    const runState = async (
      name: string,
      state: State,
      stateInput: Json,
      variables: Record<string, Json>,
      map?: { Index: number; Value: Json },
    ): Promise<{ output: Json; next?: string }> => {
      const described = { name, type: state.Type, input: stateInput };
      // The Map iteration a state runs in, as the package's engine tells it.
      const at = map === undefined ? {} : { index: map.Index };
      log.push({ type: 'StateEntered', state: described, ...at });
      const enteredTime = new Date().toISOString();
      const attempts = new Map<Retrier, number>();
      let retryCount = 0;
      for (;;) {
        const states = (extra: Record<string, Json> = {}) => ({
          input: stateInput,
          context: {
            ...context,
            State: { Name: name, EnteredTime: enteredTime, RetryCount: retryCount },
            ...(map ? { Map: { Item: map } } : {}),
          },
          ...extra,
        });
        try {
          const { result, next, ruleAssigned } = await execute(
            name,
            state,
            stateInput,
            variables,
            states,
            map,
          );
          const bindings = { ...variables, states: states({ result }) };
          const output = plain('Output' in state ? await evaluate(state.Output, bindings) : result);
          const assigned = {
            ...ruleAssigned,
            ...((await evaluate(state.Assign ?? {}, bindings)) as Record<string, Json>),
          };
          Object.assign(variables, assigned);
          log.push({ type: 'StateExited', state: { ...described, output }, assigned, ...at });
          return { output, ...(next === undefined ? {} : { next }) };
        } catch (caught) {
          if (caught instanceof Aborted) throw caught;
          const error = failureOf(caught);
          log.push({
            type: 'StateFailed',
            state: described,
            ...at,
            Error: error.name,
            Cause: error.message,
          });
          if (error.terminal) throw error;
          const retrier = ((state.Retry ?? []) as Retrier[]).find((candidate) =>
            matches(candidate.ErrorEquals, error),
          );
          const attempt = retrier ? (attempts.get(retrier) ?? 0) : 0;
          if (retrier && attempt < (retrier.MaxAttempts ?? 3)) {
            attempts.set(retrier, attempt + 1);
            const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
            const capped = Math.min(interval, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
            const delay = retrier.JitterStrategy === 'FULL' ? Math.random() * capped : capped;
            await sleep(retryOverrides[name] ?? delay * 1000);
            retryCount += 1;
            log.push({
              type: 'StateRetried',
              state: described,
              ...at,
              retry: { retrier, attempt: attempt + 1 },
            });
            continue;
          }
          const catcher = ((state.Catch ?? []) as Catcher[]).find((candidate) =>
            matches(candidate.ErrorEquals, error),
          );
          if (!catcher) throw error;
          const errorOutput = { Error: error.name, Cause: error.message };
          const bindings = { ...variables, states: states({ errorOutput }) };
          const output = plain(
            'Output' in catcher ? await evaluate(catcher.Output, bindings) : errorOutput,
          );
          const assigned = await evaluate(catcher.Assign ?? {}, bindings);
          Object.assign(variables, assigned);
          log.push({ type: 'StateCaught', state: described, catch: { catcher }, ...at });
          log.push({ type: 'StateExited', state: { ...described, output }, assigned, ...at });
          return { output, next: catcher.Next };
        }
      }
    };

    /** What one attempt of a state gives: its result (before Output) and the next state. */
    const execute = async (
      name: string,
      state: State,
      stateInput: Json,
      variables: Record<string, Json>,
      states: (extra?: Record<string, Json>) => Record<string, Json>,
      map?: { Index: number; Value: Json },
    ): Promise<{ result: Json; next?: string; ruleAssigned?: Record<string, Json> }> => {
      const bindings = { ...variables, states: states() };
      const next = state.End === true ? undefined : (state.Next as string | undefined);
      switch (state.Type) {
        case 'Pass':
          return { result: stateInput, ...(next ? { next } : {}) };
        case 'Succeed':
          return { result: stateInput };
        case 'Fail': {
          const error = await evaluate(state.Error ?? 'States.Fail', bindings);
          const cause = await evaluate(state.Cause ?? '', bindings);
          // Not caught here (a Fail state has no Catch), but an enclosing Parallel's may.
          throw new StatesError(String(error), String(cause));
        }
        case 'Wait': {
          const seconds =
            state.Timestamp === undefined
              ? Number(await evaluate(state.Seconds, bindings))
              : (Date.parse(String(await evaluate(state.Timestamp, bindings))) - Date.now()) / 1000;
          await sleep(Math.max(0, seconds) * 1000);
          return { result: stateInput, ...(next ? { next } : {}) };
        }
        case 'Choice': {
          for (const rule of (state.Choices ?? []) as Record<string, Json>[]) {
            if ((await evaluate(rule.Condition, bindings)) === true) {
              // A rule's own Output and Assign stand for the state's.
              const ruleBindings = { ...variables, states: states({}) };
              const assigned = await evaluate(rule.Assign ?? {}, ruleBindings);
              const result =
                'Output' in rule ? await evaluate(rule.Output, ruleBindings) : stateInput;
              return {
                result,
                next: String(rule.Next),
                ruleAssigned: assigned as Record<string, Json>,
              };
            }
          }
          if (typeof state.Default !== 'string') {
            throw new StatesError(
              'States.NoChoiceMatched',
              `No Choice rule matched in state ${name}`,
            );
          }
          return { result: stateInput, next: state.Default };
        }
        case 'Task': {
          const handler = handlers[name];
          if (!handler) throw new StatesError('States.Runtime', `No handler for ${name}`, true);
          const args = plain(
            'Arguments' in state ? await evaluate(state.Arguments, bindings) : stateInput,
          );
          // AWS's default (99999999 s) never ends a local run: no timer at all then.
          const timeout =
            state.TimeoutSeconds === undefined
              ? undefined
              : Number(await evaluate(state.TimeoutSeconds, bindings));
          let timer: NodeJS.Timeout | undefined;
          const timedOut = new Promise<never>((_, reject) => {
            if (timeout === undefined) return;
            timer = setTimeout(
              () => reject(new StatesError('States.Timeout', 'Task timed out')),
              timeout * 1000,
            );
          });
          try {
            const result = await Promise.race([handler(args), timedOut, aborted]);
            return { result, ...(next ? { next } : {}) };
          } finally {
            clearTimeout(timer);
          }
        }
        case 'Parallel': {
          const args =
            'Arguments' in state ? plain(await evaluate(state.Arguments, bindings)) : stateInput;
          const parentState = { name, type: 'Parallel', input: stateInput };
          const result = await Promise.all(
            (state.Branches as Machine[]).map(async (branch) => {
              log.push({ type: 'ParallelBranchStarted', parentState });
              try {
                // A branch inside a Map iteration is still in that iteration.
                const output = await runMachine(branch, args, { ...variables }, map);
                log.push({ type: 'ParallelBranchSucceeded', parentState });
                return output;
              } catch (error) {
                failed({ type: 'ParallelBranchFailed', parentState }, error);
                throw error;
              }
            }),
          );
          return { result, ...(next ? { next } : {}) };
        }
        case 'Map': {
          const items = 'Items' in state ? await evaluate(state.Items, bindings) : stateInput;
          if (!Array.isArray(items)) {
            throw new StatesError(
              'States.QueryEvaluationError',
              `The Items of Map state ${name} are not an array`,
            );
          }
          const limit = Number(await evaluate(state.MaxConcurrency ?? 0, bindings)) || items.length;
          const processor = (state.ItemProcessor ?? state.Iterator) as Machine;
          const parentState = { name, type: 'Map', input: stateInput };
          // Only now is the number of items known (the package's engine reads it from a path).
          log.push({ type: 'MapStateStarted', state: parentState, length: items.length });
          const results: Json[] = new Array(items.length);
          let nextIndex = 0;
          let failure: unknown;
          const worker = async () => {
            while (failure === undefined && nextIndex < items.length) {
              const index = nextIndex++;
              const item = { Index: index, Value: plain(items[index]) };
              log.push({ type: 'MapIterationStarted', parentState, index });
              try {
                const itemInput =
                  'ItemSelector' in state
                    ? plain(
                        await evaluate(state.ItemSelector, {
                          ...variables,
                          states: {
                            ...states(),
                            context: { ...(states().context as object), Map: { Item: item } },
                          },
                        }),
                      )
                    : item.Value;
                results[index] = await runMachine(processor, itemInput, { ...variables }, item);
                log.push({ type: 'MapIterationSucceeded', parentState, index });
              } catch (error) {
                failed({ type: 'MapIterationFailed', parentState, index }, error);
                failure ??= error;
              }
            }
          };
          await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
          if (failure !== undefined) throw failure;
          return { result: results, ...(next ? { next } : {}) };
        }
        default:
          throw new StatesError('States.Runtime', `Unknown state type ${state.Type}`, true);
      }
    };

    const definition = this.#definition;
    const result = (async () => {
      log.push({ type: 'ExecutionStarted', input });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        if (definition.TimeoutSeconds === undefined) return;
        timer = setTimeout(
          () => reject(new StatesError('States.Timeout', 'Execution timed out')),
          definition.TimeoutSeconds * 1000,
        );
      });
      try {
        const output = await Promise.race([runMachine(definition, input, {}), timeout, aborted]);
        log.push({ type: 'ExecutionSucceeded', output });
        return output;
      } catch (error) {
        if (error instanceof Aborted) {
          log.push({ type: 'ExecutionAborted' });
          return null;
        }
        const failure = failureOf(error);
        if (failure.name === 'States.Timeout' && failure.message === 'Execution timed out') {
          log.push({ type: 'ExecutionTimeout' });
        } else {
          log.push({ type: 'ExecutionFailed', Error: failure.name, Cause: failure.message });
        }
        throw failure;
      } finally {
        clearTimeout(timer);
        log.close();
        abort = () => undefined;
      }
    })();
    result.catch(() => undefined);
    return { abort: () => abort(), result, eventLogs: log.read() };
  }
}
