/**
 * How CreateStateMachine refuses a definition, as AWS does: InvalidDefinition with
 * ValidateStateMachineDefinition's diagnostic codes, each with its location
 * (`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ... at /States/A/Next'`); and
 * how the offline platform refuses what AWS accepts but it cannot run: ValidationException
 * naming the state and the field.
 */
import { StepFunctionsError } from '../errors.ts';

/** The error codes of ValidateStateMachineDefinitionDiagnostic that these checks use. */
export type DiagnosticCode =
  | 'INVALID_JSON_DESCRIPTION'
  | 'MISSING_DESCRIPTION'
  | 'SCHEMA_VALIDATION_FAILED'
  | 'INVALID_RESOURCE'
  | 'MISSING_END_STATE'
  | 'DUPLICATE_STATE_NAME'
  | 'INVALID_STATE_NAME'
  | 'MISSING_TRANSITION_TARGET'
  | 'TOO_DEEPLY_NESTED';

export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  /** A JSON pointer into the definition: `/States/A/Next`. */
  location: string;
}

/** Collects a definition's diagnostics; `refuse` throws them as CreateStateMachine does. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  add(code: DiagnosticCode, message: string, location: string) {
    this.list.push({ code, message, location });
  }

  /** Throws InvalidDefinition if there is any. */
  throwIfAny() {
    if (this.list.length === 0) return;
    throw new StepFunctionsError(
      'InvalidDefinition',
      `Invalid State Machine Definition: '${this.list
        .map(({ code, message, location }) => `${code}: ${message} at ${location}`)
        .join(', ')}'`,
    );
  }
}

/** A JSON pointer segment: `/` and `~` escaped. */
export const pointer = (...parts: (string | number)[]) =>
  parts.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** What AWS accepts but the offline platform cannot run: refused by name, never run wrong. */
export const refuseOffline = (state: string, field: string, what: string): never => {
  throw new StepFunctionsError(
    'ValidationException',
    `State '${state}': field '${field}' (${what}) is not supported by the offline platform`,
  );
};
