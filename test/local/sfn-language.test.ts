/**
 * The language the local Step Functions runs, one state machine of the test's own per feature:
 * Parallel and Map (with Retry and Catch inside branches and iterations), a Lambda function ARN
 * as Resource, the DynamoDB optimized integrations against the emulated DynamoDB, integrations
 * that run from mocks only, what CreateStateMachine refuses, the MockConfigFile's checks, and
 * DeleteStateMachine with a running execution. Each asserts the exact history and the output.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readMockConfig } from '../../local/emulators/sfn/mock-config.ts';
import type { TaskInvocation } from '../../local/emulators/sfn/service.ts';
import { lineOf, localService, ROLE_ARN, runMachine, taskLines } from '../support/sfn-service.ts';
import { startTestStack } from '../support/stack.ts';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Echo';

/** A function that fails with `errorType` on the calls listed, and echoes its payload otherwise. */
const echoFailing = (failOn: Record<number, string> = {}) => {
  let calls = 0;
  return async (_name: string, payload: unknown): Promise<TaskInvocation> => {
    const call = calls++;
    const errorType = failOn[call];
    if (errorType) {
      return { ok: false, error: { errorType, errorMessage: 'failed on purpose', trace: [] } };
    }
    return { ok: true, payload: { echoed: payload }, requestId: `request-${call}` };
  };
};

describe('Parallel', () => {
  it('runs its branches, retries and catches inside a branch, and returns their outputs in order', async () => {
    // Prepare: the first call fails and is retried, the second fails and is caught in its branch.
    const service = localService({
      invokeFunction: echoFailing({ 0: 'Lambda.ServiceException', 1: 'SeatTaken' }),
    });
    const definition = {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Hold',
              States: {
                Hold: {
                  Type: 'Task',
                  Resource: FUNCTION_ARN,
                  Retry: [{ ErrorEquals: ['Lambda.ServiceException'], MaxAttempts: 1 }],
                  Catch: [{ ErrorEquals: ['SeatTaken'], ResultPath: '$.why', Next: 'Taken' }],
                  End: true,
                },
                Taken: { Type: 'Pass', Result: 'taken', End: true },
              },
            },
            { StartAt: 'Note', States: { Note: { Type: 'Pass', Result: 'noted', End: true } } },
          ],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };

    // Act
    const result = await runMachine(
      service,
      { name: 'ParallelRetryCatch', definition },
      { seat: 1 },
    );

    // Assess
    expect(result.lines).toEqual([
      'ExecutionStarted',
      'ParallelStateEntered Both',
      'ParallelStateStarted',
      'TaskStateEntered Hold',
      'PassStateEntered Note',
      'PassStateExited Note',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed Lambda.ServiceException',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed SeatTaken',
      'TaskStateExited Hold',
      'PassStateEntered Taken',
      'PassStateExited Taken',
      'ParallelStateSucceeded',
      'ParallelStateExited Both',
      'SucceedStateEntered Done',
      'SucceedStateExited Done',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toEqual(['taken', 'noted']);
    expect(result.events.find((event) => event.type === 'LambdaFunctionScheduled')).toMatchObject({
      lambdaFunctionScheduledEventDetails: { resource: FUNCTION_ARN, input: '{"seat":1}' },
    });
  });
});

