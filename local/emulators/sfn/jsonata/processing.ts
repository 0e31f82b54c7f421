/**
 * A JSONata state's fields (transforming-data): each evaluated on the JSONata worker with
 * `$states` (input, context, and result or errorOutput where AWS gives them) and the variables
 * it reads. Arguments is what a Task or Parallel works on; Output (by default the result of a
 * Task, Parallel or Map, else the input) is the state's output; Assign is evaluated at the same
 * time, on the values from before the state. A failure is the state's States.QueryEvaluationError,
 * worded as AWS words it and located at the field (`Output/result`).
 */
import { STATES, StatesError } from '../engine/errors.ts';
import { causeIn, type StateScope } from '../engine/scope.ts';
import type { Catcher, Json, JsonObject, StateDefinition } from '../engine/types.ts';
import { MAX_PAYLOAD_BYTES } from '../limits.ts';
import { expressionOf, expressionsIn } from './expression.ts';
import type { Failure } from './protocol.ts';
import { checkExpression } from './syntax.ts';

/** A state's scope, as JSONata evaluates in it. */
export type JsonataScope = StateScope;

const failureCause = (failure: Failure) => {
  const at = `The JSONata expression '${failure.expression}' specified for the field '${failure.location}'`;
  switch (failure.kind) {
    case 'threw':
      return failure.expression
        ? `${at} threw an error during evaluation. ${failure.message}`
        : `The evaluation of the field '${failure.location}' failed: ${failure.message}`;
    case 'undefined':
      return `${at} returned nothing (undefined).`;
    case 'unsupported':
      return `${at} returned an unsupported result type.`;
    case 'too-big':
      return `${at} returned ${failure.bytes} bytes, over the ${MAX_PAYLOAD_BYTES} bytes limit.`;
  }
};

/** Evaluates fields of one state against the same `$states`; gives their values in order. */
export const evaluateFields = async (
  scope: JsonataScope,
  states: { input: Json; result?: Json; errorOutput?: Json },
  fields: { location: string; template: Json }[],
): Promise<Json[]> => {
  const expressions = fields.flatMap(({ location, template }) => expressionsIn(template, location));
  if (expressions.length === 0) return fields.map(({ template }) => template);
  // Only what the expressions read crosses to the worker: a Map's ItemSelector, evaluated for
  // every item, need not carry the Map's whole input each time.
  const available: JsonObject = { ...(states as JsonObject), context: scope.context };
  const used: JsonObject = {};
  const bindings: JsonObject = { states: used };
  for (const { source } of expressions) {
    const info = checkExpression(source);
    for (const member of info.states) {
      if (available[member] !== undefined) used[member] = available[member] as Json;
    }
    for (const name of info.variables) {
      if (name === 'states') continue;
      const value = scope.variables.get(name);
      if (value !== undefined) bindings[name] = value;
    }
  }
  const outcome = await scope.lane.run(fields, JSON.stringify(bindings), MAX_PAYLOAD_BYTES);
  if (!outcome.ok) {
    const { failure } = outcome;
    if (failure.kind === 'too-big') {
      throw new StatesError(
        STATES.DataLimitExceeded,
        `The state/task '${scope.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    throw new StatesError(
      STATES.QueryEvaluationError,
      causeIn(scope, failureCause(failure)),
      failure.location,
    );
  }
  return outcome.values.map((text) => (text === null ? null : (JSON.parse(text) as Json)));
};

/** One field's value, which must be of `type` (`array`, `boolean`, `string`, `integer`...). */
export const typedField = async (
  scope: JsonataScope,
  states: { input: Json },
  location: string,
  template: Json,
  type: 'array' | 'boolean' | 'string' | 'number',
): Promise<Json> => {
  const [value] = await evaluateFields(scope, states, [{ location, template }]);
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (actual !== type) {
    const expression = expressionOf(template) ?? JSON.stringify(template);
    throw new StatesError(
      STATES.QueryEvaluationError,
      causeIn(
        scope,
        `The JSONata expression '${expression}' specified for the field '${location}' returned an unexpected result type. Expected '${type}', but was '${actual}' for value: ${JSON.stringify(value)}`,
      ),
      location,
    );
  }
  return value as Json;
};

/** What a Task or Parallel works on: its Arguments, or its input. */
export const effectiveInput = async (state: StateDefinition, input: Json, scope: JsonataScope) => {
  if (state.Arguments === undefined) return input;
  const [value] = await evaluateFields(scope, { input }, [
    { location: 'Arguments', template: state.Arguments },
  ]);
  return value as Json;
};

/** Output and Assign, evaluated together on the values from before the state. */
const outputAndAssign = async (
  fields: { Output?: Json; Assign?: JsonObject },
  scope: JsonataScope,
  states: { input: Json; result?: Json; errorOutput?: Json },
  fallback: Json,
) => {
  const asked = [
    ...(fields.Output === undefined ? [] : [{ location: 'Output', template: fields.Output }]),
    ...(fields.Assign === undefined
      ? []
      : [{ location: 'Assign', template: fields.Assign as Json }]),
  ];
  const values = await evaluateFields(scope, states, asked);
  const output = fields.Output === undefined ? fallback : (values[0] as Json);
  const assigned = fields.Assign === undefined ? {} : (values[asked.length - 1] as JsonObject);
  return { output, assigned };
};

/**
 * The state's output and what it assigns. `result` is what a Task, Parallel or Map gave
 * (`$states.result`); other states have none, and their output defaults to their input.
 */
export const finish = (
  fields: { Output?: Json; Assign?: JsonObject },
  input: Json,
  result: Json | undefined,
  scope: JsonataScope,
) =>
  outputAndAssign(
    fields,
    scope,
    result === undefined ? { input } : { input, result },
    result === undefined ? input : result,
  );

/** A Catch's output (by default the error output) and what it assigns. */
export const caught = (
  catcher: Catcher,
  input: Json,
  errorOutput: JsonObject,
  scope: JsonataScope,
) => outputAndAssign(catcher, scope, { input, errorOutput }, errorOutput);
