/**
 * A path's value for a state: from its data (`$`), the context object (`$$`) or a variable
 * (`$name`), each parsed path kept (a definition's paths are few and used again and again).
 */
import type { StateScope } from '../engine/scope.ts';
import type { Json } from '../engine/types.ts';
import { type ParsedPath, parsePath, type Selection, select } from './path.ts';

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

/** What `text` selects for a state whose data is `data`. */
export const resolvePath = (text: string, data: Json, scope: StateScope): Selection => {
  const path = parsedPath(text);
  if (path.root.kind === 'context') return select(path, scope.context);
  if (path.root.kind === 'variable') {
    const value = scope.variables.get(path.root.name);
    if (value === undefined) return { found: false, missing: `$${path.root.name}` };
    return select(path, value);
  }
  return select(path, data);
};
