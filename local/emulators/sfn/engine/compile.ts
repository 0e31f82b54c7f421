/**
 * A definition as the interpreter runs it, made once at CreateStateMachine: the definition
 * itself and the query language of every state: its own QueryLanguage, else its machine's (a
 * branch or a Map's processor may name one), else the top level's.
 */
import type { MachineDefinition, QueryLanguage, StateDefinition } from './types.ts';

export interface CompiledMachine {
  definition: MachineDefinition;
  languages: Map<string, QueryLanguage>;
  /** Every state by name, nested ones included (names are unique in a machine). */
  states: Map<string, StateDefinition>;
}

/** The nested machines of a state: a Parallel's branches, a Map's processor. */
export const nestedMachines = (state: StateDefinition): MachineDefinition[] => [
  ...(Array.isArray(state.Branches) ? state.Branches : []),
  ...(state.ItemProcessor ? [state.ItemProcessor] : state.Iterator ? [state.Iterator] : []),
];

export const compile = (definition: MachineDefinition): CompiledMachine => {
  const languages = new Map<string, QueryLanguage>();
  const states = new Map<string, StateDefinition>();
  const walk = (machine: MachineDefinition, inherited: QueryLanguage) => {
    const language = machine.QueryLanguage ?? inherited;
    for (const [name, state] of Object.entries(machine.States)) {
      languages.set(name, state.QueryLanguage ?? language);
      states.set(name, state);
      for (const nested of nestedMachines(state)) walk(nested, language);
    }
  };
  walk(definition, 'JSONPath');
  return { definition, languages, states };
};
