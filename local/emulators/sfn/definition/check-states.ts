/**
 * The shape of each state, as CreateStateMachine checks it (SCHEMA_VALIDATION_FAILED): its Type,
 * the fields its type takes in its query language and those it needs, the types of their
 * values, Retry and Catch (States.ALL alone and last), Choice rules, and a state's place among
 * End and Next (a Choice, Succeed or Fail has neither; any other exactly one).
 */

import { MAX_WAIT_SECONDS } from '../engine/defaults.ts';
import { parseTimestamp } from '../engine/states/wait.ts';
import {
  isObject,
  type Json,
  type QueryLanguage,
  type StateDefinition,
  type StateType,
} from '../engine/types.ts';
import { expressionOf } from '../jsonata/expression.ts';
import type { Diagnostics } from './diagnostics.ts';
import { pointer } from './diagnostics.ts';
import {
  AT_MOST_ONE,
  CATCHER_FIELDS,
  CHOICE_OPERATORS,
  REQUIRED_FIELDS,
  RETRIER_FIELDS,
  STATE_FIELDS,
} from './fields.ts';
import type { Visit } from './walk.ts';

const TYPES = Object.keys(STATE_FIELDS);
const isPositiveInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;
const isNonNegativeInteger = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isString = (value: unknown): value is string => typeof value === 'string';
/** A JSONata field may hold an expression instead of its type's value. */
const orExpression =
  (language: QueryLanguage, check: (value: unknown) => boolean) => (value: unknown) =>
    check(value) || (language === 'JSONata' && expressionOf(value) !== undefined);

