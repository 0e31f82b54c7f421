/**
 * What CreateStateMachine checks inside the fields: JSONPath paths and intrinsic functions
 * (known names, at most 10 deep, where AWS takes them; ResultPath a reference path into the
 * data), JSONata expressions (JSONata 2.0.6; `$states.result` only where a Task, Parallel or Map
 * has a result, `$states.errorOutput` only in a Catch), and variables (names, and no name of an
 * outer scope assigned again in a branch or an iteration).
 */
import { MAX_VARIABLE_NAME_LENGTH } from '../engine/defaults.ts';
import {
  isObject,
  type Json,
  type JsonObject,
  type QueryLanguage,
  type StateDefinition,
} from '../engine/types.ts';
import { expressionsIn } from '../jsonata/expression.ts';
import { checkExpression, ExpressionRefused } from '../jsonata/syntax.ts';
import { STRING_INTRINSICS, unknownIntrinsics } from '../jsonpath/intrinsics/index.ts';
import {
  IntrinsicSyntaxError,
  looksLikeIntrinsic,
  parseIntrinsic,
} from '../jsonpath/intrinsics/parser.ts';
import { PathSyntaxError, parsePath } from '../jsonpath/path.ts';
import { type Diagnostics, pointer } from './diagnostics.ts';
import { type Scope, type Visit, walkStates } from './walk.ts';

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

type Add = (message: string, location: string) => void;

/** A path; `reference`: a definite path into the data (ResultPath, ItemsPath and the like). */
const checkPath = (text: unknown, location: string, add: Add, reference = false) => {
  if (typeof text !== 'string') return;
  try {
    const path = parsePath(text);
    if (reference && !path.steps) add(`The value '${text}' is not a reference path`, location);
  } catch (error) {
    if (error instanceof PathSyntaxError) add(error.message, location);
    else throw error;
  }
};

/** A `.$` value: a path or an intrinsic function (`only`: the functions allowed there). */
const checkDynamic = (text: string, location: string, add: Add, only?: string[]) => {
  if (!looksLikeIntrinsic(text)) {
    checkPath(text, location, add);
    return;
  }
  try {
    const call = parseIntrinsic(text);
    for (const name of unknownIntrinsics(call))
      add(`The intrinsic function '${name}' does not exist`, location);
    if (only && !only.includes(call.name))
      add(`The intrinsic function '${call.name}' cannot be used here`, location);
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError)
      add(`Invalid intrinsic function: ${error.message}`, location);
    else throw error;
  }
};

/** A payload template: its `.$` fields, and no key given twice once `.$` is dropped. */
const checkTemplate = (template: Json | undefined, location: string, add: Add) => {
  if (Array.isArray(template)) {
    for (const [index, item] of template.entries())
      checkTemplate(item, `${location}/${index}`, add);
    return;
  }
  if (!isObject(template)) return;
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(template)) {
    const plain = key.endsWith('.$') ? key.slice(0, -2) : key;
    if (keys.has(plain)) add(`The field '${plain}' is given twice`, `${location}${pointer(key)}`);
    keys.add(plain);
    if (key.endsWith('.$')) {
      if (typeof value !== 'string')
        add(
          `The value of '${key}' must be a path or an intrinsic function`,
          `${location}${pointer(key)}`,
        );
      else checkDynamic(value, `${location}${pointer(key)}`, add);
    } else {
      checkTemplate(value, `${location}${pointer(key)}`, add);
    }
  }
};

/** The variable names an Assign sets, checked. */
const assignedNames = (
  assign: Json | undefined,
  language: QueryLanguage,
  location: string,
  add: Add,
): string[] => {
  if (!isObject(assign)) return [];
  return Object.keys(assign).map((key) => {
    const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (!VARIABLE_NAME.test(name) || name.length > MAX_VARIABLE_NAME_LENGTH) {
      add(`'${name}' is not a valid variable name`, `${location}${pointer(key)}`);
    } else if (name === 'states') {
      add("'states' is reserved: a variable cannot be named so", `${location}${pointer(key)}`);
    }
    return name;
  });
};

/** The JSONata expressions of a field, checked; `$states.result` and `.errorOutput` where allowed. */
const checkJsonata = (
  value: Json | undefined,
  location: string,
  add: Add,
  allowed: { result: boolean; errorOutput: boolean },
) => {
  if (value === undefined) return;
  for (const where of unclosedIn(value, location)) {
    add("A string that starts with '{%' must end with '%}' (a JSONata expression)", where);
  }
  for (const { source, location: where } of expressionsIn(value, location)) {
    try {
      checkExpression(source);
    } catch (error) {
      if (error instanceof ExpressionRefused) add(error.message, where);
      else throw error;
      continue;
    }
    if (!allowed.result && /\$states\s*\.\s*result\b/.test(source)) {
      add(`'$states.result' is not available in this field (the expression '${source}')`, where);
    }
    if (!allowed.errorOutput && /\$states\s*\.\s*errorOutput\b/.test(source)) {
      add(`'$states.errorOutput' is available only in a Catch (the expression '${source}')`, where);
    }
  }
};

/** The strings of a field that open an expression with `{%` but do not close it with `%}`. */
const unclosedIn = (value: Json, location: string): string[] => {
  if (typeof value === 'string') {
    return value.startsWith('{%') && !value.endsWith('%}') ? [location] : [];
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => unclosedIn(item, `${location}/${index}`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      unclosedIn(item, `${location}${pointer(key)}`),
    );
  }
  return [];
};

const HAS_RESULT = ['Task', 'Parallel', 'Map'];

