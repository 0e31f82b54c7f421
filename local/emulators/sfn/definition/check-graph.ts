/**
 * The transitions, as CreateStateMachine checks them: state names unique in the whole machine
 * (DUPLICATE_STATE_NAME); every StartAt, Next, Default and Catch Next naming a state of the same
 * machine, never one inside or outside a branch or a Map's processor, and every state reachable
 * (MISSING_TRANSITION_TARGET); a way to end in each machine (MISSING_END_STATE).
 */
import { isObject, type MachineDefinition } from '../engine/types.ts';
import { type Diagnostics, pointer } from './diagnostics.ts';
import { walkStates } from './walk.ts';

/** Where each state of one machine may go next. */
const targetsOf = (state: Record<string, unknown>, location: string) => {
  const targets: { name: unknown; location: string }[] = [];
  if ('Next' in state) targets.push({ name: state.Next, location: `${location}/Next` });
  if ('Default' in state) targets.push({ name: state.Default, location: `${location}/Default` });
  for (const [index, rule] of (Array.isArray(state.Choices) ? state.Choices : []).entries()) {
    if (isObject(rule) && 'Next' in rule)
      targets.push({ name: rule.Next, location: `${location}/Choices/${index}/Next` });
  }
  for (const [index, catcher] of (Array.isArray(state.Catch) ? state.Catch : []).entries()) {
    if (isObject(catcher) && 'Next' in catcher)
      targets.push({ name: catcher.Next, location: `${location}/Catch/${index}/Next` });
  }
  return targets;
};

const checkMachine = (machine: MachineDefinition, location: string, diagnostics: Diagnostics) => {
  const states = isObject(machine.States) ? machine.States : {};
  const names = Object.keys(states);
  if (names.length === 0) {
    diagnostics.add(
      'SCHEMA_VALIDATION_FAILED',
      "'States' must have at least one state",
      `${location}/States`,
    );
    return;
  }
  if (typeof machine.StartAt !== 'string' || !Object.hasOwn(states, machine.StartAt)) {
    diagnostics.add(
      'MISSING_TRANSITION_TARGET',
      `Missing 'StartAt' target: ${String(machine.StartAt)}`,
      `${location}/StartAt`,
    );
    return;
  }
  const reachable = new Set<string>([machine.StartAt]);
  const pending = [machine.StartAt];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const state = states[name] as unknown as Record<string, unknown>;
    if (!isObject(state as never)) continue;
    for (const target of targetsOf(state, `${location}${pointer('States', name)}`)) {
      if (typeof target.name !== 'string' || !Object.hasOwn(states, target.name)) {
        diagnostics.add(
          'MISSING_TRANSITION_TARGET',
          `Missing '${target.location.split('/').at(-1) === 'Default' ? 'Default' : 'Next'}' target: ${String(target.name)}`,
          target.location,
        );
        continue;
      }
      if (!reachable.has(target.name)) {
        reachable.add(target.name);
        pending.push(target.name);
      }
    }
  }
  for (const name of names.filter((candidate) => !reachable.has(candidate))) {
    diagnostics.add(
      'MISSING_TRANSITION_TARGET',
      `State "${name}" is not reachable.`,
      `${location}${pointer('States', name)}`,
    );
  }
  const ends = Object.values(states).some(
    (state) =>
      isObject(state as never) &&
      (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail'),
  );
  if (!ends)
    diagnostics.add('MISSING_END_STATE', 'Workflow has no terminal state', location || '/');
};

export const checkGraph = (definition: MachineDefinition, diagnostics: Diagnostics) => {
  checkMachine(definition, '', diagnostics);
  const seen = new Map<string, string>();
  walkStates(definition, ({ name, state, location }) => {
    const first = seen.get(name);
    if (first !== undefined) {
      diagnostics.add(
        'DUPLICATE_STATE_NAME',
        `Duplicate State name: ${name} (also at ${first})`,
        location,
      );
    } else {
      seen.set(name, location);
    }
    for (const [index, branch] of (Array.isArray(state.Branches) ? state.Branches : []).entries()) {
      if (isObject(branch as never))
        checkMachine(branch, `${location}/Branches/${index}`, diagnostics);
    }
    for (const field of ['ItemProcessor', 'Iterator'] as const) {
      const processor = state[field];
      if (isObject(processor as never))
        checkMachine(processor as MachineDefinition, `${location}/${field}`, diagnostics);
    }
  });
};
