/**
 * Runs JSONata evaluations on worker threads (worker.ts), never on the thread that serves every
 * port: an expression that loops or recurses without end costs a worker, not the platform.
 *
 * Each evaluation has a budget: jsonata's own guardrails stop it past `timeoutMs` or
 * `stackDepth` (JSONata error D1012 / D1011); a worker that still does not answer `graceMs`
 * later (a single built-in call that runs long: a huge sort, a regular expression that
 * backtracks) is terminated, as is one that runs out of its `memoryMb`; its other jobs go to
 * the worker that replaces it. Every failure becomes the state's States.QueryEvaluationError.
 *
 * An execution evaluates on one lane (one worker), so its evaluations answer in the order it
 * asked them and its history reads the same on every run; executions are spread over the lanes.
 */
import { Worker } from 'node:worker_threads';
import type { Answer, Budget, Failure, Job } from './protocol.ts';

const WORKER = new URL('./worker.ts', import.meta.url);

export interface EvaluatorBudget extends Budget {
  /** How long past `timeoutMs` a worker may stay silent before it is terminated. */
  graceMs: number;
  /** The heap one worker may use. */
  memoryMb: number;
  /** How many workers (lanes). */
  workers: number;
}

/** AWS documents no time limit for one expression; these keep a runaway from costing more. */
export const DEFAULT_EVALUATOR_BUDGET: EvaluatorBudget = {
  timeoutMs: 5000,
  stackDepth: 10_000,
  graceMs: 2000,
  memoryMb: 256,
  workers: 2,
};

/** What a job gives: each field's value as JSON text, or why it failed. */
export type Outcome = { ok: true; values: (string | null)[] } | { ok: false; failure: Failure };

interface Pending {
  job: Job;
  resolve: (outcome: Outcome) => void;
  timer: NodeJS.Timeout | undefined;
  lane: object;
}

/** One worker thread and the jobs it has not answered yet. */
class Slot {
  readonly #budget: EvaluatorBudget;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();

  constructor(budget: EvaluatorBudget) {
    this.#budget = budget;
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER, {
      resourceLimits: { maxOldGenerationSizeMb: this.#budget.memoryMb },
    });
    worker.unref();
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#settle(
        pending,
        answer.ok ? { ok: true, values: answer.values } : { ok: false, failure: answer.failure },
      );
    });
    const lost = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(why);
    };
    worker.on('error', (error) =>
      lost(
        (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the evaluation used more than ${this.#budget.memoryMb} MB`
          : `the evaluation failed: ${error.message}`,
      ),
    );
    worker.on('exit', () => lost('the evaluation stopped'));
    this.#worker = worker;
    return worker;
  }

  #settle(pending: Pending, outcome: Outcome) {
    clearTimeout(pending.timer);
    this.#pending.delete(pending.job.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    pending.resolve(outcome);
  }

  /** Every job in flight fails with `why` (the worker that had them is gone). */
  #failAll(why: string) {
    for (const pending of [...this.#pending.values()]) {
      const field = pending.job.fields[0];
      this.#settle(pending, {
        ok: false,
        failure: { kind: 'threw', location: field?.location ?? '', expression: '', message: why },
      });
    }
  }

  #send(pending: Pending) {
    const worker = this.#thread();
    worker.ref();
    pending.timer = setTimeout(
      () => this.#overrun(pending),
      this.#budget.timeoutMs + this.#budget.graceMs,
    );
    pending.timer.unref();
    worker.postMessage(pending.job);
  }

  /** A job past its budget and grace: its worker goes, the other jobs start again on a new one. */
  #overrun(pending: Pending) {
    this.#discard(
      `the evaluation ran longer than its ${this.#budget.timeoutMs} ms budget`,
      pending,
    );
  }

  /** Terminates the worker: `victim` (or every job of `lane`) fails, the others are sent again. */
  #discard(why: string, victim?: Pending, lane?: object) {
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
    const others: Pending[] = [];
    for (const pending of [...this.#pending.values()]) {
      if (pending === victim || pending.lane === lane) {
        const field = pending.job.fields[0];
        this.#settle(pending, {
          ok: false,
          failure: { kind: 'threw', location: field?.location ?? '', expression: '', message: why },
        });
      } else {
        clearTimeout(pending.timer);
        others.push(pending);
      }
    }
    for (const pending of others) this.#send(pending);
  }

  run(job: Job, lane: object): Promise<Outcome> {
    return new Promise((resolve) => {
      const pending: Pending = { job, resolve, timer: undefined, lane };
      this.#pending.set(job.id, pending);
      this.#send(pending);
    });
  }

  /** A lane's execution ended: if it still has jobs here, they are dropped with their worker. */
  cancel(lane: object) {
    if ([...this.#pending.values()].some((pending) => pending.lane === lane)) {
      this.#discard('the execution ended', undefined, lane);
    }
  }

  async close() {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll('the platform is closing');
    await worker?.terminate();
  }
}

/** An execution's way to the workers: its jobs, in its order, on one of them. */
export interface Lane {
  run(fields: Job['fields'], bindings: string, maxBytes: number): Promise<Outcome>;
  /** The execution ended: anything of it still evaluating is stopped. */
  close(): void;
}

export class JsonataEvaluator {
  readonly #budget: EvaluatorBudget;
  readonly #slots: Slot[];
  #next = 0;
  #ids = 0;

  constructor(budget: Partial<EvaluatorBudget> = {}) {
    this.#budget = { ...DEFAULT_EVALUATOR_BUDGET, ...budget };
    this.#slots = Array.from(
      { length: Math.max(1, this.#budget.workers) },
      () => new Slot(this.#budget),
    );
  }

  get budget(): EvaluatorBudget {
    return this.#budget;
  }

  lane(): Lane {
    const slot = this.#slots[this.#next++ % this.#slots.length] as Slot;
    const token = {};
    const { timeoutMs, stackDepth } = this.#budget;
    return {
      run: (fields, bindings, maxBytes) =>
        slot.run(
          { id: ++this.#ids, fields, bindings, budget: { timeoutMs, stackDepth }, maxBytes },
          token,
        ),
      close: () => slot.cancel(token),
    };
  }

  async close() {
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }
}
