/**
 * Step Functions Local's mock configuration (MockConfigFile.json): test cases that replace the
 * result of named Task states by mocked responses, one per invocation ("0", "1-2", ...).
 * StartExecution on `<stateMachineArn>#<TestCase>` runs with that test case; a state the test
 * case does not name runs for real.
 */
import { readFileSync } from 'node:fs';

export type MockedResponse = { Return: unknown } | { Throw: { Error: string; Cause?: string } };

export interface MockConfig {
  StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses: Record<string, Record<string, MockedResponse>>;
}

/** The mocked responses of one test case, by state name, for one execution. */
export interface TestCase {
  name: string;
  /** The mocked response for the `invocation`-th call (0-based) of `state`, if it is mocked. */
  responseFor(state: string, invocation: number): MockedResponse | undefined | 'missing';
}

const parseRange = (key: string): [number, number] => {
  const match = /^(\d+)(?:-(\d+))?$/.exec(key);
  if (!match) throw new Error(`Mocked response key "${key}" is not "N" or "N-M"`);
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (to < from) throw new Error(`Mocked response key "${key}" ends before it starts`);
  return [from, to];
};

/** Reads and checks a mock configuration: every test case names defined responses. */
export const readMockConfig = (path: string): MockConfig => {
  const config = JSON.parse(readFileSync(path, 'utf8')) as MockConfig;
  if (typeof config.StateMachines !== 'object' || typeof config.MockedResponses !== 'object') {
    throw new Error(`${path}: a mock configuration has StateMachines and MockedResponses`);
  }
  for (const [machine, { TestCases }] of Object.entries(config.StateMachines)) {
    for (const [testCase, states] of Object.entries(TestCases ?? {})) {
      for (const [state, response] of Object.entries(states)) {
        if (!config.MockedResponses[response]) {
          throw new Error(`${path}: ${machine}#${testCase} maps ${state} to undefined ${response}`);
        }
      }
    }
  }
  for (const [name, responses] of Object.entries(config.MockedResponses)) {
    for (const [key, response] of Object.entries(responses)) {
      parseRange(key);
      if (!('Return' in response) && !('Throw' in response)) {
        throw new Error(`${path}: ${name}["${key}"] must have Return or Throw`);
      }
    }
  }
  return config;
};

/** The test case `name` of state machine `machine`, or undefined if the file has none such. */
export const testCaseOf = (
  config: MockConfig,
  machine: string,
  name: string,
): TestCase | undefined => {
  const states = config.StateMachines[machine]?.TestCases?.[name];
  if (!states) return undefined;
  return {
    name,
    responseFor: (state, invocation) => {
      const responseName = states[state];
      if (responseName === undefined) return undefined;
      for (const [key, response] of Object.entries(config.MockedResponses[responseName] ?? {})) {
        const [from, to] = parseRange(key);
        if (invocation >= from && invocation <= to) return response;
      }
      return 'missing';
    },
  };
};
