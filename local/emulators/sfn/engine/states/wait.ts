/**
 * Wait (state-wait): waits Seconds (a non-negative integer) or until Timestamp (an ISO-8601
 * date-time with its offset), given as a value, a path (SecondsPath, TimestampPath, JSONPath)
 * or an expression (JSONata). A bad value fails the state: States.Runtime in JSONPath (as AWS
 * words it), States.QueryEvaluationError in JSONata. A stop ends the wait at once.
 */
import { expressionOf } from '../../jsonata/expression.ts';
import { evaluateFields } from '../../jsonata/processing.ts';
import { resolvePath } from '../../jsonpath/resolve.ts';
import type { StateAction } from '../action.ts';
import { MAX_WAIT_SECONDS } from '../defaults.ts';
import { STATES, StatesError } from '../errors.ts';
import { sleep } from '../runtime.ts';
import { causeIn } from '../scope.ts';
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
  if (Number.isNaN(millis) || calendar.getUTCDate() !== day || hours > 23 || minutes > 59)
    return undefined;
  return millis;
};

export const waitState: StateAction = async ({ state, input, effective, scope, signal }) => {
  const jsonata = scope.language === 'JSONata';
  const fail = (why: string, location: string) =>
    new StatesError(
      jsonata ? STATES.QueryEvaluationError : STATES.Runtime,
      causeIn(scope, why),
      jsonata ? location : undefined,
    );
  let seconds: number;
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    let value: Json;
    let described: string;
    if (state.SecondsPath !== undefined) {
      const selection = resolvePath(state.SecondsPath, effective, scope);
      if (!selection.found)
        throw fail(
          `The SecondsPath parameter does not reference an input value: ${state.SecondsPath}`,
          'SecondsPath',
        );
      value = selection.value;
      described = `The SecondsPath parameter`;
    } else if (jsonata && expressionOf(state.Seconds) !== undefined) {
      [value] = (await evaluateFields(scope, { input }, [
        { location: 'Seconds', template: state.Seconds as Json },
      ])) as [Json];
      described = `The JSONata expression '${expressionOf(state.Seconds)}' specified for the field 'Seconds'`;
    } else {
      value = state.Seconds as Json;
      described = 'The Seconds field';
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw fail(
        `${described} cannot be parsed as a long value: ${JSON.stringify(value)}`,
        'Seconds',
      );
    }
    if (value < 0) throw fail(`${described} references a negative value: ${value}`, 'Seconds');
    seconds = value;
  } else {
    let value: Json;
    let described: string;
    if (state.TimestampPath !== undefined) {
      const selection = resolvePath(state.TimestampPath, effective, scope);
      if (!selection.found)
        throw fail(
          `The TimestampPath parameter does not reference an input value: ${state.TimestampPath}`,
          'TimestampPath',
        );
      value = selection.value;
      described = `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${state.TimestampPath} ==`;
    } else if (jsonata && expressionOf(state.Timestamp) !== undefined) {
      [value] = (await evaluateFields(scope, { input }, [
        { location: 'Timestamp', template: state.Timestamp as Json },
      ])) as [Json];
      described =
        'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string:';
    } else {
      value = state.Timestamp as Json;
      described =
        'The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string:';
    }
    const millis = parseTimestamp(value);
    if (millis === undefined) {
      throw fail(
        `${described} ${typeof value === 'string' ? value : JSON.stringify(value)}`,
        'Timestamp',
      );
    }
    seconds = Math.max(0, (millis - Date.now()) / 1000);
  }
  if (seconds > MAX_WAIT_SECONDS) throw fail('Wait state delay is too long.', 'Seconds');
  await sleep(seconds * 1000, signal);
  return {};
};
