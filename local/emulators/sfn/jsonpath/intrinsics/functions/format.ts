/**
 * States.Format(template, ...values): the template with each `{}` replaced by the next value, as
 * many values as `{}`. A string goes in as it is, a number, boolean or null as JSON; an array
 * or an object is refused ("The Value MUST NOT be a JSON array or object", states-language.net).
 * In a literal template `\{` and `\}` are plain braces.
 */
import type { Json } from '../../../engine/types.ts';
import { expectString, intrinsicFailure } from '../arguments.ts';

const printed = (value: Json): string =>
  typeof value === 'string' ? value : JSON.stringify(value);

/** `raw`: the template as written in a literal, escapes kept; absent when it came from a path. */
export const format = (args: Json[], name: string, raw?: string): Json => {
  if (args.length === 0) throw intrinsicFailure(name, 'it takes a template');
  const template = expectString(name, args[0], 'the template');
  const values = args.slice(1);
  if (values.some((value) => typeof value === 'object' && value !== null)) {
    throw intrinsicFailure(name, 'a value must not be a JSON array or object');
  }
  // The template's pieces between placeholders, escapes resolved.
  const pieces: string[] = [''];
  const source = raw ?? template;
  for (let at = 0; at < source.length; at++) {
    const char = source[at] as string;
    if (raw !== undefined && char === '\\') {
      pieces[pieces.length - 1] += source[at + 1] ?? '';
      at++;
    } else if (char === '{' && source[at + 1] === '}') {
      pieces.push('');
      at++;
    } else {
      pieces[pieces.length - 1] += char;
    }
  }
  if (pieces.length - 1 !== values.length) {
    throw intrinsicFailure(
      name,
      `the template has ${pieces.length - 1} placeholder(s) for ${values.length} value(s)`,
    );
  }
  return pieces.reduce((text, piece, index) => text + printed(values[index - 1] as Json) + piece);
};
