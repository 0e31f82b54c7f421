/**
 * The syntax of an intrinsic function call (intrinsic-functions): `States.Name(arg, ...)`, whose
 * arguments are single-quoted strings (with `\'`, `\{`, `\}` and `\\` escapes; any other
 * backslash is an error), numbers, `true`, `false`, `null`, paths (`$.a`, `$$.Execution.Id`,
 * `$variable.field`) and nested calls, at most 10 deep. Parsed once, at CreateStateMachine.
 */
import { MAX_INTRINSIC_NESTING } from '../../engine/defaults.ts';
import type { Json } from '../../engine/types.ts';

export type Argument =
  /** `raw`: a string as written, escapes kept (States.Format tells `\{\}` from `{}` by it). */
  | { kind: 'literal'; value: Json; raw?: string }
  | { kind: 'path'; path: string }
  | { kind: 'call'; call: IntrinsicCall };

export interface IntrinsicCall {
  name: string;
  args: Argument[];
}

export class IntrinsicSyntaxError extends Error {}

/** Whether a `.$` field's value is an intrinsic call rather than a path. */
export const looksLikeIntrinsic = (text: string) => /^States\.[A-Za-z0-9]+\s*\(/.test(text.trim());

/** Parses `text`, a whole intrinsic call; throws IntrinsicSyntaxError. */
export const parseIntrinsic = (text: string): IntrinsicCall => {
  let at = 0;
  const fail = (what: string): never => {
    throw new IntrinsicSyntaxError(`${what} at character ${at + 1} of ${text}`);
  };
  const spaces = () => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const call = (depth: number): IntrinsicCall => {
    if (depth > MAX_INTRINSIC_NESTING) {
      fail(`more than ${MAX_INTRINSIC_NESTING} nested intrinsic functions`);
    }
    const name = /^States\.[A-Za-z0-9]+/.exec(text.slice(at))?.[0] ?? fail('an intrinsic name');
    at += name.length;
    spaces();
    if (text[at] !== '(') fail("'('");
    at++;
    const args: Argument[] = [];
    spaces();
    if (text[at] === ')') {
      at++;
      return { name, args };
    }
    for (;;) {
      spaces();
      args.push(argument(depth));
      spaces();
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === ')') {
        at++;
        return { name, args };
      }
      fail("',' or ')'");
    }
  };
  const argument = (depth: number): Argument => {
    const rest = text.slice(at);
    if (rest.startsWith("'")) {
      const start = at + 1;
      const value = string();
      return { kind: 'literal', value, raw: text.slice(start, at - 1) };
    }
    if (rest.startsWith('States.')) return { kind: 'call', call: call(depth + 1) };
    if (rest.startsWith('$')) return { kind: 'path', path: path() };
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest)?.[0];
    if (number !== undefined) {
      at += number.length;
      return { kind: 'literal', value: Number(number) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (rest.startsWith(word)) {
        at += word.length;
        return { kind: 'literal', value };
      }
    }
    return fail('an argument');
  };
  const string = (): string => {
    at++;
    let value = '';
    for (;;) {
      const char = text[at];
      if (char === undefined) fail('the end of a string');
      if (char === "'") {
        at++;
        return value;
      }
      if (char === '\\') {
        const next = text[at + 1] ?? '';
        if (!"'{}\\".includes(next) || next === '') fail('an open escape backslash');
        value += next;
        at += 2;
        continue;
      }
      value += char;
      at++;
    }
  };
  /** A path runs to the next ',' or ')' outside brackets and quotes. */
  const path = (): string => {
    const start = at;
    let brackets = 0;
    let quote: string | undefined;
    for (; at < text.length; at++) {
      const char = text[at] as string;
      if (quote) {
        if (char === quote) quote = undefined;
        continue;
      }
      if (char === "'" || char === '"') quote = char;
      else if (char === '[' || char === '(') brackets++;
      else if (char === ']' || char === ')') {
        if (brackets === 0) break;
        brackets--;
      } else if (char === ',' && brackets === 0) break;
    }
    return text.slice(start, at).trim();
  };
  spaces();
  const parsed = call(1);
  spaces();
  if (at !== text.length) fail('the end of the call');
  return parsed;
};
