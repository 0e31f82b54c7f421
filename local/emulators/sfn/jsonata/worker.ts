/**
 * The JSONata worker, a process of its own: evaluates the jobs the evaluator (evaluator.ts)
 * sends, away from the process that serves every port. Each expression is compiled once, with jsonata's guardrails (the job's time
 * and depth budget) and Step Functions' functions bound; `$eval` is withheld. A field's value
 * goes back as JSON text, checked against the payload limit here, so a huge value never crosses.
 */
import jsonata from 'jsonata';
import { JSONPath } from 'jsonpath-plus';
import { expressionOf } from './expression.ts';
import { STEP_FUNCTIONS_FUNCTIONS, WITHHELD_FUNCTIONS } from './functions/index.ts';
import type { Answer, Budget, Failure, Job, JsonataJob, JsonPathJob } from './protocol.ts';

const compiled = new Map<string, jsonata.Expression>();

const compile = (source: string, budget: Budget): jsonata.Expression => {
  const key = `${budget.timeoutMs}:${budget.stackDepth}:${source}`;
  let expression = compiled.get(key);
  if (expression) return expression;
  expression = jsonata(source, { timeout: budget.timeoutMs, stack: budget.stackDepth });
  for (const [name, { implementation, signature }] of Object.entries(STEP_FUNCTIONS_FUNCTIONS)) {
    expression.registerFunction(name, implementation as never, signature);
  }
  for (const name of WITHHELD_FUNCTIONS) {
    expression.registerFunction(name, () => {
      throw { code: 'T1006', token: name, message: 'Attempted to invoke a non-function' };
    });
  }
  if (compiled.size > 5000) compiled.clear();
  compiled.set(key, expression);
  return expression;
};

class FieldFailure extends Error {
  readonly failure: Failure;

  constructor(failure: Failure) {
    super(failure.kind);
    this.failure = failure;
  }
}

const messageOf = (error: unknown): string => {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const text = message ?? String(error);
  return code && code !== 'SFN' ? `${code}: ${text}` : text;
};

/** Evaluates a template: each `{% %}` string replaced by its value, failing on the first bad one. */
const evaluate = async (
  template: unknown,
  location: string,
  bindings: Record<string, unknown>,
  budget: Budget,
): Promise<unknown> => {
  const source = expressionOf(template);
  if (source !== undefined) {
    let value: unknown;
    try {
      value = await compile(source, budget).evaluate(undefined, bindings);
    } catch (error) {
      throw new FieldFailure({
        kind: 'threw',
        location,
        expression: source,
        message: messageOf(error),
      });
    }
    if (value === undefined)
      throw new FieldFailure({ kind: 'undefined', location, expression: source });
    if (typeof value === 'function') {
      throw new FieldFailure({ kind: 'unsupported', location, expression: source });
    }
    return value;
  }
  if (Array.isArray(template)) {
    const values = [];
    for (const [index, item] of template.entries()) {
      values.push(await evaluate(item, `${location}/${index}`, bindings, budget));
    }
    return values;
  }
  if (typeof template === 'object' && template !== null) {
    const entries: [string, unknown][] = [];
    for (const [key, item] of Object.entries(template)) {
      entries.push([key, await evaluate(item, `${location}/${key}`, bindings, budget)]);
    }
    return Object.fromEntries(entries);
  }
  return template;
};

/** A JSONPath query over large data: the array of what it matches. */
const query = (job: JsonPathJob): Answer => {
  const json = JSON.parse(job.json) as object;
  const text = JSON.stringify(JSONPath({ path: job.path, json, wrap: true }));
  if (Buffer.byteLength(text, 'utf8') > job.maxBytes) {
    return {
      id: job.id,
      ok: false,
      failure: {
        kind: 'too-big',
        location: job.path,
        expression: job.path,
        bytes: Buffer.byteLength(text, 'utf8'),
      },
    };
  }
  return { id: job.id, ok: true, values: [text] };
};

const run = async (job: Job): Promise<Answer> =>
  job.kind === 'jsonpath' ? query(job) : evaluateJob(job);

const evaluateJob = async (job: JsonataJob): Promise<Answer> => {
  const bindings = JSON.parse(job.bindings) as Record<string, unknown>;
  const values: (string | null)[] = [];
  try {
    for (const { location, template } of job.fields) {
      const value = await evaluate(template, location, bindings, job.budget);
      const text = JSON.stringify(value);
      if (Buffer.byteLength(text, 'utf8') > job.maxBytes) {
        const expression = expressionOf(template) ?? JSON.stringify(template);
        return {
          id: job.id,
          ok: false,
          failure: {
            kind: 'too-big',
            location,
            expression,
            bytes: Buffer.byteLength(text, 'utf8'),
          },
        };
      }
      values.push(text);
    }
  } catch (error) {
    if (error instanceof FieldFailure) return { id: job.id, ok: false, failure: error.failure };
    throw error;
  }
  return { id: job.id, ok: true, values };
};

const send = (answer: Answer) => process.send?.(answer);

// Ctrl-C reaches the whole process group: the platform, not this worker, decides when it ends.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
// Its platform gone (ended, or killed), it has nothing left to do.
process.on('disconnect', () => process.exit(0));

process.on('message', (job: Job) => {
  run(job).then(
    (answer) => send(answer),
    (error: unknown) =>
      send({
        id: job.id,
        ok: false,
        failure: {
          kind: 'threw',
          location: job.kind === 'jsonata' ? (job.fields[0]?.location ?? '') : job.path,
          expression: '',
          message: messageOf(error),
        },
      } satisfies Answer),
  );
});
