/**
 * JSONPath Choice rules (state-choice): a data-test expression compares the value at `Variable`
 * (a path into the data, the context object or a variable) with a literal or, for the `...Path`
 * operators, with another path's value; And, Or and Not combine them. A Variable that selects
 * nothing, or a value of another type, makes a comparison false. StringMatches takes `*` as a
 * wildcard (`\*` a star); timestamps compare as instants.
 */

import type { StateScope } from '../engine/scope.ts';
import { parseTimestamp } from '../engine/states/wait.ts';
import type { Json, JsonObject } from '../engine/types.ts';
import { resolvePath } from './resolve.ts';

const COMPARISONS = [
  'Equals',
  'LessThan',
  'GreaterThan',
  'LessThanEquals',
  'GreaterThanEquals',
] as const;
type Comparison = (typeof COMPARISONS)[number];

const compare = (comparison: Comparison, order: number) =>
  ({
    Equals: order === 0,
    LessThan: order < 0,
    GreaterThan: order > 0,
    LessThanEquals: order <= 0,
    GreaterThanEquals: order >= 0,
  })[comparison];

/** The order of two values of one kind, or undefined when they are not both of that kind. */
const KINDS: Record<string, (a: Json, b: Json) => number | undefined> = {
  String: (a, b) =>
    typeof a === 'string' && typeof b === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : undefined,
  Numeric: (a, b) =>
    typeof a === 'number' && typeof b === 'number' ? Math.sign(a - b) : undefined,
  Boolean: (a, b) =>
    typeof a === 'boolean' && typeof b === 'boolean' ? (a === b ? 0 : Number.NaN) : undefined,
  Timestamp: (a, b) => {
    const [x, y] = [parseTimestamp(a), parseTimestamp(b)];
    return x === undefined || y === undefined ? undefined : Math.sign(x - y);
  },
};

/** `*` matches any run of characters; `\*` is a star; everything else is itself. */
const wildcardMatches = (pattern: string, text: string) => {
  const source = pattern
    .split(/(\\\*|\\\\|\*)/)
    .map((part) =>
      part === '*'
        ? '.*'
        : part === '\\*'
          ? '\\*'
          : part === '\\\\'
            ? '\\\\'
            : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 's').test(text);
};

const TYPE_TESTS: Record<string, (value: Json | undefined) => boolean> = {
  IsNull: (value) => value === null,
  IsPresent: (value) => value !== undefined,
  IsNumeric: (value) => typeof value === 'number',
  IsString: (value) => typeof value === 'string',
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: (value) => value !== undefined && parseTimestamp(value) !== undefined,
};

/** Whether a rule (without its Next) holds for the data. */
export const ruleHolds = async (
  rule: JsonObject,
  data: Json,
  scope: StateScope,
): Promise<boolean> => {
  if (Array.isArray(rule.And)) {
    for (const inner of rule.And)
      if (!(await ruleHolds(inner as JsonObject, data, scope))) return false;
    return true;
  }
  if (Array.isArray(rule.Or)) {
    for (const inner of rule.Or) if (await ruleHolds(inner as JsonObject, data, scope)) return true;
    return false;
  }
  if (rule.Not !== undefined) return !(await ruleHolds(rule.Not as JsonObject, data, scope));
  const at = async (path: Json | undefined): Promise<Json | undefined> => {
    if (typeof path !== 'string') return undefined;
    const selection = await resolvePath(path, data, scope);
    return selection.found ? selection.value : undefined;
  };
  const value = await at(rule.Variable);
  for (const [operator, operand] of Object.entries(rule)) {
    const test = TYPE_TESTS[operator];
    if (test) return test(value) === operand;
    if (operator === 'StringMatches') {
      return (
        typeof value === 'string' && typeof operand === 'string' && wildcardMatches(operand, value)
      );
    }
    const match = /^(String|Numeric|Boolean|Timestamp)(.+?)(Path)?$/.exec(operator);
    if (!match || !COMPARISONS.includes(match[2] as Comparison)) continue;
    if (value === undefined) return false;
    const other = match[3] ? await at(operand) : operand;
    if (other === undefined) return false;
    const order = (KINDS[match[1] as string] as (a: Json, b: Json) => number | undefined)(
      value,
      other,
    );
    return order !== undefined && !Number.isNaN(order) && compare(match[2] as Comparison, order);
  }
  return false;
};
