/**
 * ResultPath (input-output-resultpath): where a state's result goes in its raw input. Absent or
 * `$`, the result is the output; null, the input passes through unchanged; a reference path, a
 * copy of the input with the result set there, missing objects made on the way. An existing
 * value on the way that is not an object fails with States.ResultPathMatchFailure.
 */
import { STATES, StatesError } from '../engine/errors.ts';
import { causeIn, type StateScope } from '../engine/scope.ts';
import { isObject, type Json, type JsonObject } from '../engine/types.ts';
import { parsedPath } from './resolve.ts';

export const applyResultPath = (
  resultPath: string | null | undefined,
  rawInput: Json,
  result: Json,
  scope: StateScope,
): Json => {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return rawInput;
  const steps = parsedPath(resultPath).steps ?? [];
  const mismatch = () =>
    new StatesError(
      STATES.ResultPathMatchFailure,
      causeIn(
        scope,
        `Unable to apply ResultPath '${resultPath}' to input '${JSON.stringify(rawInput)}': a value on the way is not an object.`,
      ),
    );
  const output = structuredClone(rawInput);
  let target: Json = output;
  for (const [index, step] of steps.entries()) {
    const last = index === steps.length - 1;
    if (typeof step === 'number') {
      if (!Array.isArray(target) || step >= target.length) throw mismatch();
      if (last) target[step] = result;
      else target = target[step] as Json;
      continue;
    }
    if (!isObject(target)) throw mismatch();
    if (last) {
      target[step] = result;
    } else {
      if (!Object.hasOwn(target, step)) target[step] = {};
      target = target[step] as JsonObject;
    }
  }
  return output;
};
