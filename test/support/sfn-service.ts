/**
 * The local Step Functions service in-process, for tests of the language it runs: a state
 * machine of the test's own, run to its end, and its history as one line per event
 * (`TaskStateEntered Check Card`, `TaskFailed`, `MapIterationStarted 1`).
 */
import { readFileSync } from 'node:fs';
import { detailsField } from '../../local/aws/history-events.ts';
import type { HistoryEvent } from '../../local/emulators/sfn/history.ts';
import type { MockConfig } from '../../local/emulators/sfn/mock-config.ts';
import { type ServiceOptions, StepFunctionsService } from '../../local/emulators/sfn/service.ts';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/StatesExecutionRole';

/** A service with no real function behind it unless the test gives one; retries do not wait. */
export const localService = (options: Partial<ServiceOptions> = {}) =>
  new StepFunctionsService({
    region: 'us-east-1',
    accountId: '123456789012',
    retryDelayMs: 0,
    invokeFunction: async (name) => {
      throw new Error(`No function ${name} in this test`);
    },
    ...options,
  });

/** An event as one line: its type, then the state name or the Map iteration's index. */
export const lineOf = (event: HistoryEvent): string => {
  const details = event[detailsField(event.type)] as
    | { name?: string; index?: number; length?: number; error?: string }
    | undefined;
  if (event.type.startsWith('MapIteration')) return `${event.type} ${details?.index}`;
  if (event.type === 'MapStateStarted') return `${event.type} ${details?.length}`;
  if (/(Failed|TimedOut)$/.test(event.type) && details?.error) {
    return `${event.type} ${details.error}`;
  }
  return details?.name ? `${event.type} ${details.name}` : event.type;
};

/** A Task state that succeeds at first try, as its five lines. */
export const taskLines = (name: string) => [
  `TaskStateEntered ${name}`,
  'TaskScheduled',
  'TaskStarted',
  'TaskSucceeded',
  `TaskStateExited ${name}`,
];

/** Creates the machine (or reuses it), runs it on `input`, and waits for its end. */
export const runMachine = async (
  service: StepFunctionsService,
  machine: { name: string; definition: unknown; testCase?: string },
  input: unknown = {},
) => {
  const { stateMachineArn } = service.createStateMachine({
    name: machine.name,
    definition:
      typeof machine.definition === 'string'
        ? machine.definition
        : JSON.stringify(machine.definition),
    roleArn: ROLE_ARN,
  });
  const { executionArn } = service.startExecution({
    stateMachineArn: machine.testCase ? `${stateMachineArn}#${machine.testCase}` : stateMachineArn,
    input: JSON.stringify(input),
  });
  await service.execution(executionArn).done;
  const described = service.describeExecution(executionArn);
  const { events } = service.getExecutionHistory({ executionArn, maxResults: 1000 });
  return {
    executionArn,
    stateMachineArn,
    status: described.status,
    output: described.output === undefined ? undefined : JSON.parse(described.output),
    error: described.error,
    cause: described.cause,
    events,
    lines: events.map(lineOf),
  };
};

export const readJson = <T>(url: URL): T => JSON.parse(readFileSync(url, 'utf8')) as T;
export type { MockConfig };
