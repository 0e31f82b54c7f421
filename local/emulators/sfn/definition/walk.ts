/**
 * Visits every state of a definition, nested ones included, with where it is (its JSON pointer,
 * the machine that holds it) and what it runs in (its query language, its variable scope: the
 * top level's, or a Parallel branch's or Map iteration's inside it).
 */
import {
  isObject,
  type MachineDefinition,
  type QueryLanguage,
  type StateDefinition,
} from '../engine/types.ts';
import { pointer } from './diagnostics.ts';

export interface Scope {
  parent: Scope | undefined;
  /** The machine of this scope: the top level, a branch, a Map's processor. */
  machine: MachineDefinition;
  location: string;
}

export interface Visit {
  name: string;
  state: StateDefinition;
  location: string;
  language: QueryLanguage;
  scope: Scope;
}

export const walkStates = (definition: MachineDefinition, visit: (visit: Visit) => void) => {
  const walk = (
    machine: MachineDefinition,
    location: string,
    inherited: QueryLanguage,
    scope: Scope,
  ) => {
    const language =
      machine.QueryLanguage === 'JSONata' || machine.QueryLanguage === 'JSONPath'
        ? machine.QueryLanguage
        : inherited;
    if (!isObject(machine.States)) return;
    for (const [name, state] of Object.entries(machine.States)) {
      if (!isObject(state)) continue;
      const stateLocation = `${location}${pointer('States', name)}`;
      const stateLanguage =
        state.QueryLanguage === 'JSONata' || state.QueryLanguage === 'JSONPath'
          ? state.QueryLanguage
          : language;
      visit({ name, state, location: stateLocation, language: stateLanguage, scope });
      const branches = Array.isArray(state.Branches) ? state.Branches : [];
      for (const [index, branch] of branches.entries()) {
        if (!isObject(branch)) continue;
        const branchLocation = `${stateLocation}${pointer('Branches', index)}`;
        walk(branch, branchLocation, language, {
          parent: scope,
          machine: branch,
          location: branchLocation,
        });
      }
      for (const field of ['ItemProcessor', 'Iterator'] as const) {
        const processor = state[field];
        if (!isObject(processor)) continue;
        const processorLocation = `${stateLocation}${pointer(field)}`;
        walk(processor as MachineDefinition, processorLocation, language, {
          parent: scope,
          machine: processor as MachineDefinition,
          location: processorLocation,
        });
      }
    }
  };
  walk(definition, '', 'JSONPath', { parent: undefined, machine: definition, location: '' });
};