export const checkState = (
  { name, state, location, language }: Visit,
  diagnostics: Diagnostics,
) => {
  const at = (field: string) => `${location}${pointer(field)}`;
  const schema = (message: string, where = location) =>
    diagnostics.add('SCHEMA_VALIDATION_FAILED', message, where);

  if (name.length === 0 || name.length > 80) {
    diagnostics.add(
      'INVALID_STATE_NAME',
      `The state name '${name}' must have 1 to 80 characters`,
      location,
    );
  }
  if (
    state.QueryLanguage !== undefined &&
    state.QueryLanguage !== 'JSONPath' &&
    state.QueryLanguage !== 'JSONata'
  ) {
    schema(`'QueryLanguage' must be 'JSONPath' or 'JSONata'`, at('QueryLanguage'));
  }
  if (!TYPES.includes(state.Type)) {
    schema(`The state type '${String(state.Type)}' is not one of ${TYPES.join(', ')}`, at('Type'));
    return;
  }
  const type = state.Type as StateType;
  const allowed = STATE_FIELDS[type][language];
  for (const field of Object.keys(state)) {
    if (!allowed.includes(field)) {
      const other = language === 'JSONata' ? 'JSONPath' : 'JSONata';
      schema(
        STATE_FIELDS[type][other].includes(field)
          ? `The field '${field}' is not supported in a ${language} state (it is a ${other} field)`
          : `The field '${field}' is not supported for state type '${type}'`,
        at(field),
      );
    }
  }
  for (const field of REQUIRED_FIELDS[type] ?? []) {
    if (!(field in state)) schema(`These fields are required: [${field}]`);
  }
  for (const group of AT_MOST_ONE) {
    const present = group.filter((field) => field in state);
    if (present.length > 1)
      schema(`Only one of these fields may be given: [${present.join(', ')}]`);
  }
  if (
    type === 'Wait' &&
    !['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].some((field) => field in state)
  ) {
    schema('A Wait state needs one of Seconds, SecondsPath, Timestamp or TimestampPath');
  }
  if (type === 'Map' && !('ItemProcessor' in state) && !('Iterator' in state)) {
    schema('These fields are required: [ItemProcessor]');
  }

  // End and Next.
  const terminal = type === 'Choice' || type === 'Succeed' || type === 'Fail';
  if (!terminal) {
    if ('End' in state && 'Next' in state) schema("A state cannot have both 'End' and 'Next'");
    if (!('End' in state) && !('Next' in state))
      schema("These fields are required: [Next] or 'End': true");
    if ('End' in state && state.End !== true) schema("'End' must be true", at('End'));
    if ('Next' in state && !isString(state.Next)) schema("'Next' must be a state name", at('Next'));
  }

  // Types of values.
  const expect = (
    field: keyof StateDefinition,
    check: (value: unknown) => boolean,
    what: string,
  ) => {
    if (field in state && !check(state[field]))
      schema(`The value of '${field}' must be ${what}`, at(field));
  };
  expect('Comment', isString, 'a string');
  expect('Resource', isString, 'a string');
  expect('Default', isString, 'a state name');
  for (const field of ['InputPath', 'OutputPath', 'ResultPath'] as const) {
    expect(field, (value) => value === null || isString(value), 'a path or null');
  }
  for (const field of [
    'ItemsPath',
    'SecondsPath',
    'TimestampPath',
    'TimeoutSecondsPath',
    'MaxConcurrencyPath',
    'ErrorPath',
    'CausePath',
  ] as const) {
    expect(field, isString, 'a path');
  }
  expect('TimeoutSeconds', orExpression(language, isPositiveInteger), 'a positive integer');
  expect('HeartbeatSeconds', orExpression(language, isPositiveInteger), 'a positive integer');
  expect('Seconds', orExpression(language, isNonNegativeInteger), 'a non-negative integer');
  expect('Timestamp', isString, 'a timestamp');
  expect('MaxConcurrency', orExpression(language, isNonNegativeInteger), 'a non-negative integer');
  expect('Error', isString, 'a string');
  expect('Cause', isString, 'a string');
  expect('Assign', isObject, 'a JSON object');
  expect('Branches', (value) => Array.isArray(value) && value.length > 0, 'a non-empty array');
  expect(
    'Items',
    (value) => Array.isArray(value) || expressionOf(value) !== undefined,
    'an array or a JSONata expression',
  );
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector'] as const) {
    expect(field, (value) => isObject(value) || Array.isArray(value), 'a JSON object');
  }
  for (const field of ['ItemProcessor', 'Iterator'] as const) {
    const processor = state[field] as Json | undefined;
    if (
      processor !== undefined &&
      (!isObject(processor) || !isString(processor.StartAt) || !isObject(processor.States))
    ) {
      schema(`'${field}' must have 'StartAt' and 'States'`, at(field));
    }
  }
  for (const [index, branch] of (Array.isArray(state.Branches) ? state.Branches : []).entries()) {
    if (!isObject(branch) || !isString(branch.StartAt) || !isObject(branch.States)) {
      schema("A branch must have 'StartAt' and 'States'", `${at('Branches')}${pointer(index)}`);
    }
  }

  if (
    typeof state.HeartbeatSeconds === 'number' &&
    typeof state.TimeoutSeconds === 'number' &&
    state.HeartbeatSeconds >= state.TimeoutSeconds
  ) {
    schema("'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'", at('HeartbeatSeconds'));
  }
  if (typeof state.Seconds === 'number' && state.Seconds > MAX_WAIT_SECONDS) {
    schema(`The value of 'Seconds' must be at most ${MAX_WAIT_SECONDS}`, at('Seconds'));
  }
  if (
    typeof state.Timestamp === 'string' &&
    expressionOf(state.Timestamp) === undefined &&
    parseTimestamp(state.Timestamp) === undefined
  ) {
    schema(
      "The value of 'Timestamp' must be an ISO-8601 date-time such as 2016-03-14T01:59:00Z",
      at('Timestamp'),
    );
  }

  checkRetry(state, at('Retry'), diagnostics);
  checkCatch(state, language, at('Catch'), diagnostics);
  if (type === 'Choice') checkChoices(state, language, at('Choices'), diagnostics);
};

