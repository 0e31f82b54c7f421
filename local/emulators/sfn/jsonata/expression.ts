/**
 * Where JSONata appears in a JSONata state: a string that starts with `{%` and ends with `%}`,
 * anywhere in a field's value (objects and arrays included); any other string is a literal.
 */
import { isObject, type Json } from '../engine/types.ts';

export const expressionOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4
    ? value.slice(2, -2).trim()
    : undefined;

/** Each expression in a field's value, with its location (`Output/result/0`). */
export const expressionsIn = (
  value: Json,
  location: string,
): { source: string; location: string }[] => {
  const source = expressionOf(value);
  if (source !== undefined) return [{ source, location }];
  if (Array.isArray(value))
    return value.flatMap((item, index) => expressionsIn(item, `${location}/${index}`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      expressionsIn(item, `${location}/${key}`),
    );
  }
  return [];
};

/** Whether a field's value holds any expression (else it is its own value). */
export const hasExpression = (value: Json): boolean => expressionsIn(value, '').length > 0;
