/**
 * A path's value for a state: from its data (`$`), the context object (`$$`) or a variable
 * (`$name`), each parsed path kept (a definition's paths are few and used again and again). A
 * definite path costs its length; any other costs the size of the data, so over more than a
 * few thousand values it runs on the execution's evaluation worker, not on the thread that
 * serves every port (`$..*` over 256 KB takes jsonpath-plus some 400 ms).
 */
import { STATES, StatesError } from '../engine/errors.ts';
import { causeIn, type StateScope } from '../engine/scope.ts';
import type { Json } from '../engine/types.ts';
import { type ParsedPath, parsePath, type Selection, select } from './path.ts';

/** How many values a non-definite path may walk here before it goes to the worker. */
export const INLINE_QUERY_VALUES = 2000;

const parsed = new Map<string, ParsedPath>();

export const parsedPath = (text: string): ParsedPath => {
  let path = parsed.get(text);
  if (!path) {
    path = parsePath(text);
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(text, path);
  }
  return path;
};

/** Whether `value` holds at most `limit` values (counted up to the limit, no further). */
const atMost = (value: Json, limit: number) => {
  let count = 0;
  const pending: Json[] = [value];
  while (pending.length > 0) {
    const next = pending.pop() as Json;
    if (++count > limit) return false;
    if (Array.isArray(next)) pending.push(...next);
    else if (typeof next === 'object' && next !== null) pending.push(...Object.values(next));
  }
  return true;
};

/**
 * A path's selection from `from`, on the worker when the path walks large data; a query the
 * worker cannot finish within its budget fails the state with States.Runtime.
 */
const query = async (path: ParsedPath, from: Json, scope: StateScope): Promise<Selection> => {
  if (path.steps || atMost(from, INLINE_QUERY_VALUES)) return select(path, from);
  const outcome = await scope.lane.query(path.local, from);
  if (outcome.ok) return { found: true, value: JSON.parse(outcome.values[0] ?? '[]') as Json };
  const why =
    outcome.failure.kind === 'threw'
      ? outcome.failure.message
      : `it matched ${outcome.failure.kind === 'too-big' ? outcome.failure.bytes : 'too many'} bytes`;
  throw new StatesError(
    STATES.Runtime,
    causeIn(scope, `The JSONPath '${path.text}' could not be evaluated: ${why}`),
  );
};

/** What `text` selects for a state whose data is `data`. */
export const resolvePath = async (
  text: string,
  data: Json,
  scope: StateScope,
): Promise<Selection> => {
  const path = parsedPath(text);
  if (path.root.kind === 'context') return query(path, scope.context, scope);
  if (path.root.kind === 'variable') {
    const value = scope.variables.get(path.root.name);
    if (value === undefined) return { found: false, missing: `$${path.root.name}` };
    return query(path, value, scope);
  }
  return query(path, data, scope);
};