/** ErrorEquals: a non-empty list of names; States.ALL alone, and only in the last one. */
const checkErrorEquals = (
  errorEquals: unknown,
  isLast: boolean,
  location: string,
  diagnostics: Diagnostics,
) => {
  if (!Array.isArray(errorEquals) || errorEquals.length === 0 || !errorEquals.every(isString)) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      "'ErrorEquals' must be a non-empty array of error names",
      location,
    );
    return;
  }
  if (errorEquals.includes('States.ALL')) {
    if (errorEquals.length > 1) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        "'States.ALL' must appear alone in 'ErrorEquals'",
        location,
      );
    }
    if (!isLast) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        "'States.ALL' must be in the last Retrier or Catcher",
        location,
      );
    }
  }
};

const checkRetry = (state: StateDefinition, location: string, diagnostics: Diagnostics) => {
  if (state.Retry === undefined) return;
  if (!Array.isArray(state.Retry)) {
    diagnostics.add('SCHEMA_VALIDATION_FAILED', "'Retry' must be an array of Retriers", location);
    return;
  }
  for (const [index, retrier] of state.Retry.entries()) {
    const where = `${location}${pointer(index)}`;
    if (!isObject(retrier)) {
      diagnostics.add('SCHEMA_VALIDATION_FAILED', 'A Retrier must be a JSON object', where);
      continue;
    }
    for (const field of Object.keys(retrier)) {
      if (!RETRIER_FIELDS.includes(field)) {
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          `The field '${field}' is not supported in a Retrier`,
          `${where}${pointer(field)}`,
        );
      }
    }
    checkErrorEquals(
      retrier.ErrorEquals,
      index === state.Retry.length - 1,
      `${where}/ErrorEquals`,
      diagnostics,
    );
    const rule = (field: string, check: (value: unknown) => boolean, what: string) => {
      if (field in retrier && !check(retrier[field as keyof typeof retrier])) {
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          `The value of '${field}' must be ${what}`,
          `${where}${pointer(field)}`,
        );
      }
    };
    rule('IntervalSeconds', isPositiveInteger, 'a positive integer');
    rule('MaxAttempts', isNonNegativeInteger, 'a non-negative integer');
    rule('MaxDelaySeconds', isPositiveInteger, 'a positive integer');
    rule(
      'BackoffRate',
      (value) => typeof value === 'number' && value >= 1,
      'a number of at least 1.0',
    );
    rule('JitterStrategy', (value) => value === 'FULL' || value === 'NONE', "'FULL' or 'NONE'");
  }
};

const checkCatch = (
  state: StateDefinition,
  language: QueryLanguage,
  location: string,
  diagnostics: Diagnostics,
) => {
  if (state.Catch === undefined) return;
  if (!Array.isArray(state.Catch)) {
    diagnostics.add('SCHEMA_VALIDATION_FAILED', "'Catch' must be an array of Catchers", location);
    return;
  }
  for (const [index, catcher] of state.Catch.entries()) {
    const where = `${location}${pointer(index)}`;
    if (!isObject(catcher)) {
      diagnostics.add('SCHEMA_VALIDATION_FAILED', 'A Catcher must be a JSON object', where);
      continue;
    }
    for (const field of Object.keys(catcher)) {
      if (!CATCHER_FIELDS[language].includes(field)) {
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          `The field '${field}' is not supported in a Catcher of a ${language} state`,
          `${where}${pointer(field)}`,
        );
      }
    }
    checkErrorEquals(
      catcher.ErrorEquals,
      index === state.Catch.length - 1,
      `${where}/ErrorEquals`,
      diagnostics,
    );
    if (!isString(catcher.Next))
      diagnostics.add('SCHEMA_VALIDATION_FAILED', 'These fields are required: [Next]', where);
    if ('ResultPath' in catcher && catcher.ResultPath !== null && !isString(catcher.ResultPath)) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        "The value of 'ResultPath' must be a path or null",
        `${where}/ResultPath`,
      );
    }
  }
};

