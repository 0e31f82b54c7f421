/**
 * Each JSONata evaluation runs away from the thread that serves every port, within a budget (issue
 * 20.2): an expression that works for seconds leaves the Step Functions API answering, one that
 * never ends fails its state with States.QueryEvaluationError at its budget, and a worker that
 * runs out of memory is replaced. The API is served here as npm start serves it, on a port of
 * its own, by the same thread as the service.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { stepFunctionsApi } from '../../local/emulators/sfn/api.ts';
import { localService, runMachine } from '../support/sfn-service.ts';

const jsonata = (output: string, extra: Record<string, unknown> = {}) => ({
  QueryLanguage: 'JSONata',
  StartAt: 'Work',
  States: { Work: { Type: 'Pass', Output: output, End: true, ...extra } },
});

/** The service's API on a port, and the latencies of ListStateMachines asked every 50 ms. */
const servedAndWatched = async (service: ReturnType<typeof localService>) => {
  const server = createServer((request, response) => {
    void stepFunctionsApi(service)(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const latencies: number[] = [];
  let watching = true;
  const watched = (async () => {
    while (watching) {
      const sent = performance.now();
      await fetch(url, {
        method: 'POST',
        headers: {
          'x-amz-target': 'AWSStepFunctions.ListStateMachines',
          'content-type': 'application/x-amz-json-1.0',
        },
        body: '{}',
      });
      latencies.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      watching = false;
      await watched;
      server.close();
      return Math.max(...latencies);
    },
  };
};

describe('JSONata evaluations run in worker processes, within a budget', () => {
  const services: ReturnType<typeof localService>[] = [];
  afterAll(async () => {
    await Promise.all(services.map((service) => service.close()));
  });

  it('an expression that works for seconds leaves the API answering at once', async () => {
    // Prepare: a budget that leaves the work time to finish on a loaded machine.
    const service = localService({ jsonataBudget: { timeoutMs: 30_000 } });
    services.push(service);
    const watch = await servedAndWatched(service);

    // Act: seconds of work for the jsonata package (it held every port for that long).
    const result = await runMachine(service, {
      name: 'Heavy',
      definition: jsonata('{% $count($map([1..600000], function($v){ $v * 2 })) %}'),
    });
    const slowest = await watch.stop();

    // Assess
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 600000 });
    expect(slowest).toBeLessThan(1000);
  }, 60_000);

  it('an expression that never ends fails its state with States.QueryEvaluationError at its budget', async () => {
    // Prepare: a budget of half a second (npm start's is 10 s).
    const service = localService({ jsonataBudget: { timeoutMs: 500 } });
    services.push(service);
    const watch = await servedAndWatched(service);

    // Act
    const result = await runMachine(service, {
      name: 'Runaway',
      definition: jsonata('{% ( $f := function($n){ $f($n+1) }; $f(0) ) %}'),
    });
    const slowest = await watch.stop();

    // Assess
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(result.cause).toContain("specified for the field 'Output'");
    expect(result.cause).toContain('Evaluation timeout after 500 milliseconds');
    expect(result.lines).toEqual([
      'ExecutionStarted',
      'PassStateEntered Work',
      'EvaluationFailed States.QueryEvaluationError',
      'ExecutionFailed States.QueryEvaluationError',
    ]);
    expect(slowest).toBeLessThan(1000);
  }, 30_000);

  it('a JSONPath query that walks a large input runs off the thread too, and selects what it would here', async () => {
    // Prepare: close to the 256 KB input limit, 9,000 objects to walk.
    const service = localService();
    services.push(service);
    const items = Array.from({ length: 9000 }, (_, index) => ({
      a: index % 2,
      b: [1, { c: 'x' }],
    }));
    const watch = await servedAndWatched(service);

    // Act: `..` and a filter over every item (jsonpath-plus: 400 ms and 60 ms of work here).
    const result = await runMachine(
      service,
      {
        name: 'WideQuery',
        definition: {
          StartAt: 'Count',
          States: {
            Count: {
              Type: 'Pass',
              Parameters: {
                'all.$': 'States.ArrayLength($..*)',
                'cs.$': 'States.ArrayLength($..c)',
                'odd.$': 'States.ArrayLength($.items[?(@.a == 1)])',
                'first.$': '$.items[0:2]',
              },
              End: true,
            },
          },
        },
      },
      { items },
    );
    const slowest = await watch.stop();

    // Assess
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { all: 1 + 9000 * 6, cs: 9000, odd: 4500, first: items.slice(0, 2) },
    });
    expect(slowest).toBeLessThan(200);
  }, 30_000);

  it('a machine that loops through quick states holds no port, and fails at 25,000 history events', async () => {
    const service = localService();
    services.push(service);
    const watch = await servedAndWatched(service);

    const result = await runMachine(service, {
      name: 'Loop',
      definition: {
        StartAt: 'Again',
        States: {
          Again: { Type: 'Pass', Next: 'Check' },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }],
            Default: 'Again',
          },
          Done: { Type: 'Succeed' },
        },
      },
    });
    const slowest = await watch.stop();

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    // Ended where the next state would pass the limit: its ExecutionFailed event is the last.
    const size = service.execution(result.executionArn).history.size;
    expect(size).toBeGreaterThan(25_000);
    expect(size).toBeLessThanOrEqual(25_003);
    expect(result.cause).toContain('25000');
    expect(slowest).toBeLessThan(1000);
  }, 60_000);

  it('recursion without end fails at its depth budget; running out of memory costs the worker, not the platform', async () => {
    const service = localService({ jsonataBudget: { memoryMb: 64, workers: 1 } });
    services.push(service);

    const deep = await runMachine(service, {
      name: 'Deep',
      definition: jsonata('{% ( $f := function($n){ 1 + $f($n+1) }; $f(0) ) %}'),
    });
    const hungry = await runMachine(service, {
      name: 'Hungry',
      definition: jsonata("{% $count([1..10000000].($string($) & 'xxxxxxxxxxxxxxxx')) %}"),
    });
    const after = await runMachine(service, { name: 'After', definition: jsonata('{% 1 + 1 %}') });

    expect(deep).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(deep.cause).toContain('Stack overflow');
    expect(hungry).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect(after).toMatchObject({ status: 'SUCCEEDED', output: 2 });
  }, 60_000);
});