const checkJsonPathState = (state: StateDefinition, at: (field: string) => string, add: Add) => {
  checkPath(state.InputPath, at('InputPath'), add);
  checkPath(state.OutputPath, at('OutputPath'), add);
  for (const field of [
    'ResultPath',
    'ItemsPath',
    'SecondsPath',
    'TimestampPath',
    'TimeoutSecondsPath',
    'MaxConcurrencyPath',
  ] as const) {
    checkPath(state[field], at(field), add, true);
  }
  for (const field of ['ResultPath'] as const) {
    const value = state[field];
    if (
      typeof value === 'string' &&
      !value.startsWith('$.') &&
      !value.startsWith('$[') &&
      value !== '$'
    ) {
      add(`'${field}' must be a reference path into the data, not '${value}'`, at(field));
    }
  }
  for (const field of ['ErrorPath', 'CausePath'] as const) {
    if (typeof state[field] === 'string')
      checkDynamic(state[field] as string, at(field), add, STRING_INTRINSICS);
  }
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign'] as const) {
    checkTemplate(state[field], at(field), add);
  }
  for (const [index, catcher] of (state.Catch ?? []).entries()) {
    const value = catcher.ResultPath;
    if (typeof value === 'string') {
      checkPath(value, `${at('Catch')}/${index}/ResultPath`, add, true);
      if (!value.startsWith('$.') && !value.startsWith('$[') && value !== '$') {
        add(
          `'ResultPath' must be a reference path into the data, not '${value}'`,
          `${at('Catch')}/${index}/ResultPath`,
        );
      }
    }
    checkTemplate(catcher.Assign, `${at('Catch')}/${index}/Assign`, add);
  }
  const rules = (rule: Json, where: string) => {
    if (!isObject(rule)) return;
    if (typeof rule.Variable === 'string') checkPath(rule.Variable, `${where}/Variable`, add);
    for (const [operator, operand] of Object.entries(rule)) {
      if (operator.endsWith('Path') && typeof operand === 'string')
        checkPath(operand, `${where}${pointer(operator)}`, add);
    }
    for (const combinator of ['And', 'Or'] as const) {
      for (const [index, inner] of (Array.isArray(rule[combinator])
        ? (rule[combinator] as Json[])
        : []
      ).entries()) {
        rules(inner, `${where}/${combinator}/${index}`);
      }
    }
    if (rule.Not !== undefined) rules(rule.Not, `${where}/Not`);
    checkTemplate(rule.Assign, `${where}/Assign`, add);
  };
  for (const [index, rule] of (state.Choices ?? []).entries())
    rules(rule, `${at('Choices')}/${index}`);
};

const checkJsonataState = (state: StateDefinition, at: (field: string) => string, add: Add) => {
  const hasResult = HAS_RESULT.includes(state.Type);
  const none = { result: false, errorOutput: false };
  for (const field of [
    'Arguments',
    'Items',
    'ItemSelector',
    'Seconds',
    'Timestamp',
    'TimeoutSeconds',
    'HeartbeatSeconds',
    'MaxConcurrency',
    'Error',
    'Cause',
  ] as const) {
    checkJsonata(state[field], at(field), add, none);
  }
  checkJsonata(state.Output, at('Output'), add, { result: hasResult, errorOutput: false });
  checkJsonata(state.Assign, at('Assign'), add, { result: hasResult, errorOutput: false });
  for (const [index, rule] of (state.Choices ?? []).entries()) {
    for (const field of ['Condition', 'Output', 'Assign']) {
      checkJsonata(rule[field], `${at('Choices')}/${index}/${field}`, add, none);
    }
  }
  for (const [index, catcher] of (state.Catch ?? []).entries()) {
    checkJsonata(catcher.Output, `${at('Catch')}/${index}/Output`, add, {
      result: false,
      errorOutput: true,
    });
    checkJsonata(catcher.Assign as Json | undefined, `${at('Catch')}/${index}/Assign`, add, {
      result: false,
      errorOutput: true,
    });
  }
};

export const checkExpressions = (
  definition: { QueryLanguage?: string } & object,
  diagnostics: Diagnostics,
) => {
  const add: Add = (message, location) =>
    diagnostics.add('SCHEMA_VALIDATION_FAILED', message, location);
  /** The names each scope assigns (its states', their Choice rules' and Catchers'). */
  const assignedIn = new Map<Scope, Set<string>>();
  const assignments: { scope: Scope; name: string; location: string }[] = [];
  walkStates(definition as never, ({ state, location, language, scope }: Visit) => {
    const at = (field: string) => `${location}${pointer(field)}`;
    if (definition.QueryLanguage === 'JSONata' && language === 'JSONPath') {
      add(
        "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        location,
      );
      return;
    }
    if (language === 'JSONPath') checkJsonPathState(state, at, add);
    else checkJsonataState(state, at, add);
    const names = assignedIn.get(scope) ?? new Set<string>();
    assignedIn.set(scope, names);
    const record = (assign: JsonObject | undefined, where: string) => {
      for (const name of assignedNames(assign, language, where, add)) {
        names.add(name);
        assignments.push({ scope, name, location: where });
      }
    };
    record(state.Assign, at('Assign'));
    for (const [index, rule] of (state.Choices ?? []).entries())
      record(rule.Assign as JsonObject | undefined, `${at('Choices')}/${index}/Assign`);
    for (const [index, catcher] of (state.Catch ?? []).entries())
      record(catcher.Assign, `${at('Catch')}/${index}/Assign`);
  });
  for (const { scope, name, location } of assignments) {
    for (let outer = scope.parent; outer; outer = outer.parent) {
      if (assignedIn.get(outer)?.has(name)) {
        add(
          `The variable '${name}' is assigned in an outer scope: a branch or an iteration cannot assign it`,
          location,
        );
        break;
      }
    }
  }
};