/** What a comparison operator's value must be: a path, a boolean `true`, or a value of its kind. */
const operandType = (operator: string): { check: (value: unknown) => boolean; what: string } => {
  if (operator.endsWith('Path')) return { check: isString, what: 'a path' };
  if (operator.startsWith('Is'))
    return { check: (value) => typeof value === 'boolean', what: 'a boolean' };
  if (operator.startsWith('Numeric'))
    return { check: (value) => typeof value === 'number', what: 'a number' };
  if (operator.startsWith('Boolean'))
    return { check: (value) => typeof value === 'boolean', what: 'a boolean' };
  if (operator.startsWith('Timestamp')) {
    return {
      check: (value) => typeof value === 'string' && parseTimestamp(value) !== undefined,
      what: 'a timestamp',
    };
  }
  return { check: isString, what: 'a string' };
};

const checkChoices = (
  state: StateDefinition,
  language: QueryLanguage,
  location: string,
  diagnostics: Diagnostics,
) => {
  if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
    diagnostics.add('SCHEMA_VALIDATION_FAILED', "'Choices' must be a non-empty array", location);
    return;
  }
  const rule = (value: unknown, where: string, top: boolean) => {
    if (!isObject(value)) {
      diagnostics.add('SCHEMA_VALIDATION_FAILED', 'A Choice rule must be a JSON object', where);
      return;
    }
    const fields = Object.keys(value);
    if (top && !isString(value.Next))
      diagnostics.add('SCHEMA_VALIDATION_FAILED', 'These fields are required: [Next]', where);
    if (!top && 'Next' in value) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        "A nested Choice rule cannot have 'Next'",
        `${where}/Next`,
      );
    }
    if (language === 'JSONata') {
      const allowed = ['Condition', 'Next', 'Assign', 'Output', 'Comment'];
      for (const field of fields.filter((field) => !allowed.includes(field))) {
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          `The field '${field}' is not supported in a JSONata Choice rule`,
          `${where}${pointer(field)}`,
        );
      }
      if (!('Condition' in value))
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          'These fields are required: [Condition]',
          where,
        );
      return;
    }
    const extras = top ? ['Next', 'Assign', 'Comment'] : ['Comment'];
    const combinators: string[] = fields.filter(
      (field) => field === 'And' || field === 'Or' || field === 'Not',
    );
    const operators = fields.filter((field) => CHOICE_OPERATORS.includes(field));
    const unknown = fields.filter(
      (field) =>
        !extras.includes(field) &&
        field !== 'Variable' &&
        !combinators.includes(field) &&
        !operators.includes(field),
    );
    for (const field of unknown) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        `The field '${field}' is not supported in a JSONPath Choice rule`,
        `${where}${pointer(field)}`,
      );
    }
    if (combinators.length + operators.length !== 1) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        'A Choice rule needs exactly one comparison operator, or one of And, Or, Not',
        where,
      );
      return;
    }
    if (operators.length === 1) {
      if (!isString(value.Variable))
        diagnostics.add('SCHEMA_VALIDATION_FAILED', 'These fields are required: [Variable]', where);
      const operator = operators[0] as string;
      const operand = value[operator];
      const expected = operandType(operator);
      if (!expected.check(operand)) {
        diagnostics.add(
          'SCHEMA_VALIDATION_FAILED',
          `The value of '${operator}' must be ${expected.what}`,
          `${where}${pointer(operator)}`,
        );
      }
      return;
    }
    if ('Variable' in value)
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        "'Variable' goes with a comparison operator",
        `${where}/Variable`,
      );
    const combinator = combinators[0] as 'And' | 'Or' | 'Not';
    if (combinator === 'Not') rule(value.Not, `${where}/Not`, false);
    else if (!Array.isArray(value[combinator]) || (value[combinator] as Json[]).length === 0) {
      diagnostics.add(
        'SCHEMA_VALIDATION_FAILED',
        `'${combinator}' must be a non-empty array of rules`,
        `${where}/${combinator}`,
      );
    } else {
      for (const [index, inner] of (value[combinator] as Json[]).entries())
        rule(inner, `${where}/${combinator}/${index}`, false);
    }
  };
  for (const [index, value] of state.Choices.entries())
    rule(value, `${location}${pointer(index)}`, true);
};
