/**
 * Which fields each state type takes in each query language, and which it needs (state-*
 * pages, transforming-data): a field outside these is a SCHEMA_VALIDATION_FAILED, so a
 * misspelt or misplaced field is refused, never ignored.
 */
import type { QueryLanguage, StateType } from '../engine/types.ts';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const JSONPATH_IO = ['InputPath', 'OutputPath'];
const ERRORS = ['Retry', 'Catch'];

/** Fields each type takes, by query language. */
export const STATE_FIELDS: Record<StateType, Record<QueryLanguage, string[]>> = {
  Pass: {
    JSONPath: [...COMMON, ...FLOW, ...JSONPATH_IO, 'Parameters', 'Result', 'ResultPath', 'Assign'],
    JSONata: [...COMMON, ...FLOW, 'Output', 'Assign'],
  },
  Task: {
    JSONPath: [
      ...COMMON,
      ...FLOW,
      ...JSONPATH_IO,
      ...ERRORS,
      'Resource',
      'Parameters',
      'ResultSelector',
      'ResultPath',
      'TimeoutSeconds',
      'TimeoutSecondsPath',
      'HeartbeatSeconds',
      'HeartbeatSecondsPath',
      'Credentials',
      'Assign',
    ],
    JSONata: [
      ...COMMON,
      ...FLOW,
      ...ERRORS,
      'Resource',
      'Arguments',
      'Output',
      'TimeoutSeconds',
      'HeartbeatSeconds',
      'Credentials',
      'Assign',
    ],
  },
  Choice: {
    JSONPath: [...COMMON, ...JSONPATH_IO, 'Choices', 'Default', 'Assign'],
    JSONata: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
  },
  Wait: {
    JSONPath: [
      ...COMMON,
      ...FLOW,
      ...JSONPATH_IO,
      'Seconds',
      'SecondsPath',
      'Timestamp',
      'TimestampPath',
      'Assign',
    ],
    JSONata: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Output', 'Assign'],
  },
  Succeed: {
    JSONPath: [...COMMON, ...JSONPATH_IO],
    JSONata: [...COMMON, 'Output'],
  },
  Fail: {
    JSONPath: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
    JSONata: [...COMMON, 'Error', 'Cause'],
  },
  Parallel: {
    JSONPath: [
      ...COMMON,
      ...FLOW,
      ...JSONPATH_IO,
      ...ERRORS,
      'Branches',
      'Parameters',
      'ResultSelector',
      'ResultPath',
      'Assign',
    ],
    JSONata: [...COMMON, ...FLOW, ...ERRORS, 'Branches', 'Arguments', 'Output', 'Assign'],
  },
  Map: {
    JSONPath: [
      ...COMMON,
      ...FLOW,
      ...JSONPATH_IO,
      ...ERRORS,
      'ItemProcessor',
      'Iterator',
      'ItemsPath',
      'ItemSelector',
      'Parameters',
      'MaxConcurrency',
      'MaxConcurrencyPath',
      'ResultSelector',
      'ResultPath',
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'ToleratedFailurePercentage',
      'ToleratedFailurePercentagePath',
      'ToleratedFailureCount',
      'ToleratedFailureCountPath',
      'Label',
      'Assign',
    ],
    JSONata: [
      ...COMMON,
      ...FLOW,
      ...ERRORS,
      'ItemProcessor',
      'Items',
      'ItemSelector',
      'MaxConcurrency',
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'ToleratedFailurePercentage',
      'ToleratedFailureCount',
      'Label',
      'Output',
      'Assign',
    ],
  },
};

/** Fields a type cannot do without. */
export const REQUIRED_FIELDS: Partial<Record<StateType, string[]>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
  Parallel: ['Branches'],
};

/** Groups of fields of which a state may have at most one (Wait: exactly one). */
export const AT_MOST_ONE: string[][] = [
  ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'],
  ['TimeoutSeconds', 'TimeoutSecondsPath'],
  ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
  ['ItemProcessor', 'Iterator'],
  ['ItemSelector', 'Parameters'],
  ['MaxConcurrency', 'MaxConcurrencyPath'],
  ['Error', 'ErrorPath'],
  ['Cause', 'CausePath'],
  ['Result', 'Parameters'],
];

export const RETRIER_FIELDS = [
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
];

export const CATCHER_FIELDS: Record<QueryLanguage, string[]> = {
  JSONPath: ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment'],
  JSONata: ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'],
};

export const TOP_LEVEL_FIELDS = [
  'StartAt',
  'States',
  'Comment',
  'Version',
  'TimeoutSeconds',
  'QueryLanguage',
];

export const NESTED_MACHINE_FIELDS = [
  'StartAt',
  'States',
  'Comment',
  'QueryLanguage',
  'ProcessorConfig',
];

/** JSONPath Choice rule operators (data-test expressions). */
export const CHOICE_OPERATORS = [
  ...['String', 'Numeric', 'Timestamp'].flatMap((kind) =>
    ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'].flatMap(
      (comparison) => [`${kind}${comparison}`, `${kind}${comparison}Path`],
    ),
  ),
  'StringMatches',
  'BooleanEquals',
  'BooleanEqualsPath',
  'IsNull',
  'IsPresent',
  'IsNumeric',
  'IsString',
  'IsBoolean',
  'IsTimestamp',
];
