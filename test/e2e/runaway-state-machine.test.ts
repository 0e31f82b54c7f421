/**
 * A state machine cannot take `npm start` down (issue 20.2): a JSONata expression that recurses
 * without end, in a machine with `TimeoutSeconds: 5`, used to stop every port for good and make
 * Ctrl-C useless. Here, in the real command's own process: while it runs, the HTTP API keeps
 * answering (p99 under 1 s), the execution ends (timed out, or its state failed with
 * States.QueryEvaluationError), and Ctrl-C in the middle of another runaway stops everything
 * within a few seconds.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/credentials.ts';
import { startNpmStart, stopNpmStarts, within } from '../support/npm-start.ts';

const RUNAWAY = '{% ( $f := function($n){ $f($n+1) }; $f(0) ) %}';
/** How long the HTTP API is watched while the runaway runs (its TimeoutSeconds, and a bit). */
const WATCH_MS = 6000;
const STOP_WITHIN_MS = 5000;

afterAll(() => stopNpmStarts());

const runaway = (timeoutSeconds?: number) =>
  JSON.stringify({
    QueryLanguage: 'JSONata',
    ...(timeoutSeconds === undefined ? {} : { TimeoutSeconds: timeoutSeconds }),
    StartAt: 'Forever',
    States: { Forever: { Type: 'Pass', Output: RUNAWAY, End: true } },
  });

describe('a runaway JSONata state machine under npm start', () => {
  it('leaves every request answered, ends at its timeout, and Ctrl-C still stops everything', async () => {
    // Prepare: npm start in its own process group (as a terminal runs it).
    const npmStart = await startNpmStart(['--parameter-overrides', 'LogLevel=ERROR']);
    const { child, ended } = npmStart;
    const api = npmStart.port('HTTP API');
    const sfn = npmStart.port('Step Functions');
    const client = new SFNClient({
      endpoint: `http://127.0.0.1:${sfn}`,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const roleArn = 'arn:aws:iam::123456789012:role/Runaway';
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: 'Runaway', definition: runaway(5), roleArn }),
    );

    // The function behind GET /trips started once (its cold start is not the runaway's doing).
    expect((await fetch(`http://127.0.0.1:${api}/trips/warm-up`)).status).toBe(404);

    // Act: the runaway, and the HTTP API asked every 100 ms meanwhile.
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn }));
    const latencies: number[] = [];
    const deadline = Date.now() + WATCH_MS;
    while (Date.now() < deadline) {
      const sent = performance.now();
      const response = await fetch(`http://127.0.0.1:${api}/trips/no-such-trip-${randomUUID()}`, {
        signal: AbortSignal.timeout(3000),
      }).catch(() => undefined);
      latencies.push(response?.status === 404 ? performance.now() - sent : 3000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }), {
      abortSignal: AbortSignal.timeout(3000),
    });

    // Assess: every port answered, the execution ended as AWS ends it.
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Number.POSITIVE_INFINITY;
    expect(sorted.length).toBeGreaterThan(20);
    expect(p99, `HTTP API latencies (ms): ${sorted.map(Math.round).join(', ')}`).toBeLessThan(1000);
    expect(
      execution.status === 'TIMED_OUT' ||
        (execution.status === 'FAILED' && execution.error === 'States.QueryEvaluationError'),
      JSON.stringify(execution),
    ).toBe(true);

    // Act: another runaway (no TimeoutSeconds: it runs until its budget), then Ctrl-C in it.
    const { stateMachineArn: endless } = await client.send(
      new CreateStateMachineCommand({ name: 'Endless', definition: runaway(), roleArn }),
    );
    await client.send(new StartExecutionCommand({ stateMachineArn: endless }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (child.pid === undefined) throw new Error('npm start has no pid');
    const interrupted = performance.now();
    process.kill(-child.pid, 'SIGINT');
    const exit = await within(
      ended,
      STOP_WITHIN_MS,
      () => `still running after Ctrl-C:\n${npmStart.output()}`,
    );

    // Assess
    expect(performance.now() - interrupted).toBeLessThan(STOP_WITHIN_MS);
    expect(exit, npmStart.output()).toEqual({ code: 0, signal: null });
    client.destroy();
  }, 120_000);
});