describe('Map', () => {
  const mapOver = (itemState: Record<string, unknown>, catchTo?: string) => ({
    StartAt: 'EachRoom',
    States: {
      EachRoom: {
        Type: 'Map',
        ItemsPath: '$.rooms',
        ItemSelector: { 'room.$': '$$.Map.Item.Value', 'guest.$': '$.guest' },
        MaxConcurrency: 1,
        ItemProcessor: { StartAt: 'Book', States: { Book: { ...itemState, End: true } } },
        ...(catchTo
          ? {
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: catchTo }],
              Next: catchTo,
            }
          : { End: true }),
      },
      ...(catchTo ? { [catchTo]: { Type: 'Pass', End: true } } : {}),
    },
  });

  it('runs one iteration per item of ItemsPath, with ItemSelector, and collects the results', async () => {
    const service = localService({ invokeFunction: echoFailing() });

    const result = await runMachine(
      service,
      {
        name: 'MapEach',
        definition: mapOver({ Type: 'Task', Resource: FUNCTION_ARN, OutputPath: '$.echoed' }),
      },
      { guest: 'Ada', rooms: [101, 102, 103] },
    );

    const iteration = (index: number) => [
      `MapIterationStarted ${index}`,
      'TaskStateEntered Book',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited Book',
      `MapIterationSucceeded ${index}`,
    ];
    expect(result.lines).toEqual([
      'ExecutionStarted',
      'MapStateEntered EachRoom',
      'MapStateStarted 3',
      ...iteration(0),
      ...iteration(1),
      ...iteration(2),
      'MapStateSucceeded',
      'MapStateExited EachRoom',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toEqual([
      { room: 101, guest: 'Ada' },
      { room: 102, guest: 'Ada' },
      { room: 103, guest: 'Ada' },
    ]);
  });

  it('a failed iteration fails the Map, whose Catch takes the error', async () => {
    const service = localService({ invokeFunction: echoFailing({ 1: 'RoomGone' }) });

    const result = await runMachine(
      service,
      {
        name: 'MapCatch',
        definition: mapOver({ Type: 'Task', Resource: FUNCTION_ARN }, 'Sorry'),
      },
      { guest: 'Ada', rooms: [101, 102, 103] },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'MapStateEntered EachRoom',
      'MapStateStarted 3',
      'MapIterationStarted 0',
      'TaskStateEntered Book',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited Book',
      'MapIterationSucceeded 0',
      'MapIterationStarted 1',
      'TaskStateEntered Book',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionFailed RoomGone',
      'MapIterationFailed 1',
      'MapStateFailed',
      'MapStateExited EachRoom',
      'PassStateEntered Sorry',
      'PassStateExited Sorry',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toMatchObject({ error: { Error: 'RoomGone' } });
  });

  it.each([
    ['JSONPath', { 'i.$': '$$.Map.Item.Index' }, 'caught'],
    ['JSONata', { i: '{% $states.context.Map.Item.Index %}' }, undefined],
  ])(
    '%s: a Parallel caught in one iteration leaves the iteration running beside it alone',
    async (language, itemSelector, caughtOutput) => {
      // Prepare: the first iteration's call fails, the second's succeeds; both run at once.
      const service = localService({
        invokeFunction: async (_name, payload): Promise<TaskInvocation> =>
          (payload as { i: number }).i === 0
            ? { ok: false, error: { errorType: 'Nope', errorMessage: 'no', trace: [] } }
            : { ok: true, payload: 'ok', requestId: 'r' },
      });
      const definition = {
        ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}),
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemSelector: itemSelector,
            ItemProcessor: {
              StartAt: 'Both',
              States: {
                Both: {
                  Type: 'Parallel',
                  Branches: [
                    {
                      StartAt: 'Call',
                      States: { Call: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
                    },
                  ],
                  Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
                  End: true,
                },
                Caught: {
                  Type: 'Pass',
                  ...(caughtOutput ? { Result: caughtOutput } : {}),
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      };

      // Act
      const result = await runMachine(
        service,
        { name: `MapParallel${language}`, definition },
        [1, 2],
      );

      // Assess: the second iteration's Parallel succeeds, though the first one's failed. How the
      // two iterations' events interleave is not AWS's to promise (they run at once): each
      // iteration's own events are in order, and the Map ends after both.
      const inOrder = (...lines: string[]) => {
        const at = lines.map((line) => result.lines.indexOf(line));
        expect(
          at.every((index, i) => index >= 0 && (i === 0 || index > (at[i - 1] as number))),
        ).toBe(true);
      };
      expect(result.lines.slice(0, 5)).toEqual([
        'ExecutionStarted',
        'MapStateEntered Each',
        'MapStateStarted 2',
        'MapIterationStarted 0',
        'MapIterationStarted 1',
      ]);
      expect([...result.lines].sort()).toEqual(
        [
          ...['ExecutionStarted', 'MapStateEntered Each', 'MapStateStarted 2'],
          ...['MapIterationStarted 0', 'MapIterationStarted 1'],
          ...['ParallelStateEntered Both', 'ParallelStateStarted', 'TaskStateEntered Call'],
          ...['ParallelStateEntered Both', 'ParallelStateStarted', 'TaskStateEntered Call'],
          ...['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed Nope'],
          ...['ParallelStateFailed', 'ParallelStateExited Both', 'PassStateEntered Caught'],
          ...['PassStateExited Caught', 'MapIterationSucceeded 0'],
          ...['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded'],
          ...['TaskStateExited Call', 'ParallelStateSucceeded', 'ParallelStateExited Both'],
          ...['MapIterationSucceeded 1', 'MapStateSucceeded', 'MapStateExited Each'],
          'ExecutionSucceeded',
        ].sort(),
      );
      inOrder(
        'LambdaFunctionFailed Nope',
        'ParallelStateFailed',
        'PassStateEntered Caught',
        'MapIterationSucceeded 0',
      );
      inOrder('LambdaFunctionSucceeded', 'ParallelStateSucceeded', 'MapIterationSucceeded 1');
      expect(result.lines.slice(-3)).toEqual([
        'MapStateSucceeded',
        'MapStateExited Each',
        'ExecutionSucceeded',
      ]);
      expect(result.output[1]).toEqual(['ok']);
      expect(result.output[0]).toEqual(
        caughtOutput ?? { Error: 'Nope', Cause: expect.stringContaining('"errorType":"Nope"') },
      );
    },
  );

  it('an empty array runs no iteration', async () => {
    const service = localService();

    const result = await runMachine(
      service,
      { name: 'MapEmpty', definition: mapOver({ Type: 'Pass' }) },
      { guest: 'Ada', rooms: [] },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'MapStateEntered EachRoom',
      'MapStateStarted 0',
      'MapStateSucceeded',
      'MapStateExited EachRoom',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toEqual([]);
  });
});

describe('DynamoDB optimized integrations, against the emulated DynamoDB', () => {
  const endpoint = inject('dynamodbEndpoint');
  const dynamodb = new DynamoDBClient({ endpoint });
  afterAll(() => dynamodb.destroy());
  const service = localService({ dynamodbEndpoint: endpoint });
  const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'NOTE' } });
  const definition = {
    StartAt: 'Put',
    States: {
      Put: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Parameters: {
          TableName: 'BookingsTable',
          Item: { pk: { 'S.$': '$.pk' }, sk: { S: 'NOTE' }, note: { 'S.$': '$.note' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
        Catch: [
          {
            ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
            ResultPath: '$.conflict',
            Next: 'Get',
          },
        ],
        ResultPath: null,
        Next: 'Update',
      },
      Update: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: {
          TableName: 'BookingsTable',
          Key: { pk: { 'S.$': '$.pk' }, sk: { S: 'NOTE' } },
          UpdateExpression: 'SET seen = :yes',
          ExpressionAttributeValues: { ':yes': { BOOL: true } },
        },
        ResultPath: null,
        Next: 'Get',
      },
      Get: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: {
          TableName: 'BookingsTable',
          Key: { pk: { 'S.$': '$.pk' }, sk: { S: 'NOTE' } },
        },
        ResultSelector: { 'item.$': '$.Item' },
        ResultPath: '$.read',
        End: true,
      },
    },
  };

  it('putItem, updateItem and getItem run for real; a failed condition is caught by its AWS name', async () => {
    const pk = `note-${randomUUID()}`;

    const first = await runMachine(service, { name: 'NoteWriter', definition }, { pk, note: 'hi' });
    const second = await runMachine(
      service,
      { name: 'NoteWriter', definition },
      { pk, note: 'again' },
    );

    expect(first.lines).toEqual([
      'ExecutionStarted',
      ...taskLines('Put'),
      ...taskLines('Update'),
      ...taskLines('Get'),
      'ExecutionSucceeded',
    ]);
    expect(first.events[2]).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'dynamodb', resource: 'putItem' },
    });
    expect(first.output.read.item).toEqual({
      ...key(pk),
      note: { S: 'hi' },
      seen: { BOOL: true },
    });
    expect(second.lines).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Put',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed DynamoDB.ConditionalCheckFailedException',
      'TaskStateExited Put',
      ...taskLines('Get'),
      'ExecutionSucceeded',
    ]);
    expect(second.output.conflict.Cause).toContain('Error Code: ConditionalCheckFailedException');
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: 'BookingsTable', Key: key(pk) }),
    );
    expect(Item?.note).toEqual({ S: 'hi' });
  });

  it('deleteItem removes the item', async () => {
    const pk = `note-${randomUUID()}`;
    await runMachine(service, { name: 'NoteWriter', definition }, { pk, note: 'bye' });

    const result = await runMachine(
      service,
      {
        name: 'NoteDeleter',
        definition: {
          StartAt: 'Delete',
          States: {
            Delete: {
              Type: 'Task',
              Resource: 'arn:aws:states:::dynamodb:deleteItem',
              Parameters: { TableName: 'BookingsTable', Key: key(pk) },
              End: true,
            },
          },
        },
      },
      {},
    );

    expect(result.status).toBe('SUCCEEDED');
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: 'BookingsTable', Key: key(pk) }),
    );
    expect(Item).toBeUndefined();
  });
});

