/**
 * What the fields of one state are evaluated against, in either query language: the state's
 * name and the event that entered it (for the causes AWS words), the context object as it is
 * for this attempt, the variables in scope, and the execution's lane to the evaluation workers
 * (JSONata, and JSONPath over large data).
 */
import type { Lane } from '../jsonata/evaluator.ts';
import type { JsonObject, QueryLanguage, StateType } from './types.ts';
import type { VariableScope } from './variables.ts';

export interface StateScope {
  name: string;
  type: StateType;
  language: QueryLanguage;
  /** The context object ($$ in JSONPath, $states.context in JSONata). */
  context: JsonObject;
  variables: VariableScope;
  /** The id of the history event that entered the state. */
  enteredEventId: number;
  lane: Lane;
}

/** The cause AWS gives a failure inside a state: which state, entered at which event, and why. */
export const causeIn = (scope: Pick<StateScope, 'name' | 'enteredEventId'>, why: string) =>
  `An error occurred while executing the state '${scope.name}' (entered at the event id #${scope.enteredEventId}). ${why}`;
