/**
 * Wait (state-wait): waits Seconds (a non-negative integer) or until Timestamp (an ISO-8601
 * date-time with its offset), given as a value, a path (SecondsPath, TimestampPath, JSONPath)
 * or an expression (JSONata). A bad value fails the state: States.Runtime in JSONPath (as AWS
 * words it), States.QueryEvaluationError in JSONata. A stop ends the wait at once.
 */
import { expressionOf } from '../../jsonata/expression.ts';
import { evaluateFields } from '../../jsonata/processing.ts';
import { resolvePath } from '../../jsonpath/resolve.ts';
import type { ActionContext, StateAction } from '../action.ts';
import { MAX_WAIT_SECONDS } from '../defaults.ts';
import { fieldError } from '../errors.ts';
import { sleep } from '../runtime.ts';
import type { Json } from '../types.ts';

/** An ISO-8601 extended date-time with a time zone: `2016-03-14T01:59:00Z`, `...+01:00`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const parseTimestamp = (value: Json): number | undefined => {
  if (typeof value !== 'string' || !TIMESTAMP.test(value)) return undefined;
  const [date, time] = value.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const millis = Date.parse(value);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    Number.isNaN(millis) ||
    calendar.getUTCDate() !== day ||
    calendar.getUTCMonth() !== month - 1
  ) {
    return undefined;
  }
  return hours > 23 || minutes > 59 ? undefined : millis;
};

/**
 * The value of `field` (Seconds, Timestamp): from its `<field>Path` in JSONPath, its expression
 * in JSONata, else as written; and how the errors name where it came from.
 */
const durationField = async (context: ActionContext, field: 'Seconds' | 'Timestamp') => {
  const { state, input, effective, scope } = context;
  const pathField = `${field}Path` as const;
  const path = state[pathField];
  if (path !== undefined) {
    const selection = await resolvePath(path, effective, scope);
    if (!selection.found) {
      throw fieldError(
        scope,
        `The ${pathField} parameter does not reference an input value: ${path}`,
        field,
      );
    }
    return { value: selection.value, source: `The ${pathField} parameter`, shown: `${path} == ` };
  }
  const written = state[field] as Json;
  const expression = scope.language === 'JSONata' ? expressionOf(written) : undefined;
  if (expression === undefined) return { value: written, source: `The ${field} field`, shown: '' };
  const [value] = (await evaluateFields(scope, { input }, [
    { location: field, template: written },
  ])) as [Json];
  return {
    value,
    source: `The JSONata expression '${expression}' specified for the field '${field}'`,
    shown: '',
  };
};

export const waitState: StateAction = async (context) => {
  const { state, scope, signal } = context;
  let seconds: number;
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    const { value, source, shown } = await durationField(context, 'Seconds');
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw fieldError(
        scope,
        `${source} cannot be parsed as a long value: ${shown}${JSON.stringify(value)}`,
        'Seconds',
      );
    }
    if (value < 0)
      throw fieldError(scope, `${source} references a negative value: ${shown}${value}`, 'Seconds');
    seconds = value;
  } else {
    const { value, source, shown } = await durationField(context, 'Timestamp');
    const millis = parseTimestamp(value);
    if (millis === undefined) {
      throw fieldError(
        scope,
        `${source} does not reference a valid ISO-8601 extended offset date-time format string: ${shown}${typeof value === 'string' ? value : JSON.stringify(value)}`,
        'Timestamp',
      );
    }
    seconds = Math.max(0, (millis - Date.now()) / 1000);
  }
  if (seconds > MAX_WAIT_SECONDS)
    throw fieldError(scope, 'Wait state delay is too long.', 'Seconds');
  await sleep(seconds * 1000, signal);
  return {};
};