describe('integrations the platform runs from mocks only', () => {
  const publish = {
    StartAt: 'Announce',
    States: {
      Announce: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:trips', 'Message.$': '$.text' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  };

  it('without a mocked response, the execution fails (no Catch can take it) naming the state and the missing mock', async () => {
    const service = localService();

    const result = await runMachine(
      service,
      { name: 'Announcer', definition: publish },
      { text: 'hi' },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Announce',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed States.Runtime',
      'ExecutionFailed States.Runtime',
    ]);
    expect(result.cause).toContain(
      'State Announce: the offline platform runs arn:aws:states:::sns:publish only from a mocked response',
    );
  });

  it('with a mocked response, the Return is the task result', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mock-config-'));
    const path = join(folder, 'MockConfigFile.json');
    writeFileSync(
      path,
      JSON.stringify({
        StateMachines: { Announcer: { TestCases: { Published: { Announce: 'Published' } } } },
        MockedResponses: { Published: { '0': { Return: { MessageId: 'm-1' } } } },
      }),
    );
    const service = localService({ mockConfig: readMockConfig(path) });
    rmSync(folder, { recursive: true, force: true });

    const result = await runMachine(
      service,
      { name: 'Announcer', definition: publish, testCase: 'Published' },
      { text: 'hi' },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      ...taskLines('Announce'),
      'ExecutionSucceeded',
    ]);
    expect(result.events[2]).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'sns', resource: 'publish' },
    });
    expect(result.output).toEqual({ MessageId: 'm-1' });
  });
});

