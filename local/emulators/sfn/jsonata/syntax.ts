/**
 * The checks of a JSONata expression at CreateStateMachine: it parses, and it uses only what
 * Step Functions runs, JSONata 2.0.6 (transforming-data): the `??` and `?:` operators came
 * later (jsonata 2.1) and are refused, naming the state and the field. Also the variables an
 * expression reads, so an evaluation sends only those to the worker.
 */
import jsonata from 'jsonata';

export interface ExpressionInfo {
  /** The `$name`s it reads (its own local bindings included: sending one too many costs nothing). */
  variables: string[];
  /** The members of `$states` it reads (all four when it uses `$states` as a whole). */
  states: string[];
}

const STATES_MEMBERS = ['input', 'result', 'errorOutput', 'context'];

/** Which members of `$states` an expression reads, from its text (a superset is harmless). */
const statesMembers = (source: string): string[] => {
  const uses = [...source.matchAll(/\$states\b(\s*\.\s*([A-Za-z]+))?/g)];
  if (uses.some((use) => use[2] === undefined || !STATES_MEMBERS.includes(use[2])))
    return STATES_MEMBERS;
  return [...new Set(uses.map((use) => use[2] as string))];
};

type Node = jsonata.ExprNode & {
  condition?: Node;
  then?: Node;
  else?: Node;
  procedure?: Node;
  [key: string]: unknown;
};

export class ExpressionRefused extends Error {}

const checked = new Map<string, ExpressionInfo>();

/** Parses and checks one expression; throws ExpressionRefused with the reason. */
export const checkExpression = (source: string): ExpressionInfo => {
  const known = checked.get(source);
  if (known) return known;
  let ast: Node;
  try {
    ast = jsonata(source).ast() as Node;
  } catch (error) {
    const { message, position } = error as { message?: string; position?: number };
    throw new ExpressionRefused(
      `the JSONata expression '${source}' is not valid: ${message ?? String(error)}${position === undefined ? '' : ` (at ${position})`}`,
    );
  }
  const variables = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    const expr = node as Node;
    // `a ?: b` parses as `a ? a : b` with the same node (and position) twice.
    if (
      expr.type === 'condition' &&
      expr.then !== undefined &&
      expr.condition !== undefined &&
      (expr.then === expr.condition ||
        (expr.then.position === expr.condition.position &&
          JSON.stringify(expr.then) === JSON.stringify(expr.condition)))
    ) {
      throw new ExpressionRefused(
        `the JSONata expression '${source}' uses the '?:' operator, which is not in JSONata 2.0.6 (the version Step Functions runs)`,
      );
    }
    if (
      expr.type === 'condition' &&
      expr.condition?.type === 'function' &&
      expr.condition.procedure?.value === 'exists' &&
      expr.condition.procedure.position === undefined
    ) {
      throw new ExpressionRefused(
        `the JSONata expression '${source}' uses the '??' operator, which is not in JSONata 2.0.6 (the version Step Functions runs)`,
      );
    }
    if (expr.type === 'variable' && typeof expr.value === 'string' && expr.value !== '') {
      variables.add(expr.value);
    }
    for (const value of Object.values(expr)) walk(value);
  };
  walk(ast);
  const info = { variables: [...variables], states: statesMembers(source) };
  if (checked.size > 10_000) checked.clear();
  checked.set(source, info);
  return info;
};
