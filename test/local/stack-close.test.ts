/**
 * Closing the platform leaves nothing running: an execution still running is stopped and waited
 * for, no function is invoked afterwards, and the functions' thread stays ended (an invocation
 * after close fails as Lambda reports a runtime that is gone, instead of starting a thread that
 * nothing would end).
 */
import { randomUUID } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { REFERENCE_TRIP } from '../../functions/commons/trip/document.ts';
import type { FaultPlan } from '../../local/checks/faults.ts';
import { clientsFor, externalStepFunctions, startTestStack } from '../support/stack.ts';

describe.skipIf(externalStepFunctions)('closing the platform', () => {
  it('stops an execution whose task hangs, ends the functions thread, and invokes nothing afterwards', async () => {
    // Prepare: the saga's payment hangs, after the reservations ran in the functions' thread.
    const invoked: string[] = [];
    let reachedHang: () => void = () => undefined;
    const hung = new Promise<void>((resolve) => {
      reachedHang = resolve;
    });
    const faults: FaultPlan = ({ state }) => {
      invoked.push(state);
      if (state !== 'TakePayment') return undefined;
      reachedHang();
      return { kind: 'hang' };
    };
    const stack = await startTestStack({ faults });
    const tripId = `close-${randomUUID()}`;
    const { executionArn = '' } = await clientsFor(stack).sfn.send(
      new StartExecutionCommand({
        stateMachineArn: stack.stateMachineArn,
        name: tripId,
        input: JSON.stringify({ ...REFERENCE_TRIP, trip_id: tripId, run_type: 'success' }),
      }),
    );
    await hung;
    const stepFunctions = stack.stepFunctions;
    const execution = stepFunctions?.execution(executionArn);
    expect(execution?.status).toBe('RUNNING');

    // Act
    await stack.close();

    // Assess: the execution ended as a stopped one, its history whole.
    expect(execution?.status).toBe('ABORTED');
    expect(execution?.history.events.at(-1)?.type).toBe('ExecutionAborted');
    expect(invoked).toEqual(['ReserveHotel', 'ReserveFlight', 'TakePayment']);
    // Stopped by the platform, not by an operator: no status change reaches the reconciler (the
    // next start's sweep settles the trip, as after a crash).
    expect(stack.lambda.find('ReconcileTripFunction')?.invocations).toBe(0);
    // The functions' thread is over for good: an invocation now starts none.
    expect(stack.lambda.closed).toBe(true);
    const late = await stack.lambda
      .find('ReserveHotelFunction')
      ?.invoke({ ...REFERENCE_TRIP, trip_id: tripId, run_type: 'success' });
    expect(late).toMatchObject({
      ok: false,
      error: {
        errorType: 'Runtime.ExitError',
        errorMessage: expect.stringContaining('the platform is closed'),
      },
    });
    // Nor does the Step Functions start another execution.
    expect(() =>
      stepFunctions?.startExecution({
        stateMachineArn: stack.stateMachineArn,
        input: JSON.stringify({ ...REFERENCE_TRIP, trip_id: `${tripId}-late` }),
      }),
    ).toThrow('The local Step Functions is closed');
    expect(invoked).toHaveLength(3);
  });
});