describe('JSONata with variables', () => {
  it("Output is the state's output: {% $states.input.a + 1 %} on {a: 1} gives 2", async () => {
    const result = await runMachine(
      localService(),
      {
        name: 'JsonataOutput',
        definition: {
          QueryLanguage: 'JSONata',
          StartAt: 'AddOne',
          States: { AddOne: { Type: 'Pass', Output: '{% $states.input.a + 1 %}', End: true } },
        },
      },
      { a: 1 },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'PassStateEntered AddOne',
      'PassStateExited AddOne',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toBe(2);
  });

  it('Assign, Items, ItemSelector, Arguments, Condition, Parallel, Retry and Catch with Output and Assign', async () => {
    // Prepare: the Charge function fails its third call once (retried), the Refund function always.
    let charges = 0;
    const service = localService({
      invokeFunction: async (name, payload): Promise<TaskInvocation> => {
        if (name === 'Charge' && charges++ === 2) {
          return {
            ok: false,
            error: { errorType: 'Lambda.ServiceException', errorMessage: 'busy', trace: [] },
          };
        }
        if (name === 'Refund') {
          return {
            ok: false,
            error: { errorType: 'RefundRefused', errorMessage: 'no', trace: [] },
          };
        }
        return { ok: true, payload: { charged: payload }, requestId: `r-${charges}` };
      },
    });
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Total',
      States: {
        Total: {
          Type: 'Pass',
          Assign: { total: '{% $sum($states.input.prices) %}', currency: 'EUR' },
          Next: 'ChargeEach',
        },
        ChargeEach: {
          Type: 'Map',
          Items: '{% $states.input.prices %}',
          MaxConcurrency: 1,
          ItemSelector: {
            amount: '{% $states.context.Map.Item.Value %}',
            currency: '{% $currency %}',
          },
          ItemProcessor: {
            StartAt: 'Charge',
            States: {
              Charge: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Arguments: { FunctionName: 'Charge', Payload: '{% $states.input %}' },
                Retry: [{ ErrorEquals: ['Lambda.ServiceException'], MaxAttempts: 1 }],
                Output: '{% $states.result.Payload.charged.amount %}',
                End: true,
              },
            },
          },
          Assign: { charged: '{% $sum($states.result) %}' },
          Next: 'AllCharged?',
        },
        'AllCharged?': {
          Type: 'Choice',
          Choices: [
            {
              Condition: '{% $charged = $total %}',
              Output: { total: '{% $total %}' },
              Next: 'Receipts',
            },
          ],
          Default: 'Mismatch',
        },
        Receipts: {
          Type: 'Parallel',
          Arguments: { total: '{% $states.input.total %}', currency: '{% $currency %}' },
          Branches: [
            {
              StartAt: 'Text',
              States: {
                Text: {
                  Type: 'Pass',
                  Output: '{% $string($states.input.total) & " " & $states.input.currency %}',
                  End: true,
                },
              },
            },
          ],
          Output: '{% $states.result[0] %}',
          Assign: { receipt: '{% $states.result[0] %}' },
          Next: 'Refund',
        },
        Refund: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'Refund', Payload: { receipt: '{% $receipt %}' } },
          Catch: [
            {
              ErrorEquals: ['States.TaskFailed'],
              Assign: { refundError: '{% $states.errorOutput.Error %}' },
              // $refundError is not assigned yet here ($exists guards it: nothing is an error).
              Output: {
                receipt: '{% $receipt %}',
                refund: "{% $exists($refundError) ? $refundError : 'unset' %}",
              },
              Next: 'Done',
            },
          ],
          Next: 'Done',
        },
        Done: {
          Type: 'Succeed',
          Output: {
            receipt: '{% $states.input.receipt %}',
            refundError: '{% $refundError %}',
            refundBefore: '{% $states.input.refund %}',
          },
        },
        Mismatch: {
          Type: 'Fail',
          Error: 'Mismatch',
          Cause: '{% "charged " & $string($charged) %}',
        },
      },
    };

    // Act
    const result = await runMachine(
      service,
      { name: 'JsonataAll', definition },
      { prices: [5, 7, 8] },
    );

    // Assess
    const charge = (index: number, retried = false) => [
      `MapIterationStarted ${index}`,
      'TaskStateEntered Charge',
      'TaskScheduled',
      'TaskStarted',
      ...(retried ? ['TaskFailed Lambda.ServiceException', 'TaskScheduled', 'TaskStarted'] : []),
      'TaskSucceeded',
      'TaskStateExited Charge',
      `MapIterationSucceeded ${index}`,
    ];
    expect(result.lines).toEqual([
      'ExecutionStarted',
      'PassStateEntered Total',
      'PassStateExited Total',
      'MapStateEntered ChargeEach',
      'MapStateStarted 3',
      ...charge(0),
      ...charge(1),
      ...charge(2, true),
      'MapStateSucceeded',
      'MapStateExited ChargeEach',
      'ChoiceStateEntered AllCharged?',
      'ChoiceStateExited AllCharged?',
      'ParallelStateEntered Receipts',
      'ParallelStateStarted',
      'PassStateEntered Text',
      'PassStateExited Text',
      'ParallelStateSucceeded',
      'ParallelStateExited Receipts',
      'TaskStateEntered Refund',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed RefundRefused',
      'TaskStateExited Refund',
      'SucceedStateEntered Done',
      'SucceedStateExited Done',
      'ExecutionSucceeded',
    ]);
    // The Catch's Output was evaluated before its Assign took effect: refund is still unset then.
    expect(result.output).toEqual({
      receipt: '20 EUR',
      refundError: 'RefundRefused',
      refundBefore: 'unset',
    });
    const mapExit = result.events.find((event) => event.type === 'MapStateExited');
    expect(
      JSON.parse(String((mapExit?.stateExitedEventDetails as { output?: string })?.output)),
    ).toEqual([5, 7, 8]);
  });

  it('Wait with an expression, a Choice that takes its Default, and an expression that fails with States.QueryEvaluationError', async () => {
    const result = await runMachine(
      localService(),
      {
        name: 'JsonataWaitChoice',
        definition: {
          QueryLanguage: 'JSONata',
          StartAt: 'Pause',
          States: {
            Pause: { Type: 'Wait', Seconds: '{% $states.input.pause %}', Next: 'Route' },
            Route: {
              Type: 'Choice',
              Choices: [{ Condition: '{% $states.input.pause > 5 %}', Next: 'Long' }],
              Default: 'Broken',
            },
            Long: { Type: 'Succeed' },
            Broken: {
              Type: 'Pass',
              Output: '{% $number("not a number") %}',
              Next: 'Long',
            },
          },
        },
      },
      { pause: 0 },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'WaitStateEntered Pause',
      'WaitStateExited Pause',
      'ChoiceStateEntered Route',
      'ChoiceStateExited Route',
      'PassStateEntered Broken',
      'EvaluationFailed States.QueryEvaluationError',
      'ExecutionFailed States.QueryEvaluationError',
    ]);
    expect(result.cause).toContain('$number("not a number")');
  });

  it('a Fail state in a JSONata machine fails the execution with its evaluated Error and Cause', async () => {
    const result = await runMachine(
      localService(),
      {
        name: 'JsonataFail',
        definition: {
          QueryLanguage: 'JSONata',
          StartAt: 'Check',
          States: {
            Check: { Type: 'Pass', Assign: { n: '{% $states.input.n %}' }, Next: 'Stop' },
            Stop: { Type: 'Fail', Error: 'TooMany', Cause: '{% "n was " & $string($n) %}' },
          },
        },
      },
      { n: 3 },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'PassStateEntered Check',
      'PassStateExited Check',
      'FailStateEntered Stop',
      'ExecutionFailed TooMany',
    ]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'TooMany', cause: 'n was 3' });
    expect(result.events[2]).toMatchObject({
      type: 'PassStateExited',
      stateExitedEventDetails: {
        assignedVariables: { n: '3' },
        assignedVariablesDetails: { truncated: false },
      },
    });
  });
});

