/**
 * Parallel (state-parallel): runs every branch on the effective input, each in a variable scope
 * of its own, and gives their outputs in branch order. The first branch to fail fails the state
 * with that branch's error; the others are stopped and report nothing more.
 */
import type { StateAction } from '../action.ts';
import { ExecutionAborted } from '../errors.ts';
import { innerSignal, withEndEvent } from '../runtime.ts';

export const parallelState: StateAction = async ({
  state,
  effective,
  scope,
  runtime,
  signal,
  runNested,
}) => {
  const { history } = runtime;
  const { controller: branches, dispose } = innerSignal(signal);
  history.stateStarted('Parallel');
  return withEndEvent(history, 'Parallel', signal, dispose, async () => ({
    result: await Promise.all(
      (state.Branches ?? []).map(async (branch) => {
        const variables = scope.variables.child();
        try {
          return await runNested(branch, effective, { variables, signal: branches.signal });
        } catch (error) {
          if (!branches.signal.aborted) branches.abort(new ExecutionAborted('a branch failed'));
          throw error;
        } finally {
          variables.release();
        }
      }),
    ),
  }));
};
