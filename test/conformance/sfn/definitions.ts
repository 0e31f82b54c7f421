/**
 * What CreateStateMachine accepts and refuses: the state machine structure, the transitions,
 * the states' names, and the ValidateStateMachineDefinition diagnostic codes the API reference
 * documents (the refusal's message must carry the code). Refusals of one state type's fields
 * are with that state type's cases.
 */
import { accepted, chain, refused, type SfnCase, single, succeeds } from './case.ts';
import { PAGES } from './pages.ts';

const structure = (anchor: string) => `${PAGES.structure}#${anchor}`;
const spec = (anchor: string) => `${PAGES.spec}#${anchor}`;
const CODES = PAGES.diagnostics;

export const definitionCases: SfnCase[] = [
  {
    name: 'A definition that is not JSON is refused as INVALID_JSON_DESCRIPTION',
    page: CODES,
    definition: '{"StartAt": "A", "States": {',
    expect: refused('INVALID_JSON_DESCRIPTION'),
  },
  {
    name: 'A definition without StartAt is refused as SCHEMA_VALIDATION_FAILED',
    page: CODES,
    definition: { States: { A: { Type: 'Pass', End: true } } },
    expect: refused('SCHEMA_VALIDATION_FAILED'),
  },
  {
    name: 'A definition without States is refused as SCHEMA_VALIDATION_FAILED',
    page: CODES,
    definition: { StartAt: 'A' },
    expect: refused('SCHEMA_VALIDATION_FAILED'),
  },
  {
    name: 'A state of an unknown Type is refused as SCHEMA_VALIDATION_FAILED',
    page: CODES,
    definition: single({ Type: 'Sleep' }),
    expect: refused('SCHEMA_VALIDATION_FAILED'),
  },
  {
    name: 'A state with a field its type does not have is refused as SCHEMA_VALIDATION_FAILED',
    page: CODES,
    definition: single({
      Type: 'Pass',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Echo',
    }),
    expect: refused('SCHEMA_VALIDATION_FAILED'),
  },
  {
    name: 'A Next that names no state is refused as MISSING_TRANSITION_TARGET',
    page: CODES,
    definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } },
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'A Choice rule whose Next names no state is refused as MISSING_TRANSITION_TARGET',
    page: CODES,
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Nowhere' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    },
    expect: refused('MISSING_TRANSITION_TARGET'),
  },
  {
    name: 'A StartAt that names no state is refused',
    page: structure('statemachine-structure'),
    definition: { StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } },
    expect: refused(),
  },
  {
    name: 'StartAt matches a state name case-sensitively',
    page: structure('statemachine-structure'),
    definition: { StartAt: 'helloworld', States: { HelloWorld: { Type: 'Pass', End: true } } },
    expect: refused(),
  },
  {
    name: 'A machine without a terminal state is refused as MISSING_END_STATE',
    page: CODES,
    definition: {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } },
    },
    expect: refused('MISSING_END_STATE'),
  },
  {
    name: 'A state name used again in a Parallel branch is refused as DUPLICATE_STATE_NAME',
    page: CODES,
    definition: {
      StartAt: 'A',
      States: {
        A: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }],
          End: true,
        },
      },
    },
    expect: refused('DUPLICATE_STATE_NAME'),
  },
  {
    name: 'A state with both Next and End is refused',
    page: `${PAGES.structure}#amazon-states-language-common-fields`,
    definition: {
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B', End: true }, B: { Type: 'Succeed' } },
    },
    expect: refused(),
  },
  {
    name: 'A Pass state with neither Next nor End is refused',
    page: spec('transition'),
    definition: { StartAt: 'A', States: { A: { Type: 'Pass' } } },
    expect: refused(),
  },
  {
    name: 'States run in transition order, whatever their order in the definition',
    page: structure('statemachine-structure'),
    definition: {
      StartAt: 'One',
      States: {
        Three: {
          Type: 'Pass',
          Parameters: { 'steps.$': 'States.Array($.steps[0], $.steps[1], 3)' },
          End: true,
        },
        One: { Type: 'Pass', Result: { steps: [1] }, Next: 'Two' },
        Two: {
          Type: 'Pass',
          Parameters: { 'steps.$': 'States.Array($.steps[0], 2)' },
          Next: 'Three',
        },
      },
    },
    expect: succeeds({ steps: [1, 2, 3] }),
    path: ['One', 'Two', 'Three'],
  },
  {
    name: 'A one-state machine is both its start and its end',
    page: structure('statemachine-structure'),
    definition: { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } },
    input: { a: 1 },
    expect: succeeds({ a: 1 }),
  },
  {
    name: 'Comment, Version 1.0 and TimeoutSeconds are accepted at the top level',
    page: structure('statemachine-structure'),
    definition: {
      Comment: 'A machine',
      Version: '1.0',
      TimeoutSeconds: 60,
      StartAt: 'A',
      States: { A: { Type: 'Pass', End: true } },
    },
    expect: succeeds({}),
  },
  {
    name: 'A top-level QueryLanguage other than JSONPath or JSONata is refused',
    page: `${PAGES.jsonata}#querylanguage-field`,
    inferred:
      'The page says the field "can be set to JSONPath or JSONata": a definition error otherwise.',
    definition: {
      QueryLanguage: 'XPath',
      StartAt: 'A',
      States: { A: { Type: 'Pass', End: true } },
    },
    expect: refused(),
  },
  {
    name: 'A state may be named Default, like a field',
    page: structure('statemachine-structure'),
    inferred: 'A state name is any string the StartAt or a Next matches exactly.',
    definition: {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Default' }],
          Default: 'Default',
        },
        Default: { Type: 'Pass', Result: 'named Default', End: true },
      },
    },
    expect: succeeds('named Default'),
  },
  {
    name: 'A state name with spaces and punctuation is allowed',
    page: structure('statemachine-structure'),
    inferred: 'The developer guide\'s own examples name states "Check Price" and "Validate-All".',
    definition: chain([
      ['Get Current Price', { Type: 'Pass', Result: 1 }],
      ['Validate-All (v2)', { Type: 'Pass' }],
    ]),
    expect: succeeds(1),
  },
  {
    name: 'A state name longer than 80 characters is refused',
    page: CODES,
    inferred:
      'The diagnostics list INVALID_STATE_NAME without its rule; 80 characters is the service quota for names. The code is not asserted.',
    definition: single({ Type: 'Pass' }, 'S'.repeat(81)),
    expect: refused(),
  },
  {
    name: 'A Parameters value without .$ that looks like a path is only a warning',
    page: CODES,
    inferred: 'NO_DOLLAR is a warning code: the definition is accepted.',
    definition: single({
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Echo',
      Parameters: { item: '$.item' },
    }),
    expect: accepted,
  },
  {
    name: 'A field value that looks like a path under a name without Path is only a warning',
    page: CODES,
    inferred: 'NO_PATH is a warning code: the definition is accepted.',
    definition: single({ Type: 'Pass', Result: { next: '$.next' } }),
    expect: accepted,
  },
];
