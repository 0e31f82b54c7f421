/**
 * A definition as CreateStateMachine takes it: parsed, checked as AWS checks it (the shape of
 * every state, the transitions, the paths, intrinsics, JSONata expressions and variables;
 * InvalidDefinition with ValidateStateMachineDefinition's codes), then checked against what the
 * offline platform runs (ValidationException naming the state and field), and compiled for the
 * interpreter.
 */
import { type CompiledMachine, compile } from '../engine/compile.ts';
import { isObject, type MachineDefinition } from '../engine/types.ts';
import { checkExpressions } from './check-expressions.ts';
import { checkGraph } from './check-graph.ts';
import { checkState } from './check-states.ts';
import { Diagnostics, pointer } from './diagnostics.ts';
import { TOP_LEVEL_FIELDS } from './fields.ts';
import { refuseUnsupported } from './offline.ts';
import { walkStates } from './walk.ts';

const INVALID_RESOURCE = /^arn:aws[a-z-]*:/;

export const parseDefinition = (text: string): CompiledMachine => {
  const diagnostics = new Diagnostics();
  if (text.trim() === '') {
    diagnostics.add('MISSING_DESCRIPTION', 'Definition must be a valid JSON object', '/');
    diagnostics.throwIfAny();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    diagnostics.add('INVALID_JSON_DESCRIPTION', (error as Error).message, '/');
    diagnostics.throwIfAny();
  }
  if (!isObject(parsed as never)) {
    diagnostics.add('SCHEMA_VALIDATION_FAILED', 'Definition must be a valid JSON object', '/');
    diagnostics.throwIfAny();
  }
  const definition = parsed as MachineDefinition;
  const missing = ['States', 'StartAt'].filter((field) => !(field in definition));
  if (missing.length > 0) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      `These fields are required: [${missing.join(', ')}]`,
      '/',
    );
    diagnostics.throwIfAny();
  }
  for (const field of Object.keys(definition).filter(
    (candidate) => !TOP_LEVEL_FIELDS.includes(candidate),
  )) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      `The field '${field}' is not supported at the top level`,
      pointer(field),
    );
  }
  if (
    definition.QueryLanguage !== undefined &&
    definition.QueryLanguage !== 'JSONPath' &&
    definition.QueryLanguage !== 'JSONata'
  ) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      "'QueryLanguage' must be 'JSONPath' or 'JSONata'",
      '/QueryLanguage',
    );
  }
  if (
    definition.TimeoutSeconds !== undefined &&
    !(
      typeof definition.TimeoutSeconds === 'number' &&
      Number.isInteger(definition.TimeoutSeconds) &&
      definition.TimeoutSeconds > 0
    )
  ) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      "The value of 'TimeoutSeconds' must be a positive integer",
      '/TimeoutSeconds',
    );
  }
  if (!isObject(definition.States as never)) {
    diagnostics.add('SCHEMA_VALIDATION_FAILED', "'States' must be a JSON object", '/States');
    diagnostics.throwIfAny();
  }
  walkStates(definition, (visit) => {
    checkState(visit, diagnostics);
    if (
      visit.state.Type === 'Task' &&
      typeof visit.state.Resource === 'string' &&
      !INVALID_RESOURCE.test(visit.state.Resource)
    ) {
      diagnostics.add(
        'INVALID_RESOURCE',
        `Resource '${visit.state.Resource}' is not an ARN`,
        `${visit.location}/Resource`,
      );
    }
  });
  checkGraph(definition, diagnostics);
  diagnostics.throwIfAny();
  checkExpressions(definition, diagnostics);
  diagnostics.throwIfAny();
  walkStates(definition, refuseUnsupported);
  return compile(definition);
};
