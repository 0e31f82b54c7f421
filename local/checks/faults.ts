/**
 * Faults injected into a state machine's task calls, to prove it survives them (the reliability tests
 * and `npm run soak -- --faults all`; nothing like it runs on AWS). They attach from outside: a
 * wrapper around the built-in Step Functions' function invoker (StepFunctionsService.wrapInvoker),
 * so the emulator takes no parameter for them and runs as ever when none is attached.
 */
import { TaskFailure } from '../emulators/sfn/errors.ts';
import type { FunctionInvoker, InvokerWrapper, TaskCall } from '../emulators/sfn/service.ts';
import type { LocalStack } from '../stack.ts';

/**
 * A fault in one task call:
 *   fail        the call fails before the function runs
 *   fail-after  the function runs, its writes land, then the call fails (a crash after the write)
 *   duplicate   the function runs twice with the same input, and the second result counts
 *   hang        the call never answers (a function stuck until the execution times out or stops)
 */
export type Fault =
  | { kind: 'fail' | 'fail-after'; error: string; cause: string }
  | { kind: 'duplicate' | 'hang' };

/** Chooses the fault, if any, for the `invocation`-th call (0-based) of `state` in an execution. */
export type FaultPlan = (call: TaskCall & { payload: unknown }) => Fault | undefined;

/** The wrapper that plays `plan` on every function invocation of a task. */
const withFaults =
  (plan: FaultPlan): InvokerWrapper =>
  (invoke: FunctionInvoker): FunctionInvoker =>
  async (functionName, payload, task) => {
    const fault = plan({ ...task, payload });
    switch (fault?.kind) {
      case 'fail':
        throw new TaskFailure(fault.error, fault.cause);
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'duplicate':
        // A duplicate delivery: the first call's outcome, success or failure, is lost.
        await invoke(functionName, payload, task).catch(() => undefined);
        return invoke(functionName, payload, task);
      case 'fail-after': {
        const invoked = await invoke(functionName, payload, task);
        // The function's own failure comes first, as it would reach the state machine first.
        if (!invoked.ok) return invoked;
        throw new TaskFailure(fault.error, fault.cause);
      }
      default:
        return invoke(functionName, payload, task);
    }
  };

/**
 * Plays `plan` on the tasks of every execution the platform's built-in Step Functions starts from
 * now on. An external Step Functions (SFN_ENDPOINT) runs without them: the tests that need
 * faults skip it.
 */
export const injectFaults = (stack: Pick<LocalStack, 'stepFunctions'>, plan: FaultPlan) => {
  stack.stepFunctions?.wrapInvoker(withFaults(plan));
};
