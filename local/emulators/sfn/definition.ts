/**
 * A state machine definition as CreateStateMachine takes it: parsed, checked against the ASL
 * (asl-validator), and checked against what this platform runs. A definition that uses a field
 * the offline platform cannot honour is refused, naming the field and the state, rather than
 * accepted and run without it.
 */
import aslValidator from 'asl-validator';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { StepFunctionsError } from './errors.ts';

type State = Record<string, unknown> & { Type?: string; Resource?: string };
type Machine = { StartAt?: string; States?: Record<string, State>; QueryLanguage?: string };

/** The states of a definition that the platform must know by name, its nested ones included. */
export interface ParsedDefinition {
  definition: StateMachineDefinition;
  /** The machine's query language: JSONata machines run on this platform's JSONata engine. */
  queryLanguage: 'JSONPath' | 'JSONata';
  /** Every Task state, by its name (names are unique across branches and iterations). */
  tasks: Record<string, State & { Resource: string; TimeoutSeconds?: number }>;
  /** Every state with a Retry field. */
  retrying: string[];
  /** Every state nested in each Parallel or Map state (its branches or iterations), by its name. */
  nested: Record<string, string[]>;
  /** Every Map state, by its name. */
  maps: Record<string, State & { InputPath?: string | null; ItemsPath?: string }>;
}

/**
 * Fields of the ASL that this platform does not run, with what they are. Each would change what
 * an execution does, so a definition using one is refused: silently ignoring it would give a
 * result AWS would not.
 */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  ItemReader: 'Distributed Map ItemReader',
  ItemBatcher: 'Distributed Map ItemBatcher',
  ResultWriter: 'Distributed Map ResultWriter',
  ToleratedFailurePercentage: 'Distributed Map ToleratedFailurePercentage',
  ToleratedFailurePercentagePath: 'Distributed Map ToleratedFailurePercentagePath',
  ToleratedFailureCount: 'Distributed Map ToleratedFailureCount',
  ToleratedFailureCountPath: 'Distributed Map ToleratedFailureCountPath',
  Label: 'Distributed Map Label',
  Credentials: 'cross-account Credentials',
  HeartbeatSeconds: 'HeartbeatSeconds (no callbacks or activities here)',
  HeartbeatSecondsPath: 'HeartbeatSecondsPath (no callbacks or activities here)',
};

/** JSONPath's fields, which a JSONata state has no use for: refused rather than ignored. */
const JSONATA_UNSUPPORTED: Record<string, string> = Object.fromEntries(
  [
    'Result',
    'Parameters',
    'InputPath',
    'OutputPath',
    'ResultPath',
    'ResultSelector',
    'ItemsPath',
    'SecondsPath',
    'TimestampPath',
    'ErrorPath',
    'CausePath',
    'TimeoutSecondsPath',
    'MaxConcurrencyPath',
  ].map((field) => [field, 'a JSONPath field in a JSONata state machine']),
);

/** Fields a JSONPath machine may not use here: variables run in JSONata machines only. */
const JSONPATH_UNSUPPORTED: Record<string, string> = {
  Assign: 'variables, which run here in JSONata state machines only',
};

const refuse = (state: string, field: string, what: string): never => {
  throw new StepFunctionsError(
    'ValidationException',
    `State '${state}': field '${field}' (${what}) is not supported by the offline platform`,
  );
};

const invalid = (message: string): never => {
  throw new StepFunctionsError(
    'InvalidDefinition',
    `Invalid State Machine Definition: '${message}'`,
  );
};

/** Parses and checks a definition; throws InvalidDefinition or ValidationException. */
export const parseDefinition = (text: string): ParsedDefinition => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return invalid((error as Error).message);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid('the definition must be a JSON object');
  }
  const root = parsed as Machine;
  const queryLanguage = root.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  const result: ParsedDefinition = {
    definition: parsed as StateMachineDefinition,
    queryLanguage,
    tasks: {},
    retrying: [],
    maps: {},
    nested: {},
  };
  const seen = new Set<string>();
  /** Walks a machine's states; returns their names, the nested ones included. */
  const walk = (machine: Machine): string[] => {
    const names: string[] = [];
    for (const [name, state] of Object.entries(machine.States ?? {})) {
      names.push(name);
      if (typeof state !== 'object' || state === null) continue;
      // The engine's task handlers and retry overrides go by name across every nesting level.
      if (seen.has(name)) {
        refuse(name, 'States', 'a state name used twice across branches or iterations');
      }
      seen.add(name);
      // One engine runs a whole machine: JSONata (this platform's) or JSONPath (the package's).
      if (state.QueryLanguage !== undefined && state.QueryLanguage !== queryLanguage) {
        refuse(
          name,
          'QueryLanguage',
          `a ${String(state.QueryLanguage)} state in a ${queryLanguage} state machine`,
        );
      }
      for (const field of Object.keys(state)) {
        const what =
          UNSUPPORTED_FIELDS[field] ??
          (queryLanguage === 'JSONPath' ? JSONPATH_UNSUPPORTED : JSONATA_UNSUPPORTED)[field];
        if (what) refuse(name, field, what);
      }
      // A catcher's fields belong to one query language too.
      for (const catcher of Array.isArray(state.Catch) ? (state.Catch as State[]) : []) {
        const foreign = queryLanguage === 'JSONata' ? ['ResultPath'] : ['Output', 'Assign'];
        for (const field of foreign.filter((candidate) => candidate in catcher)) {
          refuse(
            name,
            `Catch.${field}`,
            `a ${queryLanguage === 'JSONata' ? 'JSONPath' : 'JSONata'} field in a ${queryLanguage} state machine`,
          );
        }
      }
      if ('Retry' in state) result.retrying.push(name);
      if (state.Type === 'Task') {
        checkResource(name, state.Resource);
        result.tasks[name] = state as ParsedDefinition['tasks'][string];
      }
      if (state.Type === 'Map') {
        result.maps[name] = state;
        const processor = (state.ItemProcessor ?? state.Iterator) as
          | (Machine & { ProcessorConfig?: { Mode?: string } })
          | undefined;
        if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
          refuse(name, 'ItemProcessor.ProcessorConfig.Mode', 'Distributed Map');
        }
        if (processor?.QueryLanguage !== undefined && processor.QueryLanguage !== queryLanguage) {
          refuse(
            name,
            'ItemProcessor.QueryLanguage',
            `${processor.QueryLanguage} in a ${queryLanguage} state machine`,
          );
        }
        result.nested[name] = processor ? walk(processor) : [];
        names.push(...result.nested[name]);
      }
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        result.nested[name] = (state.Branches as Machine[]).flatMap(walk);
        names.push(...result.nested[name]);
      }
    }
    return names;
  };
  walk(root);
  const validation = aslValidator(structuredClone(parsed) as never);
  if (!validation.isValid) invalid(validation.errorsText('; '));
  return result;
};

/** A Task's Resource must be a resource this platform can run, or at least mock. */
const checkResource = (state: string, resource: unknown) => {
  if (typeof resource !== 'string' || !resource.startsWith('arn:aws:')) {
    invalid(`${state}: Resource '${String(resource)}' is not an ARN`);
  }
  if (/^arn:aws:states:[^:]*:\d*:activity:/.test(String(resource))) {
    refuse(state, 'Resource', 'an activity: the offline platform has no activity workers');
  }
};
