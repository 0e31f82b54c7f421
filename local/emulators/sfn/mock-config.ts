/**
 * Step Functions Local's mock configuration (MockConfigFile.json): test cases that replace the
 * result of named Task states by mocked responses, one per invocation ("0", "1-2", ...).
 * StartExecution on `<stateMachineArn>#<TestCase>` runs with that test case; a state the test
 * case does not name runs for real.
 */
import { readFileSync } from 'node:fs';

export type MockedResponse = { Return: unknown } | { Throw: { Error: string; Cause?: string } };

/** The file's JSON. */
interface MockConfigFile {
  StateMachines: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses: Record<string, Record<string, MockedResponse>>;
}

/** One key of a mocked response ("N" or "N-M"), parsed: the invocations it answers. */
interface MockedRange {
  from: number;
  to: number;
  response: MockedResponse;
}

/** A mock configuration as read: the file's test cases, and each mocked response's ranges. */
export interface MockConfig {
  StateMachines: MockConfigFile['StateMachines'];
  /** By mocked response name: its keys parsed once, in the order of their first invocation. */
  ranges: Map<string, MockedRange[]>;
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads and checks a mock configuration, as Step Functions Local would refuse it: a missing
 * file, bad JSON, a test case naming an undefined response, a response with neither (or both)
 * Return and Throw, a Throw without its Error, a key that is not "N" or "N-M", or two keys that
 * both claim one invocation. The message names the file and the place.
 */
export const readMockConfig = (path: string): MockConfig => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Mock configuration ${path} cannot be read: ${(error as Error).message}`);
  }
  let config: MockConfigFile;
  try {
    config = JSON.parse(text) as MockConfigFile;
  } catch (error) {
    throw new Error(`Mock configuration ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(config) || !isObject(config.StateMachines) || !isObject(config.MockedResponses)) {
    throw new Error(`${path}: a mock configuration has StateMachines and MockedResponses objects`);
  }
  for (const [machine, entry] of Object.entries(config.StateMachines)) {
    if (!isObject(entry) || !isObject(entry.TestCases)) {
      throw new Error(`${path}: StateMachines.${machine} must have a TestCases object`);
    }
    for (const [testCase, states] of Object.entries(entry.TestCases)) {
      if (!isObject(states)) throw new Error(`${path}: ${machine}#${testCase} must be an object`);
      for (const [state, response] of Object.entries(states)) {
        if (typeof response !== 'string' || !Object.hasOwn(config.MockedResponses, response)) {
          throw new Error(`${path}: ${machine}#${testCase} maps ${state} to undefined ${response}`);
        }
      }
    }
  }
  const ranges = new Map<string, MockedRange[]>();
  for (const [name, responses] of Object.entries(config.MockedResponses)) {
    if (!isObject(responses)) throw new Error(`${path}: MockedResponses.${name} must be an object`);
    const parsed: MockedRange[] = [];
    for (const [key, response] of Object.entries(responses)) {
      let from: number;
      let to: number;
      try {
        [from, to] = parseRange(key);
      } catch (error) {
        throw new Error(`${path}: ${name}: ${(error as Error).message}`);
      }
      if (!isObject(response) || 'Return' in response === 'Throw' in response) {
        throw new Error(`${path}: ${name}["${key}"] must have either Return or Throw`);
      }
      if (
        'Throw' in response &&
        (!isObject(response.Throw) || typeof response.Throw.Error !== 'string')
      ) {
        throw new Error(`${path}: ${name}["${key}"].Throw must have an Error string`);
      }
      parsed.push({ from, to, response: response as MockedResponse });
    }
    // In order of their starts, two keys share an invocation only if two neighbours do: the
    // first invocation claimed twice is where the later neighbour starts. (Never a loop over
    // the invocations a range covers: "0-999999999" is one range, read at once.)
    parsed.sort((a, b) => a.from - b.from);
    for (const [index, range] of parsed.entries()) {
      const previous = parsed[index - 1];
      if (previous && range.from <= previous.to) {
        throw new Error(`${path}: ${name} has two responses for invocation ${range.from}`);
      }
    }
    ranges.set(name, parsed);
  }
  return { StateMachines: config.StateMachines, ranges };
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
      const range = config.ranges
        .get(responseName)
        ?.find(({ from, to }) => invocation >= from && invocation <= to);
      return range ? range.response : 'missing';
    },
  };
};
