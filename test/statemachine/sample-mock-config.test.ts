/**
 * A state machine written the way AWS's mock-testing sample for Step Functions Local is (a
 * Parallel over two Lambda checks, optimized and aws-sdk integrations, a Retry on a service
 * exception, a Catch of each custom error), run with its own MockConfigFile: every test case
 * takes the path it is named after, with the exact history AWS writes. The same file holds a
 * second state machine's test cases (a Map), as Step Functions Local loads them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMockConfig } from '../../local/emulators/sfn/mock-config.ts';
import { localService, runMachine, taskLines } from '../support/sfn-service.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const service = localService({ mockConfig: readMockConfig(fixture('MockConfigFile.json')) });
const tripCheck = readFileSync(fixture('trip-check.asl.json'), 'utf8');
const input = {
  tripId: 'trip-0001',
  amount: 450,
  traveller: { id: 'traveller-1', passport: 'P1234567' },
  card: { last4: '4242' },
};

const task = taskLines;
/** The Parallel's start, up to the first check's call. */
const checksStart = [
  'ExecutionStarted',
  'ParallelStateEntered Validate Traveller',
  'ParallelStateStarted',
  'TaskStateEntered Check Passport',
  'TaskStateEntered Check Card',
  'TaskScheduled',
  'TaskStarted',
];
const bothChecksPass = [
  ...checksStart.slice(1),
  'TaskSucceeded',
  'TaskStateExited Check Passport',
  'TaskScheduled',
  'TaskStarted',
  'TaskSucceeded',
  'TaskStateExited Check Card',
  'ParallelStateSucceeded',
  'ParallelStateExited Validate Traveller',
];
const choice = ['ChoiceStateEntered Is Risk Acceptable?', 'ChoiceStateExited Is Risk Acceptable?'];
const run = (testCase: string) =>
  runMachine(service, { name: 'TripCheck', definition: tripCheck, testCase }, input);

describe('TripCheck with its MockConfigFile', () => {
  it('HappyPathTest: both checks pass, the risk is approved, the trip is saved and announced', async () => {
    const result = await run('HappyPathTest');

    expect(result.lines).toEqual([
      'ExecutionStarted',
      ...bothChecksPass,
      ...task('Score Risk'),
      ...choice,
      ...task('Save Trip Request'),
      ...task('Announce Trip'),
      'ExecutionSucceeded',
    ]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      ...input,
      checks: [{ valid: true }, { authorised: true }],
      risk: { outcome: 'approve' },
      announcement: { messageId: 'msg-0001' },
    });
  });

  it('HighRiskTest: a risk to review queues the trip and ends in the Succeed state', async () => {
    const result = await run('HighRiskTest');

    expect(result.lines).toEqual([
      'ExecutionStarted',
      ...bothChecksPass,
      ...task('Score Risk'),
      ...choice,
      ...task('Queue For Review'),
      'SucceedStateEntered Held For Review',
      'SucceedStateExited Held For Review',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toMatchObject({ risk: { outcome: 'review' } });
  });

  it('PassportRejectedCatchTest: the custom error fails the Parallel, its Catch reports it, the machine fails', async () => {
    const result = await run('PassportRejectedCatchTest');

    expect(result.lines).toEqual([
      ...checksStart,
      'TaskFailed PassportRejectedError',
      'ParallelStateFailed',
      'ParallelStateExited Validate Traveller',
      ...task('Report Passport Rejected'),
      'FailStateEntered Trip Rejected',
      'ExecutionFailed TripRejected',
    ]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'TripRejected' });
    const putEvents = result.events.find((event) => event.type === 'TaskScheduled');
    expect(putEvents).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke' },
    });
    const reported = result.events.filter((event) => event.type === 'TaskScheduled').at(-1);
    expect(reported?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'events',
      resource: 'putEvents',
    });
    expect(
      JSON.parse(
        String((reported?.taskScheduledEventDetails as { parameters?: string })?.parameters),
      ),
    ).toMatchObject({
      Entries: [
        {
          DetailType: 'PassportRejected',
          Detail: {
            Error: 'PassportRejectedError',
            Cause: 'The passport expires before the trip ends',
          },
        },
      ],
    });
  });

  it('CardRejectedCatchTest: the other branch fails, and the other Catch takes it', async () => {
    const result = await run('CardRejectedCatchTest');

    expect(result.lines).toEqual([
      ...checksStart,
      'TaskSucceeded',
      'TaskStateExited Check Passport',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed CardRejectedError',
      'ParallelStateFailed',
      'ParallelStateExited Validate Traveller',
      ...task('Report Card Rejected'),
      'FailStateEntered Trip Rejected',
      'ExecutionFailed TripRejected',
    ]);
  });

  it('RetryOnServiceExceptionTest: a Lambda error in a branch and two service exceptions are retried', async () => {
    const result = await run('RetryOnServiceExceptionTest');

    expect(result.lines).toEqual([
      ...checksStart,
      'TaskFailed Lambda.ServiceException',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Check Card',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Check Passport',
      'ParallelStateSucceeded',
      'ParallelStateExited Validate Traveller',
      'TaskStateEntered Score Risk',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed FraudDetector.InternalServerException',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed FraudDetector.InternalServerException',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Score Risk',
      ...choice,
      ...task('Save Trip Request'),
      ...task('Announce Trip'),
      'ExecutionSucceeded',
    ]);
    expect(result.output).toMatchObject({ risk: { outcome: 'approve' } });
  });
});

describe('a second state machine in the same MockConfigFile', () => {
  it('EveryItemPackedTest: a Map retries a throttled item and packs every item in order', async () => {
    const definition = {
      StartAt: 'Pack Everything',
      States: {
        'Pack Everything': {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 1,
          ItemSelector: { 'item.$': '$$.Map.Item.Value', 'position.$': '$$.Map.Item.Index' },
          ItemProcessor: {
            StartAt: 'Pack Item',
            States: {
              'Pack Item': {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: 'PackFunction', 'Payload.$': '$' },
                Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], MaxAttempts: 2 }],
                OutputPath: '$.Payload',
                End: true,
              },
            },
          },
          End: true,
        },
      },
    };

    const result = await runMachine(
      service,
      { name: 'PackingList', definition, testCase: 'EveryItemPackedTest' },
      { items: ['passport', 'tickets'] },
    );

    expect(result.lines).toEqual([
      'ExecutionStarted',
      'MapStateEntered Pack Everything',
      'MapStateStarted 2',
      'MapIterationStarted 0',
      'TaskStateEntered Pack Item',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed Lambda.TooManyRequestsException',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited Pack Item',
      'MapIterationSucceeded 0',
      'MapIterationStarted 1',
      ...task('Pack Item'),
      'MapIterationSucceeded 1',
      'MapStateSucceeded',
      'MapStateExited Pack Everything',
      'ExecutionSucceeded',
    ]);
    expect(result.output).toEqual([{ packed: true }, { packed: true }]);
  });
});
