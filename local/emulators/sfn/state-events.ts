/**
 * The engine's state events, written to the history as AWS writes them. The engine
 * (aws-local-stepfunctions) reports a state entered, exited, failed, retried or caught, and a
 * Map iteration or Parallel branch started and ended; AWS's history has, besides
 * `<Type>StateEntered/Exited`, `ParallelStateStarted/Succeeded/Failed` around the branches and
 * `MapStateStarted` (with the number of items), `MapIterationStarted/Succeeded/Failed` (with the
 * Map's name and the item's index) and `MapStateSucceeded/Failed` around the iterations.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { JSONPath } from 'jsonpath-plus';
import type { History } from './history.ts';

/** One event of the engine's log (the package does not export the type itself). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

/** The part of a Map state that decides how many items it iterates over. */
interface MapFields {
  InputPath?: string | null;
  ItemsPath?: string;
}

/** The number of items a Map state iterates over for its raw input (0 when not an array). */
const itemCount = (map: MapFields, input: unknown): number => {
  const pick = (path: string | null | undefined, json: unknown) =>
    path === undefined
      ? json
      : path === null
        ? {}
        : JSONPath({ path, json: json as object, wrap: false });
  const items = pick(map.ItemsPath ?? '$', pick(map.InputPath, input));
  return Array.isArray(items) ? items.length : 0;
};

/** Writes the history events of one engine event about a state (execution events excluded). */
export const stateEventRecorder = (options: {
  history: History;
  maps: Record<string, MapFields>;
  queryLanguage: 'JSONPath' | 'JSONata';
  /** The states nested in each Parallel and Map state. */
  nested: Record<string, string[]>;
  /** The Task `state` failed with States.Timeout. */
  onTaskTimeout: (state: string) => void;
  /** A Parallel or Map failed (`silent`: its branches are aborted) or starts anew. */
  onBranches: (states: string[], silent: boolean) => void;
}) => {
  const { history, maps, nested, onTaskTimeout, onBranches } = options;
  const jsonata = options.queryLanguage === 'JSONata';
  /** States whose events are dropped: those of a failed Parallel's other branches, say. */
  const silenced = new Set<string>();
  /**
   * Parallel and Map states whose current attempt failed (caught, it still exits), by name and
   * the index of the Map iteration they run in (the engine tells the innermost one).
   */
  const failed = new Set<string>();
  const keyOf = (name: string, index?: number) => `${name}#${index ?? ''}`;
  /**
   * States inside a Map's iterations: several copies of them may run at once, and the engine
   * names none of them apart, so a failure in one iteration must not silence the others.
   */
  const inIterations = new Set(Object.keys(maps).flatMap((map) => nested[map] ?? []));
  const branches = (name: string, silent: boolean) => {
    if (silent && inIterations.has(name)) return;
    const states = nested[name] ?? [];
    for (const state of states) {
      if (silent) silenced.add(state);
      else silenced.delete(state);
    }
    onBranches(states, silent);
  };
  /** A branch or iteration failed: the others are aborted, nothing they do now is history. */
  const aborting = (name: string) => {
    if (inIterations.has(name)) return;
    failed.add(keyOf(name));
    branches(name, true);
  };
  const started = (type: string, name: string, input: unknown, index?: number) => {
    if (type !== 'Parallel' && type !== 'Map') return;
    failed.delete(keyOf(name, index));
    branches(name, false);
    if (type === 'Parallel') history.stateStarted('Parallel');
    // A JSONata Map's items come from an expression: its engine reports MapStateStarted itself.
    if (type === 'Map' && !jsonata) history.stateStarted('Map', itemCount(maps[name] ?? {}, input));
  };
  return (event: EventLog) => {
    if ('state' in event && silenced.has(event.state.name)) return;
    // After one iteration failed, the Map fails: iterations the engine still starts never ran.
    if ('parentState' in event && failed.has(keyOf(event.parentState.name))) return;
    // The JSONata engine's own event, once a Map's Items are known.
    if ((event as { type: string }).type === 'MapStateStarted') {
      history.stateStarted('Map', (event as unknown as { length: number }).length);
      return;
    }
    switch (event.type) {
      case 'StateEntered':
        history.stateEntered(event.state.type, event.state.name, event.state.input);
        started(event.state.type, event.state.name, event.state.input, event.index);
        break;
      case 'StateExited':
        if (
          (event.state.type === 'Parallel' || event.state.type === 'Map') &&
          !failed.delete(keyOf(event.state.name, event.index))
        ) {
          history.stateEnded(event.state.type, 'Succeeded');
        }
        history.stateExited(
          event.state.type,
          event.state.name,
          event.state.output,
          // The JSONata engine tells what the state assigned; the package's engine has no variables.
          (event as { assigned?: Record<string, unknown> }).assigned,
        );
        break;
      case 'StateFailed':
        if (event.state.type === 'Parallel' || event.state.type === 'Map') {
          failed.add(keyOf(event.state.name, event.index));
          branches(event.state.name, true);
          history.stateEnded(event.state.type, 'Failed');
        }
        if (event.state.type === 'Task' && event.Error === 'States.Timeout') {
          onTaskTimeout(event.state.name);
        }
        break;
      case 'StateRetried':
        // A retried Parallel or Map runs its branches or iterations anew.
        started(event.state.type, event.state.name, event.state.input, event.index);
        break;
      case 'MapIterationStarted':
        history.mapIteration('Started', event.parentState.name, event.index);
        break;
      case 'MapIterationSucceeded':
        history.mapIteration('Succeeded', event.parentState.name, event.index);
        break;
      case 'MapIterationFailed':
        history.mapIteration('Failed', event.parentState.name, event.index);
        aborting(event.parentState.name);
        break;
      case 'ParallelBranchFailed':
        aborting(event.parentState.name);
        break;
      default:
        break;
    }
  };
};
