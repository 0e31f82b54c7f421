/**
 * Runs JSONata evaluations in worker processes (worker.ts), never on the thread that serves
 * every port: an expression that loops, recurses without end or eats memory costs a worker,
 * not the platform. (Processes, not threads: a worker thread out of memory takes the whole
 * process down with it, whatever its resource limits say.)
 *
 * Each evaluation has a budget: jsonata's own guardrails stop it past `timeoutMs` or
 * `stackDepth` (JSONata error D1012 / D1011); a worker that still does not answer `graceMs`
 * later (a single built-in call that runs long: a huge sort, a regular expression that
 * backtracks) is killed, as one that runs out of its `memoryMb` dies; its other jobs go to the
 * worker that replaces it. Every failure becomes the state's States.QueryEvaluationError.
 *
 * An execution evaluates on one lane (one worker), so its evaluations answer in the order it
 * asked them and its history reads the same on every run; executions are spread over the lanes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Answer, Budget, Failure, Job, JsonataJob } from './protocol.ts';

/** How long a worker with nothing to do is kept (a new one starts in some 100 ms). */
const IDLE_MS = 10_000;

/** A query's matches may be as large as the data they come from (a payload, 256 KB) and more. */
const MAX_QUERY_BYTES = 4 * 1024 * 1024;

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface EvaluatorBudget extends Budget {
  /** How long past `timeoutMs` a worker may stay silent before it is terminated. */
  graceMs: number;
  /** The heap one worker may use. */
  memoryMb: number;
  /** How many workers (lanes), each a process. */
  workers: number;
}

/** AWS documents no time limit for one expression; these keep a runaway from costing more. */
export const DEFAULT_EVALUATOR_BUDGET: EvaluatorBudget = {
  timeoutMs: 10_000,
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

/** A job's failure when its worker is gone. */
const lost = (job: Job, why: string): Failure => ({
  kind: 'threw',
  location: job.kind === 'jsonata' ? (job.fields[0]?.location ?? '') : job.path,
  expression: '',
  message: why,
});

/** One worker process and the jobs it has not answered yet. */
class Slot {
  readonly #budget: EvaluatorBudget;
  #worker: ChildProcess | undefined;
  readonly #pending = new Map<number, Pending>();
  /** Ends a worker left with nothing to do for IDLE_MS: a process is not kept for nothing. */
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(budget: EvaluatorBudget) {
    this.#budget = budget;
  }

  #thread(): ChildProcess {
    if (this.#worker) return this.#worker;
    const worker = fork(WORKER, [], {
      execArgv: [`--max-old-space-size=${this.#budget.memoryMb}`],
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    this.#idle(worker);
    worker.on('message', (answer: Answer) => {
      const pending = this.#pending.get(answer.id);
      if (!pending) return;
      this.#settle(
        pending,
        answer.ok ? { ok: true, values: answer.values } : { ok: false, failure: answer.failure },
      );
    });
    worker.on('error', () => undefined);
    worker.on('exit', (code, signal) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      // Out of memory, V8 aborts the process.
      this.#failAll(
        signal === 'SIGABRT' || code === 134
          ? `the evaluation used more than its ${this.#budget.memoryMb} MB`
          : `the evaluation stopped (${signal ?? `exit code ${code}`})`,
      );
    });
    this.#worker = worker;
    return worker;
  }

  /** A worker with nothing to do holds nothing open, and ends if it stays so. */
  #idle(worker: ChildProcess) {
    worker.unref();
    worker.channel?.unref();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#worker !== worker || this.#pending.size > 0) return;
      this.#worker = undefined;
      worker.kill('SIGKILL');
    }, IDLE_MS);
    this.#idleTimer.unref();
  }

  #busy(worker: ChildProcess) {
    clearTimeout(this.#idleTimer);
    worker.ref();
    worker.channel?.ref();
  }

  #settle(pending: Pending, outcome: Outcome) {
    clearTimeout(pending.timer);
    this.#pending.delete(pending.job.id);
    if (this.#pending.size === 0 && this.#worker) this.#idle(this.#worker);
    pending.resolve(outcome);
  }

  /** Every job in flight fails with `why` (the worker that had them is gone). */
  #failAll(why: string) {
    for (const pending of [...this.#pending.values()]) {
      this.#settle(pending, { ok: false, failure: lost(pending.job, why) });
    }
  }

  #send(pending: Pending) {
    const worker = this.#thread();
    this.#busy(worker);
    pending.timer = setTimeout(
      () => this.#overrun(pending),
      this.#budget.timeoutMs + this.#budget.graceMs,
    );
    pending.timer.unref();
    worker.send(pending.job);
  }

  /** A job past its budget and grace: its worker goes, the other jobs start again on a new one. */
  #overrun(pending: Pending) {
    this.#discard(
      `the evaluation ran longer than its ${this.#budget.timeoutMs} ms budget`,
      pending,
    );
  }

  /** Kills the worker: `victim` (or every job of `lane`) fails, the others are sent again. */
  #discard(why: string, victim?: Pending, lane?: object) {
    const worker = this.#worker;
    this.#worker = undefined;
    worker?.kill('SIGKILL');
    const others: Pending[] = [];
    for (const pending of [...this.#pending.values()]) {
      if (pending === victim || pending.lane === lane) {
        this.#settle(pending, { ok: false, failure: lost(pending.job, why) });
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
    if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Held until it has exited, so that closing waits for it.
    this.#busy(worker);
    worker.kill('SIGKILL');
    await exited;
  }
}

/** An execution's way to the workers: its jobs, in its order, on one of them. */
export interface Lane {
  run(fields: JsonataJob['fields'], bindings: string, maxBytes: number): Promise<Outcome>;
  /** A JSONPath query over large data: the array of what `path` matches in `data`. */
  query(path: string, data: unknown): Promise<Outcome>;
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
          {
            id: ++this.#ids,
            kind: 'jsonata',
            fields,
            bindings,
            budget: { timeoutMs, stackDepth },
            maxBytes,
          },
          token,
        ),
      query: (path, data) =>
        slot.run(
          {
            id: ++this.#ids,
            kind: 'jsonpath',
            path,
            json: JSON.stringify(data),
            maxBytes: MAX_QUERY_BYTES,
          },
          token,
        ),
      close: () => slot.cancel(token),
    };
  }

  async close() {
    await Promise.all(this.#slots.map((slot) => slot.close()));
  }
}
