/**
 * The messages between the JSONata evaluator (main thread) and its worker: a job evaluates one
 * or more fields (a template each, `{% %}` strings anywhere in it) against the same bindings,
 * given as JSON text; the answer is each field's value as JSON text, or the first failure.
 */

export interface Budget {
  /** How long one evaluation may run (jsonata's own guardrail), in ms. */
  timeoutMs: number;
  /** How deep one evaluation may nest (jsonata's own guardrail). */
  stackDepth: number;
}

export interface Job {
  id: number;
  /** Each field: its location (`Output`, `Assign`, `Items`) and its value as written. */
  fields: { location: string; template: unknown }[];
  /** `{ states: {...}, <variable>: ... }` as JSON text. */
  bindings: string;
  budget: Budget;
  /** The most bytes one field's value may have (the payload limit): more is a failure. */
  maxBytes: number;
}

export type Failure =
  /** The expression threw (a JSONata error, or a Step Functions function's). */
  | { kind: 'threw'; location: string; expression: string; message: string }
  /** It gave nothing: JSON has no undefined. */
  | { kind: 'undefined'; location: string; expression: string }
  /** It gave a function, which is no JSON value. */
  | { kind: 'unsupported'; location: string; expression: string }
  /** Its value is bigger than the payload limit. */
  | { kind: 'too-big'; location: string; expression: string; bytes: number };

export type Answer =
  | { id: number; ok: true; values: (string | null)[] }
  | { id: number; ok: false; failure: Failure };
