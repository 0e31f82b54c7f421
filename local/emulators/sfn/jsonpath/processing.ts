/**
 * A JSONPath state's input and output (concepts-input-output-filtering), in AWS's order:
 * InputPath, then Parameters, make the effective input; the state works; ResultSelector
 * reshapes its result; Assign (evaluated on the result) sets variables; ResultPath puts the
 * result in the raw input; OutputPath picks the output. A Catch's ResultPath and Assign work on
 * the error output instead.
 */
import { STATES, StatesError } from '../engine/errors.ts';
import { causeIn, type StateScope } from '../engine/scope.ts';
import type { Catcher, Json, JsonObject, StateDefinition } from '../engine/types.ts';
import { resolvePath } from './resolve.ts';
import { applyResultPath } from './result-path.ts';
import { evaluateTemplate } from './template.ts';

/** InputPath or OutputPath: null gives `{}`; a path that selects nothing fails with States.Runtime. */
export const applyPath = async (
  path: string | null | undefined,
  data: Json,
  scope: StateScope,
): Promise<Json> => {
  if (path === undefined) return data;
  if (path === null) return {};
  const selection = await resolvePath(path, data, scope);
  if (selection.found) return selection.value;
  throw new StatesError(
    STATES.Runtime,
    causeIn(scope, `Invalid path '${path}' : No results for path: ${selection.missing}`),
  );
};

/** The input a state works on: InputPath, then Parameters (a Map's Parameters apply per item). */
export const effectiveInput = async (
  state: StateDefinition,
  rawInput: Json,
  scope: StateScope,
): Promise<Json> => {
  const input = await applyPath(state.InputPath, rawInput, scope);
  if (state.Parameters === undefined || state.Type === 'Map') return input;
  return evaluateTemplate(state.Parameters, input, scope);
};

/** The variables an Assign sets, evaluated on `data` (the result, or a Catch's error output). */
export const assigned = async (assign: JsonObject | undefined, data: Json, scope: StateScope) =>
  assign === undefined ? {} : ((await evaluateTemplate(assign, data, scope)) as JsonObject);

/** The state's output and the variables it assigns, from its raw input and its result. */
export const finish = async (
  fields: Pick<StateDefinition, 'ResultSelector' | 'ResultPath' | 'OutputPath' | 'Assign'>,
  rawInput: Json,
  result: Json,
  scope: StateScope,
) => {
  const variables = await assigned(fields.Assign, result, scope);
  const selected =
    fields.ResultSelector === undefined
      ? result
      : await evaluateTemplate(fields.ResultSelector, result, scope);
  const placed = applyResultPath(fields.ResultPath, rawInput, selected, scope);
  return { output: await applyPath(fields.OutputPath, placed, scope), assigned: variables };
};

/** A Catch's output and variables: its ResultPath puts the error output in the raw input. */
export const caught = async (
  catcher: Catcher,
  rawInput: Json,
  errorOutput: JsonObject,
  scope: StateScope,
) => ({
  assigned: await assigned(catcher.Assign, errorOutput, scope),
  output: applyResultPath(catcher.ResultPath, rawInput, errorOutput, scope),
});
