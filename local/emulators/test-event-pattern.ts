/**
 * EventBridge's TestEventPattern action, as its API reference describes it: the pattern (at most
 * 4,096 characters) is read as a rule's would be (./event-pattern.ts), refused with
 * InvalidEventPatternException; the event must be a JSON object with the fields the reference
 * calls mandatory (id, account, source, time, region, resources, detail-type), else AWS's
 * ValidationException "Parameter Event is not valid."; the answer is `{"Result": true|false}`.
 */
import {
  compilePattern,
  InvalidEventPattern,
  JsonNumber,
  type JsonValue,
  MAX_PATTERN_LENGTH,
  matchesPattern,
  PatternTooComplexToMatch,
  parseJson,
} from './event-pattern.ts';

export interface TestEventPatternInput {
  EventPattern?: unknown;
  Event?: unknown;
}

export type TestEventPatternAnswer = { Result: boolean } | { error: string; message: string };

/** The fields the API reference lists as mandatory in the event. */
export const MANDATORY_EVENT_FIELDS = [
  'id',
  'account',
  'source',
  'time',
  'region',
  'resources',
  'detail-type',
] as const;

/** AWS's wording for a parameter that breaks the API's own constraints. */
const constraintError = (value: string, field: string, constraint: string) => ({
  error: 'ValidationException',
  message: `1 validation error detected: Value ${value} at '${field}' failed to satisfy constraint: ${constraint}`,
});

const INVALID_EVENT = { error: 'ValidationException', message: 'Parameter Event is not valid.' };

export const testEventPattern = ({
  EventPattern: pattern,
  Event: event,
}: TestEventPatternInput): TestEventPatternAnswer => {
  if (typeof pattern !== 'string') {
    return constraintError('null', 'eventPattern', 'Member must not be null');
  }
  if (typeof event !== 'string') return constraintError('null', 'event', 'Member must not be null');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return constraintError(
      `'${pattern}'`,
      'eventPattern',
      `Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
    );
  }
  let compiled: ReturnType<typeof compilePattern>;
  try {
    compiled = compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPattern) return { error: error.name, message: error.message };
    throw error;
  }
  let parsed: JsonValue;
  try {
    parsed = parseJson(event);
  } catch {
    return INVALID_EVENT;
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    parsed instanceof JsonNumber
  ) {
    return INVALID_EVENT;
  }
  if (!MANDATORY_EVENT_FIELDS.every((field) => field in parsed)) return INVALID_EVENT;
  try {
    return { Result: matchesPattern(compiled, parsed) };
  } catch (error) {
    if (error instanceof PatternTooComplexToMatch) {
      return { error: 'InternalException', message: error.message };
    }
    throw error;
  }
};
