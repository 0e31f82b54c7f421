/**
 * Fail (state-fail): fails with its Error and Cause. In JSONPath, ErrorPath and CausePath take
 * them from the input by a path or a string intrinsic (a path that selects nothing is
 * States.Runtime); in JSONata, Error and Cause may be expressions, which must give strings.
 */

import { typedField } from '../../jsonata/processing.ts';
import { dynamicValue } from '../../jsonpath/template.ts';
import type { StateAction } from '../action.ts';
import { STATES, StatesError } from '../errors.ts';
import { causeIn } from '../scope.ts';
import type { Json } from '../types.ts';

export const failState: StateAction = async ({ state, input, scope }) => {
  if (scope.language === 'JSONata') {
    const error =
      state.Error === undefined
        ? undefined
        : await typedField(scope, { input }, 'Error', state.Error, 'string');
    const cause =
      state.Cause === undefined
        ? undefined
        : await typedField(scope, { input }, 'Cause', state.Cause, 'string');
    throw new StatesError((error as string | undefined) ?? '', (cause as string | undefined) ?? '');
  }
  const fromPath = async (path: string | undefined, field: string): Promise<Json | undefined> => {
    if (path === undefined) return undefined;
    const value = await dynamicValue(path, input, scope, field, STATES.Runtime);
    if (typeof value !== 'string') {
      throw new StatesError(
        STATES.Runtime,
        causeIn(scope, `The value of ${field} '${path}' is not a string: ${JSON.stringify(value)}`),
      );
    }
    return value;
  };
  // No Error (or Cause) at all: the execution's error (or cause) is absent, not a made-up name.
  const error = (await fromPath(state.ErrorPath, 'ErrorPath')) ?? state.Error ?? '';
  const cause = (await fromPath(state.CausePath, 'CausePath')) ?? state.Cause ?? '';
  throw new StatesError(String(error), String(cause));
};
