/**
 * What a Step Functions conformance case is: a small state machine from AWS's documentation,
 * its input, and the result the page states or shows, with the page it comes from. The case
 * files (one per page or topic) are data; test/conformance/sfn.test.ts runs them through the
 * platform's Step Functions API, and support-table.ts counts them for docs/.
 *
 * A result the page shows is written as shown. Where the page states a rule but shows no
 * result (an error name it does not give, an output it describes in words), the case says so
 * in `inferred`, and says what it infers.
 */

/** A state machine definition as JSON (the runner serialises it), or a raw text (bad JSON). */
export type Definition = Record<string, unknown> | string;

/** Values that are not known in advance: checked by kind, or against the execution's own. */
export type Placeholder =
  | { $match: 'uuid' | 'timestamp' | 'string' }
  | { $match: 'integer'; min: number; max: number }
  | { $match: 'number'; min: number; max: number }
  | {
      $match: 'context';
      field: 'executionArn' | 'executionName' | 'stateMachineArn' | 'stateMachineName' | 'roleArn';
    };

/** An expected JSON value, where any member may be a Placeholder. */
export type Expected = unknown;

export type Expectation =
  /** The execution succeeds with exactly this output (placeholders aside). */
  | { status: 'SUCCEEDED'; output: Expected }
  /** The execution succeeds and its output satisfies what the page says of it. */
  | { status: 'SUCCEEDED'; satisfies: { rule: string; test: (output: unknown) => boolean } }
  /** The execution fails; with this error (and cause) when the page names them. */
  | { status: 'FAILED'; error?: string; cause?: string }
  /** The execution times out (the state machine's TimeoutSeconds). */
  | { status: 'TIMED_OUT'; error?: string }
  /**
   * CreateStateMachine refuses the definition with InvalidDefinition; `code` is the
   * ValidateStateMachineDefinition diagnostic code, when the documentation gives one, and the
   * refusal's message must contain it.
   */
  | { refused: true; code?: string }
  /** CreateStateMachine accepts the definition (and nothing is run). */
  | { accepted: true }
  /**
   * The page says the construct is not supported but not how AWS answers: either
   * CreateStateMachine refuses it or the execution fails. Never a success.
   */
  | { rejected: true };

export interface SfnCase {
  /** A sentence: what AWS does. Unique across all the case files. */
  name: string;
  /** The page (with its section anchor) that states or shows the result. */
  page: string;
  /** What the case infers beyond what the page shows, or where it departs from the page. */
  inferred?: string;
  definition: Definition;
  /** The execution input (default `{}`). */
  input?: unknown;
  expect: Expectation;
  /** The names of the states entered, in order, when the page states the path. */
  path?: string[];
  /** How many times Task states invoked their resource (retries included). */
  attempts?: number;
}

// Placeholders ---------------------------------------------------------------------------

export const anyUuid: Placeholder = { $match: 'uuid' };
export const anyTimestamp: Placeholder = { $match: 'timestamp' };
export const anyString: Placeholder = { $match: 'string' };
export const integerIn = (min: number, max: number): Placeholder => ({
  $match: 'integer',
  min,
  max,
});
export const numberIn = (min: number, max: number): Placeholder => ({ $match: 'number', min, max });
export const context = (
  field: 'executionArn' | 'executionName' | 'stateMachineArn' | 'stateMachineName' | 'roleArn',
): Placeholder => ({ $match: 'context', field });

// Builders for the common shapes ----------------------------------------------------------

/** A one-state machine around `state` (named `name`), ending there. */
export const single = (
  state: Record<string, unknown>,
  name = 'State',
  top: Record<string, unknown> = {},
): Record<string, unknown> => ({
  ...top,
  StartAt: name,
  States: { [name]: { ...state, ...(terminal(state) ? {} : { End: true }) } },
});

/** A machine running `states` in the order given, each to the next, the last ending it. */
export const chain = (
  states: [string, Record<string, unknown>][],
  top: Record<string, unknown> = {},
): Record<string, unknown> => ({
  ...top,
  StartAt: states[0]?.[0],
  States: Object.fromEntries(
    states.map(([name, state], index) => {
      const next = states[index + 1]?.[0];
      if (terminal(state) || 'Next' in state || 'End' in state) return [name, state];
      return [name, { ...state, ...(next ? { Next: next } : { End: true }) }];
    }),
  ),
});

const terminal = (state: Record<string, unknown>) =>
  state.Type === 'Succeed' || state.Type === 'Fail' || state.Type === 'Choice';

export const JSONATA = { QueryLanguage: 'JSONata' } as const;

/** The ARN of one of the runner's functions (functions.ts), in the classic Task form. */
export const fn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

export const succeeds = (output: Expected): Expectation => ({ status: 'SUCCEEDED', output });
export const fails = (error?: string, cause?: string): Expectation => ({
  status: 'FAILED',
  ...(error === undefined ? {} : { error }),
  ...(cause === undefined ? {} : { cause }),
});
export const refused = (code?: string): Expectation => ({
  refused: true,
  ...(code ? { code } : {}),
});
export const accepted: Expectation = { accepted: true };
export const rejected: Expectation = { rejected: true };
