/**
 * Where the offline platform knowingly differs from AWS. Each difference is asserted as it
 * behaves here, so it is written down, and so a change to it is noticed. None of them changes
 * the saga's path or its table; docs/running-locally.md relies on that.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it, vi } from 'vitest';
import { LocalFunction } from '../../local/emulators/lambda-runtime.ts';
import { readEvent } from '../support/lambda.ts';
import { HANG_MS } from '../support/patience.ts';
import { runTrip, useTestStack } from '../support/stack.ts';

const platform = useTestStack();

describe('differs from AWS', () => {
  it('history: each event names the one before it as its previous event (AWS links events by cause)', async () => {
    const { events } = await runTrip(platform, { testCase: 'PaymentFailureTest' });

    expect(
      events.every((event, index) => event.id === index + 1 && event.previousEventId === index),
    ).toBe(true);
  });

  it('Lambda: a function that times out is reported as Sandbox.Timedout, but its handler runs on (AWS stops it)', async () => {
    // Prepare: a handler slower than its timeout, leaving a mark when it finishes.
    const folder = mkdtempSync(join(tmpdir(), 'slow-function-'));
    // A file, not a global: the function runs in an environment (a thread) of its own.
    const mark = join(folder, `slow-${randomUUID()}`);
    writeFileSync(
      join(folder, 'slow.mjs'),
      `import { writeFileSync } from 'node:fs';\nexport const handler = async () => { await new Promise((r) => setTimeout(r, 100)); writeFileSync(${JSON.stringify(mark)}, 'done'); return 'late'; };`,
    );
    const slow = new LocalFunction({
      name: 'SlowFunction',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:SlowFunction',
      bundle: join(folder, 'slow.mjs'),
      handlerExport: 'handler',
      timeoutSeconds: 0.02,
      memorySize: 128,
      environment: {},
    });

    // Act
    const result = await slow.invoke({});
    const finishedAtTimeout = existsSync(mark);

    // Assess
    expect(result).toMatchObject({ ok: false, error: { errorType: 'Sandbox.Timedout' } });
    expect(finishedAtTimeout).toBe(false);
    // The handler's 100 ms, after its environment's cold start.
    await vi.waitFor(() => expect(existsSync(mark)).toBe(true), { timeout: HANG_MS, interval: 10 });
    await slow.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('Step Functions: Distributed Map and activities are refused, naming the field and the state', async () => {
    const create = (name: string, definition: Record<string, unknown>) =>
      platform.clients.sfn.send(
        new CreateStateMachineCommand({
          name,
          definition: JSON.stringify(definition),
          roleArn: 'arn:aws:iam::123456789012:role/Test',
        }),
      );
    const only = (state: Record<string, unknown>) => ({
      StartAt: 'Only',
      States: { Only: { ...state, End: true } },
    });

    await expect(
      create(
        'UsesDistributedMap',
        only({
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Step',
            States: { Step: { Type: 'Pass', End: true } },
          },
          ToleratedFailurePercentage: 5,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("State 'Only': field 'ToleratedFailurePercentage'"),
    });
    await expect(
      create(
        'UsesAnActivity',
        only({ Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:Approve' }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("State 'Only': field 'Resource'"),
    });
  });

  it('IAM: nothing is authorised or refused; any credentials are accepted', async () => {
    const anyone = new SFNClient({
      endpoint: platform.stack.endpoints.sfn,
      region: 'us-east-1',
      credentials: { accessKeyId: 'anyone', secretAccessKey: 'anything' },
    });

    const { executionArn } = await anyone.send(
      new StartExecutionCommand({
        stateMachineArn: `${platform.stack.stateMachineArn}#HappyPathTest`,
        input: JSON.stringify({ ...readEvent('reserve-hotel.json'), trip_id: randomUUID() }),
      }),
    );

    expect(executionArn).toMatch(/:execution:BookingSaga:/);
    anyone.destroy();
  });

  it('Step Functions: an ended execution cannot be redriven, and logging and tracing are not applied', async () => {
    const { executionArn } = await runTrip(platform, { testCase: 'PaymentFailureTest' });

    const execution = await platform.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn }),
    );
    const machine = await platform.clients.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: platform.stack.stateMachineArn }),
    );

    // AWS: a FAILED standard execution is REDRIVABLE; template.yaml sets logging ERROR and tracing on.
    expect(execution).toMatchObject({
      status: 'FAILED',
      redriveStatus: 'NOT_REDRIVABLE',
      redriveCount: 0,
    });
    expect(machine.loggingConfiguration?.level).toBe('OFF');
    expect(machine.tracingConfiguration?.enabled).toBe(false);
  });

  it('HTTP API: requestContext.domainName keeps the port, so status URLs point back at the local API', async () => {
    const response = await fetch(`${platform.stack.endpoints.api}/?tripID=${randomUUID()}`);
    const { status_url } = (await response.json()) as { status_url: string };

    expect(status_url.startsWith(`${platform.stack.endpoints.api}/trips/`)).toBe(true);
  });

  it('Lambda: LogType Tail returns no log result (AWS returns the last 4 KB of the logs)', async () => {
    const response = await fetch(
      `${platform.stack.endpoints.lambda}/2015-03-31/functions/ReserveHotelFunction/invocations`,
      {
        method: 'POST',
        headers: { 'x-amz-log-type': 'Tail' },
        body: JSON.stringify({ ...readEvent('reserve-hotel.json'), trip_id: randomUUID() }),
      },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-log-result')).toBeNull();
  });
});
