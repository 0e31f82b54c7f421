/**
 * An ASL definition as data: its states, the transitions between them, and the arithmetic of
 * its retry policies (the worst-case schedule an execution timeout must hold).
 */
import { readFileSync } from 'node:fs';

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string;
  Next: string;
}

export interface State {
  Type: 'Task' | 'Choice' | 'Succeed' | 'Fail' | 'Pass' | 'Wait' | 'Parallel' | 'Map';
  Comment?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  ResultPath?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Next?: string;
  End?: boolean;
  Choices?: ({ Next: string } & Record<string, unknown>)[];
  Default?: string;
  Error?: string;
  Cause?: string;
}

export interface Definition {
  Comment?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

export const readDefinition = (path: string): Definition =>
  JSON.parse(readFileSync(path, 'utf8')) as Definition;

export type EdgeKind = 'next' | 'catch' | 'choice' | 'default';

export interface Edge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/** Every transition of the state machine. */
export const edgesOf = (definition: Definition): Edge[] =>
  Object.entries(definition.States).flatMap(([from, state]) => [
    ...(state.Next ? [{ from, to: state.Next, kind: 'next' as const }] : []),
    ...(state.Catch ?? []).map((catcher) => ({ from, to: catcher.Next, kind: 'catch' as const })),
    ...(state.Choices ?? []).map((choice) => ({ from, to: choice.Next, kind: 'choice' as const })),
    ...(state.Default ? [{ from, to: state.Default, kind: 'default' as const }] : []),
  ]);

/** The waits a retrier may impose, before full jitter shortens them: min(I * B^(k-1), cap). */
export const retryDelays = (retrier: Retrier): number[] => {
  const interval = retrier.IntervalSeconds ?? 1;
  const backoff = retrier.BackoffRate ?? 2;
  const cap = retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY;
  return Array.from({ length: retrier.MaxAttempts ?? 3 }, (_, attempt) =>
    Math.min(interval * backoff ** attempt, cap),
  );
};

/** The most attempts a state can make: each retrier counts its own retries. */
export const maxAttempts = (state: State): number =>
  1 + (state.Retry ?? []).reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0);

/** The longest a state can take: every attempt running to its timeout, every wait at its longest. */
export const worstCaseSeconds = (state: State): number => {
  if (state.Type !== 'Task') return 0;
  if (state.TimeoutSeconds === undefined) return Number.POSITIVE_INFINITY;
  const waits = (state.Retry ?? []).flatMap(retryDelays).reduce((sum, delay) => sum + delay, 0);
  return maxAttempts(state) * state.TimeoutSeconds + waits;
};

/** The longest path from StartAt to an end, in worst-case seconds, and the states on it. */
export const worstCasePath = (definition: Definition): { seconds: number; states: string[] } => {
  const edges = edgesOf(definition);
  const memo = new Map<string, { seconds: number; states: string[] }>();
  const visiting = new Set<string>();
  const longest = (name: string): { seconds: number; states: string[] } => {
    const known = memo.get(name);
    if (known) return known;
    if (visiting.has(name)) throw new Error(`The state machine loops through ${name}`);
    visiting.add(name);
    const state = definition.States[name];
    if (!state) throw new Error(`Transition to a missing state: ${name}`);
    const tails = edges.filter((edge) => edge.from === name).map((edge) => longest(edge.to));
    const tail = tails.reduce<{ seconds: number; states: string[] } | undefined>(
      (best, next) => (best === undefined || next.seconds > best.seconds ? next : best),
      undefined,
    ) ?? { seconds: 0, states: [] };
    visiting.delete(name);
    const result = {
      seconds: worstCaseSeconds(state) + tail.seconds,
      states: [name, ...tail.states],
    };
    memo.set(name, result);
    return result;
  };
  return longest(definition.StartAt);
};

/** The `${Name}` placeholders of the definition, which DefinitionSubstitutions must fill. */
export const placeholdersOf = (definitionText: string): Set<string> =>
  new Set([...definitionText.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1] ?? ''));

/** The definition with every `${Name}` replaced; a placeholder without a value is an error. */
export const substitute = (definitionText: string, values: Record<string, string>): string =>
  definitionText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new Error(`DefinitionSubstitutions has no value for \${${name}}`);
    return value;
  });
