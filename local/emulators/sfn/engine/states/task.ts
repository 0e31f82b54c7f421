/**
 * Task (state-task): hands its effective input to its Resource through the task runner (which
 * writes the Task events, applies a mocked response, and fails the attempt with States.Timeout
 * past TimeoutSeconds). TimeoutSeconds is a number, TimeoutSecondsPath a path (JSONPath), or an
 * expression (JSONata), and must be a positive integer.
 */

import { expressionOf } from '../../jsonata/expression.ts';
import { typedField } from '../../jsonata/processing.ts';
import { resolvePath } from '../../jsonpath/resolve.ts';
import type { StateAction } from '../action.ts';
import { fieldError } from '../errors.ts';

export const taskState: StateAction = async ({
  name,
  state,
  input,
  effective,
  scope,
  runtime,
  signal,
}) => {
  let timeout: unknown = state.TimeoutSeconds;
  if (scope.language === 'JSONata' && expressionOf(state.TimeoutSeconds) !== undefined) {
    timeout = await typedField(
      scope,
      { input },
      'TimeoutSeconds',
      state.TimeoutSeconds as string,
      'number',
    );
  } else if (state.TimeoutSecondsPath !== undefined) {
    const selection = await resolvePath(state.TimeoutSecondsPath, input, scope);
    if (!selection.found) {
      throw fieldError(
        scope,
        `Invalid path '${state.TimeoutSecondsPath}' : No results for path: ${selection.missing}`,
        'TimeoutSecondsPath',
      );
    }
    timeout = selection.value;
  }
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0)
  ) {
    throw fieldError(
      scope,
      `The TimeoutSeconds value ${JSON.stringify(timeout)} is not a positive integer.`,
      'TimeoutSeconds',
    );
  }
  const result = await runtime.runTask({
    stateName: name,
    resource: state.Resource as string,
    parameters: effective,
    timeoutSeconds: timeout as number | undefined,
    signal,
  });
  return { result };
};
