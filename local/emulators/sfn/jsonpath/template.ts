/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, and Assign in JSONPath states):
 * a JSON value whose fields named `<key>.$` take the value of a path or an intrinsic function
 * under `<key>`, however deeply nested, arrays included. A path that selects nothing fails the
 * state with States.ParameterPathFailure; an intrinsic that cannot run, States.IntrinsicFailure.
 */
import { STATES, StatesError } from '../engine/errors.ts';
import { causeIn, type StateScope } from '../engine/scope.ts';
import { isObject, type Json, type JsonObject } from '../engine/types.ts';
import { evaluateIntrinsic } from './intrinsics/index.ts';
import { type IntrinsicCall, looksLikeIntrinsic, parseIntrinsic } from './intrinsics/parser.ts';
import { resolvePath } from './resolve.ts';

const calls = new Map<string, IntrinsicCall>();

export const parsedIntrinsic = (text: string): IntrinsicCall => {
  let call = calls.get(text);
  if (!call) {
    call = parseIntrinsic(text);
    if (calls.size > 10_000) calls.clear();
    calls.set(text, call);
  }
  return call;
};

/** The value of one `.$` field: a path's, or an intrinsic function's. */
export const dynamicValue = async (
  expression: string,
  data: Json,
  scope: StateScope,
  field: string,
  errorName: string = STATES.ParameterPathFailure,
): Promise<Json> => {
  const resolve = async (path: string): Promise<Json> => {
    const selection = await resolvePath(path, data, scope);
    if (selection.found) return selection.value;
    throw new StatesError(
      errorName,
      causeIn(
        scope,
        `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(data)}'`,
      ),
    );
  };
  if (looksLikeIntrinsic(expression)) {
    try {
      return await evaluateIntrinsic(parsedIntrinsic(expression), resolve);
    } catch (error) {
      if (error instanceof StatesError && error.name === STATES.IntrinsicFailure) {
        throw new StatesError(error.name, causeIn(scope, `${error.message} (field '${field}')`));
      }
      throw error;
    }
  }
  return resolve(expression);
};

/** Evaluates a payload template against `data`. */
export const evaluateTemplate = async (
  template: Json,
  data: Json,
  scope: StateScope,
  errorName: string = STATES.ParameterPathFailure,
): Promise<Json> => {
  if (Array.isArray(template)) {
    const items: Json[] = [];
    for (const item of template) items.push(await evaluateTemplate(item, data, scope, errorName));
    return items;
  }
  if (!isObject(template)) return template;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    result[key.endsWith('.$') && typeof value === 'string' ? key.slice(0, -2) : key] =
      key.endsWith('.$') && typeof value === 'string'
        ? await dynamicValue(value, data, scope, key, errorName)
        : await evaluateTemplate(value, data, scope, errorName);
  }
  return result;
};
