/**
 * Pass (state-pass): passes its input on; in JSONPath its Result (or its effective input, after
 * Parameters) is its result, placed by ResultPath. In JSONata, Output shapes it.
 */
import type { StateAction } from '../action.ts';

export const passState: StateAction = async ({ state, effective, scope }) =>
  scope.language === 'JSONPath'
    ? { result: state.Result === undefined ? effective : state.Result }
    : {};
