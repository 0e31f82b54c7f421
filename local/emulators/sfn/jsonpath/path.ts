/**
 * Paths as JSONPath states use them (amazon-states-language-paths): `$` the data, `$$` the
 * context object, `$name` a variable. A definite path (names and indexes only: a Reference Path)
 * selects one value; any other (`*`, `..`, a filter, a slice, a union) selects the array of what
 * it matches, as AWS's JSONPath does. Definite paths are walked here; the others go to
 * jsonpath-plus (its safe evaluator for filters, own properties only).
 */
import { JSONPath } from 'jsonpath-plus';
import { isObject, type Json } from '../engine/types.ts';

/** Where a path starts: the data (`$`), the context object (`$$`) or a variable (`$name`). */
export type PathRoot = { kind: 'data' } | { kind: 'context' } | { kind: 'variable'; name: string };

export interface ParsedPath {
  text: string;
  root: PathRoot;
  /** The path from its root, written from `$` (`$$.Execution.Id` -> `$.Execution.Id`). */
  local: string;
  /** The steps of a definite path; undefined for an indefinite one. */
  steps: (string | number)[] | undefined;
}

const VARIABLE = /^\$([\p{L}_][\p{L}\p{N}_]*)/u;

export class PathSyntaxError extends Error {}

/** Splits a path into its root and steps; throws PathSyntaxError for what is not a path. */
export const parsePath = (text: string): ParsedPath => {
  if (typeof text !== 'string' || !text.startsWith('$')) {
    throw new PathSyntaxError(`'${String(text)}' is not a path: a path starts with '$'`);
  }
  let root: PathRoot = { kind: 'data' };
  let local = text;
  if (text.startsWith('$$')) {
    root = { kind: 'context' };
    local = text.slice(1);
  } else {
    const variable = VARIABLE.exec(text);
    if (variable?.[1]) {
      root = { kind: 'variable', name: variable[1] };
      local = `$${text.slice(variable[0].length)}`;
    }
  }
  if (local.length > 1 && !/^\$[.[]/.test(local)) {
    throw new PathSyntaxError(`'${text}' is not a valid path`);
  }
  let tokens: string[];
  try {
    tokens = JSONPath.toPathArray(local) as string[];
  } catch (error) {
    throw new PathSyntaxError(`'${text}' is not a valid path: ${(error as Error).message}`);
  }
  const definite = tokens
    .slice(1)
    .every(
      (token) =>
        token !== '*' && token !== '..' && !/^[?(]|[:,]/.test(token) && !token.startsWith('@'),
    );
  const steps = definite
    ? tokens.slice(1).map((token) => (/^\d+$/.test(token) ? Number(token) : token))
    : undefined;
  if (steps?.some((step) => step === '')) {
    throw new PathSyntaxError(`'${text}' is not a valid path`);
  }
  return { text, root, local, steps };
};

/** What a path selects: the value, or `found: false` when a definite path leads nowhere. */
export type Selection = { found: true; value: Json } | { found: false; missing: string };

/** Follows a parsed path from its root's value. */
export const select = (path: ParsedPath, from: Json): Selection => {
  if (path.steps) {
    let value: Json = from;
    let walked = '$';
    for (const step of path.steps) {
      const next =
        typeof step === 'number'
          ? Array.isArray(value) && step < value.length
            ? value[step]
            : undefined
          : isObject(value) && Object.hasOwn(value, step)
            ? value[step]
            : undefined;
      walked += typeof step === 'number' ? `[${step}]` : `['${step}']`;
      if (next === undefined) return { found: false, missing: walked };
      value = next as Json;
    }
    return { found: true, value };
  }
  if (typeof from !== 'object' || from === null) return { found: true, value: [] };
  const value = JSONPath({ path: path.local, json: from, wrap: true }) as Json[];
  return { found: true, value };
};
