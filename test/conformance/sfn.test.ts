/**
 * The Step Functions conformance suite: every case of test/conformance/sfn/ (a small machine
 * from AWS's documentation, its input, the documented result, the page) created and run
 * through the platform's Step Functions API with the AWS SDK, and its result compared with
 * the documented one. One platform for the file, the cases concurrent, retries without waits.
 *
 * Every case must pass; those of refused-offline.ts must be refused clearly at
 * CreateStateMachine, naming their state and field.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from 'vitest';
import { readHistory } from '../../local/aws/read-history.ts';
import type { Expected, Placeholder, SfnCase } from './sfn/case.ts';
import { ALL_CASES, CASE_FILES } from './sfn/index.ts';
import { type ConformancePlatform, ROLE_ARN, startConformancePlatform } from './sfn/platform.ts';
import { REFUSED_OFFLINE } from './sfn/refused-offline.ts';

let platform: ConformancePlatform;

beforeAll(async () => {
  platform = await startConformancePlatform();
});

afterAll(async () => {
  await platform?.close();
});

const EXECUTION_NAME = 'run';
const DEADLINE_MS = 15_000;

/** The execution's own values, which the `context` placeholders stand for. */
interface RunContext {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const isPlaceholder = (value: unknown): value is Placeholder =>
  typeof value === 'object' && value !== null && '$match' in value;

const satisfies = (actual: unknown, placeholder: Placeholder, context: RunContext) => {
  switch (placeholder.$match) {
    case 'uuid':
      return typeof actual === 'string' && UUID_V4.test(actual);
    case 'timestamp':
      return typeof actual === 'string' && ISO_8601.test(actual);
    case 'string':
      return typeof actual === 'string';
    case 'integer':
      return (
        Number.isInteger(actual) &&
        (actual as number) >= placeholder.min &&
        (actual as number) <= placeholder.max
      );
    case 'number':
      return typeof actual === 'number' && actual >= placeholder.min && actual < placeholder.max;
    case 'context':
      return actual === context[placeholder.field];
  }
};

/**
 * The expected value with each placeholder replaced by the actual value at its place when that
 * value fits it (and by a description of what was expected when it does not), so that one
 * toEqual compares the rest exactly and shows a readable difference.
 */
const resolve = (expected: Expected, actual: unknown, context: RunContext): unknown => {
  if (isPlaceholder(expected)) {
    return satisfies(actual, expected, context) ? actual : `<${JSON.stringify(expected)}>`;
  }
  if (Array.isArray(expected)) {
    return expected.map((item, index) =>
      resolve(item, Array.isArray(actual) ? actual[index] : undefined, context),
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    const fields = (typeof actual === 'object' && actual !== null ? actual : {}) as Record<
      string,
      unknown
    >;
    return Object.fromEntries(
      Object.entries(expected).map(([key, value]) => [key, resolve(value, fields[key], context)]),
    );
  }
  return expected;
};

const machineNames = new Map(ALL_CASES.map((c, index) => [c, `conformance-${index}`]));

interface Created {
  stateMachineArn?: string;
  refusal?: { name: string; message: string };
}

const create = async (c: SfnCase): Promise<Created> => {
  try {
    const { stateMachineArn } = await platform.sfn.send(
      new CreateStateMachineCommand({
        name: machineNames.get(c),
        definition: typeof c.definition === 'string' ? c.definition : JSON.stringify(c.definition),
        roleArn: ROLE_ARN,
      }),
    );
    return { stateMachineArn: stateMachineArn ?? '' };
  } catch (error) {
    const { name, message } = error as Error;
    return { refusal: { name, message } };
  }
};

const run = async (stateMachineArn: string, input: unknown) => {
  const { executionArn = '' } = await platform.sfn.send(
    new StartExecutionCommand({
      stateMachineArn,
      name: EXECUTION_NAME,
      input: JSON.stringify(input ?? {}),
    }),
  );
  const deadline = Date.now() + DEADLINE_MS;
  let description: DescribeExecutionCommandOutput;
  do {
    await new Promise((resolve) => setTimeout(resolve, 5));
    description = await platform.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (Date.now() > deadline) throw new Error(`${executionArn} still running`);
  } while (description.status === 'RUNNING');
  const events = await readHistory(platform.sfn, executionArn);
  return {
    executionArn,
    description,
    path: events
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => event.stateEnteredEventDetails?.name),
    attempts: events.filter(
      (event) => event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled',
    ).length,
  };
};

const check = async (c: SfnCase, expect: ExpectStatic) => {
  const created = await create(c);
  const offline = REFUSED_OFFLINE[c.name];
  if (offline) {
    expect(created.refusal?.name, 'refused offline at CreateStateMachine').toBe(
      'ValidationException',
    );
    expect(created.refusal?.message, 'the state refused').toContain(offline.state);
    expect(created.refusal?.message, 'the field refused').toContain(offline.field);
    return;
  }
  const expected = c.expect;
  if ('refused' in expected) {
    expect(
      created.refusal?.name,
      `CreateStateMachine refuses it (${created.refusal?.message})`,
    ).toBe('InvalidDefinition');
    if (expected.code) {
      expect(
        created.refusal?.message,
        `the diagnostic code: ${created.refusal?.message}`,
      ).toContain(expected.code);
    }
    return;
  }
  if ('rejected' in expected && created.refusal) {
    expect(created.refusal.name, 'refused as an invalid definition').toBe('InvalidDefinition');
    return;
  }
  expect(
    created.refusal,
    `CreateStateMachine accepts it (${created.refusal?.message})`,
  ).toBeUndefined();
  if ('accepted' in expected) return;

  const stateMachineArn = created.stateMachineArn ?? '';
  const result = await run(stateMachineArn, c.input);
  const { status, output, error, cause } = result.description;
  const outcome = `${status} ${error ?? ''} ${(cause ?? output ?? '').slice(0, 300)}`;
  if ('rejected' in expected) {
    expect(status, `the execution does not succeed: ${outcome}`).not.toBe('SUCCEEDED');
  } else if (expected.status === 'SUCCEEDED') {
    expect({ status, error, cause }, outcome).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    const actual = output === undefined ? undefined : JSON.parse(output);
    if ('satisfies' in expected) {
      expect(expected.satisfies.test(actual), `${expected.satisfies.rule}: ${output}`).toBe(true);
    } else {
      const context: RunContext = {
        executionArn: result.executionArn,
        executionName: EXECUTION_NAME,
        stateMachineArn,
        stateMachineName: machineNames.get(c) ?? '',
        roleArn: ROLE_ARN,
      };
      expect(actual, outcome).toEqual(resolve(expected.output, actual, context));
    }
  } else {
    expect({ status, error, cause }, outcome).toEqual({
      status: expected.status,
      error: 'error' in expected ? expected.error : error,
      cause: 'cause' in expected && expected.cause !== undefined ? expected.cause : cause,
    });
  }
  if (c.path) expect(result.path, `the states entered: ${result.path}`).toEqual(c.path);
  if (c.attempts !== undefined) {
    expect(result.attempts, `the task invocations: ${result.attempts}`).toBe(c.attempts);
  }
};

describe('the conformance cases', () => {
  it('have unique names, a documentation page each, and lists that name only cases', () => {
    const names = ALL_CASES.map((c) => c.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    expect(
      ALL_CASES.filter(
        (c) =>
          !/^https:\/\/(docs\.aws\.amazon\.com\/step-functions\/latest\/|states-language\.net\/)/.test(
            c.page,
          ),
      ).map((c) => c.name),
    ).toEqual([]);
    const known = new Set(names);
    expect(Object.keys(REFUSED_OFFLINE).filter((name) => !known.has(name))).toEqual([]);
  });
});

for (const file of CASE_FILES) {
  describe.concurrent(file.title, () => {
    for (const c of file.cases) {
      it(c.name, ({ expect }) => check(c, expect));
    }
  });
}
