/**
 * The messages between the evaluator (main thread) and its worker: a JSONata job evaluates one
 * or more fields (a template each, `{% %}` strings anywhere in it) against the same bindings,
 * given as JSON text; a JSONPath job runs one query over data given as JSON text. The answer is
 * each value as JSON text, or the first failure.
 */

export interface Budget {
  /** How long one evaluation may run (jsonata's own guardrail), in ms. */
  timeoutMs: number;
  /** How deep one evaluation may nest (jsonata's own guardrail). */
  stackDepth: number;
}

export type Job = JsonataJob | JsonPathJob;

export interface JsonPathJob {
  id: number;
  kind: 'jsonpath';
  /** A path from `$` (jsonpath-plus's syntax: filters run in its safe evaluator). */
  path: string;
  /** The data, as JSON text. */
  json: string;
  maxBytes: number;
}

export interface JsonataJob {
  id: number;
  kind: 'jsonata';
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
