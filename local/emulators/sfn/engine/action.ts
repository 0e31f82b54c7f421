/**
 * The contract between the state executor (state-executor.ts) and the state types (states/):
 * a state's action gets its input already processed by its query language, does its work, and
 * gives its result (and, for a Choice, where to go). Input and output processing, Retry and
 * Catch stay in the executor.
 */
import type { JsonataScope } from '../jsonata/processing.ts';
import type { Runtime } from './runtime.ts';
import type { Json, JsonObject, MachineDefinition, StateDefinition } from './types.ts';
import type { VariableScope } from './variables.ts';

/** Where a nested machine (a Parallel branch, a Map iteration) runs. */
export interface Nested {
  variables: VariableScope;
  signal: AbortSignal;
  /** The item a Map iteration works on: the context object's Map.Item. */
  item?: JsonObject;
}

export interface ActionContext {
  name: string;
  state: StateDefinition;
  /** The state's raw input ($states.input). */
  input: Json;
  /**
   * What the state works on: in JSONPath its input after InputPath and Parameters; in JSONata
   * its Arguments' value (Task, Parallel), else its input.
   */
  effective: Json;
  scope: JsonataScope;
  runtime: Runtime;
  signal: AbortSignal;
  /** Runs a nested machine to its output (Parallel, Map). */
  runNested: (machine: MachineDefinition, input: Json, where: Nested) => Promise<Json>;
}

export interface ActionResult {
  /** A Task's, Parallel's or Map's result; a Pass's (JSONPath) Result; otherwise none. */
  result?: Json;
  /** A Choice's next state (its matched rule's, or its Default). */
  next?: string;
  /** A Choice's matched rule: its Assign and Output stand for the state's. */
  rule?: JsonObject;
}

export type StateAction = (context: ActionContext) => Promise<ActionResult>;