describe('JSONata executions end as AWS ends them', () => {
  const waiting = {
    QueryLanguage: 'JSONata',
    StartAt: 'Hang',
    States: { Hang: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
  };

  it('StopExecution aborts a running JSONata execution', async () => {
    // Stopped once its task is running: when the function is called, not after a guessed wait.
    const { promise: called, resolve: calling } = Promise.withResolvers<void>();
    const service = localService({
      invokeFunction: () => {
        calling();
        return new Promise<TaskInvocation>(() => undefined);
      },
    });
    const { stateMachineArn } = service.createStateMachine({
      name: 'JsonataStop',
      definition: JSON.stringify(waiting),
      roleArn: ROLE_ARN,
    });
    const { executionArn } = service.startExecution({ stateMachineArn });
    await called;

    service.stopExecution({ executionArn, error: 'Operator', cause: 'stopped by hand' });
    await service.execution(executionArn).done;

    expect(service.describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Operator',
      cause: 'stopped by hand',
    });
    expect(service.getExecutionHistory({ executionArn }).events.map(lineOf)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Hang',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'ExecutionAborted',
    ]);
  });
});

describe('CreateStateMachine refuses what AWS refuses (InvalidDefinition), and what the platform does not run (ValidationException), naming the field and the state', () => {
  const service = localService();
  const one = (state: Record<string, unknown>, top: Record<string, unknown> = {}) =>
    JSON.stringify({ ...top, StartAt: 'Only', States: { Only: { ...state, End: true } } });

  it.each([
    [
      'a JSONPath state in a JSONata state machine',
      one({ Type: 'Pass', QueryLanguage: 'JSONPath' }, { QueryLanguage: 'JSONata' }),
      'InvalidDefinition',
      "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/Only",
    ],
    [
      "a JSONPath field in a JSONata machine's state",
      one({ Type: 'Pass', Result: 1 }, { QueryLanguage: 'JSONata' }),
      'InvalidDefinition',
      'at /States/Only/Result',
    ],
    [
      "a JSONPath field in a JSONata machine's Catch",
      one(
        {
          Type: 'Task',
          Resource: FUNCTION_ARN,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Only' }],
        },
        { QueryLanguage: 'JSONata' },
      ),
      'InvalidDefinition',
      'at /States/Only/Catch/0/ResultPath',
    ],
    [
      'a Distributed Map',
      one({
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Inner',
          States: { Inner: { Type: 'Pass', End: true } },
        },
      }),
      'ValidationException',
      "State 'Only': field 'ItemProcessor.ProcessorConfig.Mode'",
    ],
    [
      'an activity',
      one({ Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:Approve' }),
      'ValidationException',
      "State 'Only': field 'Resource'",
    ],
  ])('%s', (_case, definition, type, message) => {
    expect(() =>
      service.createStateMachine({
        name: `Refused-${randomUUID()}`,
        definition,
        roleArn: ROLE_ARN,
      }),
    ).toThrow(expect.objectContaining({ type, message: expect.stringContaining(message) }));
    expect(service.listStateMachines().stateMachines).toEqual([]);
  });
});

describe('what AWS runs and the platform used to refuse', () => {
  it('a JSONata state in a JSONPath state machine, and variables in JSONPath states and a Map iteration', async () => {
    const result = await runMachine(
      localService(),
      {
        name: 'MixedLanguages',
        definition: {
          StartAt: 'Count',
          States: {
            Count: { Type: 'Pass', Assign: { 'n.$': '$.n', label: 'rooms' }, Next: 'Double' },
            Double: {
              Type: 'Pass',
              QueryLanguage: 'JSONata',
              Output: '{% [1..$n] %}',
              Next: 'Each',
            },
            Each: {
              Type: 'Map',
              ItemProcessor: {
                StartAt: 'Name',
                States: {
                  Name: {
                    Type: 'Pass',
                    Assign: { 'item.$': '$' },
                    Parameters: { 'text.$': "States.Format('{} {}', $label, $)" },
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
      },
      { n: 2 },
    );

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([{ text: 'rooms 1' }, { text: 'rooms 2' }]);
  });
});

describe('MockConfigFile checks, as Step Functions Local refuses a bad file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'mock-config-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const write = (content: unknown) => {
    const path = join(folder, `${randomUUID()}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const machines = { M: { TestCases: { T: { S: 'R' } } } };

  it.each([
    ['a missing file', join(folder, 'missing.json'), 'cannot be read'],
    ['bad JSON', write('{ "StateMachines": '), 'is not valid JSON'],
    [
      'no MockedResponses',
      write({ StateMachines: machines }),
      'has StateMachines and MockedResponses',
    ],
    [
      'an undefined response',
      write({ StateMachines: machines, MockedResponses: {} }),
      'M#T maps S to undefined R',
    ],
    [
      'both Return and Throw',
      write({
        StateMachines: machines,
        MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E' } } } },
      }),
      'must have either Return or Throw',
    ],
    [
      'a Throw without its Error',
      write({
        StateMachines: machines,
        MockedResponses: { R: { '0': { Throw: { Cause: 'c' } } } },
      }),
      'Throw must have an Error string',
    ],
    [
      'two responses for one invocation',
      write({
        StateMachines: machines,
        MockedResponses: { R: { '0-2': { Return: 1 }, '2': { Return: 2 } } },
      }),
      'two responses for invocation 2',
    ],
    [
      'a bad range',
      write({ StateMachines: machines, MockedResponses: { R: { '3-1': { Return: 1 } } } }),
      'ends before it starts',
    ],
  ])('%s is refused with a message naming the file', (_case, path, message) => {
    expect(() => readMockConfig(path)).toThrow(message);
    expect(() => readMockConfig(path)).toThrow(path);
  });

  it('ranges N-M answer each invocation they cover; past the last one the execution fails', async () => {
    const path = write({
      StateMachines: {
        Flaky: { TestCases: { TwiceThenOk: { Call: 'TwiceThenOk' } } },
      },
      MockedResponses: {
        TwiceThenOk: {
          '0-1': { Throw: { Error: 'Busy', Cause: 'try later' } },
          '2': { Return: { ok: true } },
        },
      },
    });
    const service = localService({ mockConfig: readMockConfig(path) });
    const call = (maxAttempts: number) => ({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Parameters: { Bucket: 'b', Key: 'k' },
          Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: maxAttempts }],
          End: true,
        },
      },
    });

    const ok = await runMachine(service, {
      name: 'Flaky',
      definition: call(2),
      testCase: 'TwiceThenOk',
    });

    expect(ok.lines).toEqual([
      'ExecutionStarted',
      'TaskStateEntered Call',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed Busy',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed Busy',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Call',
      'ExecutionSucceeded',
    ]);
    expect(ok.events[2]).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'aws-sdk:s3', resource: 'getObject' },
    });
    expect(ok.output).toEqual({ ok: true });
  });

  it('SFN_MOCK_CONFIG naming a missing file stops start-up with a clear message', async () => {
    const missing = join(folder, 'not-there.json');

    await expect(
      startTestStack({
        stepFunctions: { mockConfigPath: missing },
        dynamodb: { endpoint: inject('dynamodbEndpoint') },
      }),
    ).rejects.toThrow(`Mock configuration ${missing} cannot be read`);
  });
});

describe('the API as AWS answers it', () => {
  it('DeleteStateMachine with a running execution marks it DELETING until the execution ends', async () => {
    // The execution runs until `finish`, which exists once its function is called.
    const { promise: called, resolve: calling } =
      Promise.withResolvers<(value: TaskInvocation) => void>();
    const service = localService({
      invokeFunction: () => new Promise<TaskInvocation>((resolve) => calling(resolve)),
    });
    const { stateMachineArn, creationDate } = service.createStateMachine({
      name: 'SlowOne',
      definition: JSON.stringify({
        StartAt: 'Wait',
        States: { Wait: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
      }),
      roleArn: ROLE_ARN,
    });
    const { executionArn } = service.startExecution({ stateMachineArn });
    const finish = await called;

    service.deleteStateMachine(stateMachineArn);
    const whileRunning = service.describeStateMachine(stateMachineArn);
    const forExecution = service.describeStateMachineForExecution(executionArn);
    expect(() => service.startExecution({ stateMachineArn })).toThrow(
      expect.objectContaining({ type: 'StateMachineDeleting' }),
    );
    finish({ ok: true, payload: 'done', requestId: 'r' });
    await service.execution(executionArn).done;

    expect(whileRunning.status).toBe('DELETING');
    expect(forExecution.updateDate).toEqual(creationDate);
    expect(service.describeExecution(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '"done"',
    });
    expect(() => service.describeStateMachine(stateMachineArn)).toThrow(
      expect.objectContaining({ type: 'StateMachineDoesNotExist' }),
    );
  });

  it('DeleteStateMachine with no running execution deletes at once', () => {
    const service = localService();
    const { stateMachineArn } = service.createStateMachine({
      name: 'Idle',
      definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
      roleArn: ROLE_ARN,
    });

    service.deleteStateMachine(stateMachineArn);

    expect(service.listStateMachines().stateMachines).toEqual([]);
  });
});
