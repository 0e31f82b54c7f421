/**
 * Interleavings chosen by fast-check's scheduler, one I/O call at a time. Each actor (a handler
 * run in-process) stops at every call it makes (a scheduling point, put around the SDK clients
 * from outside); once every actor still running stands at a point, the scheduler picks the one
 * that goes on, which makes its call and runs to its next point. So a seed gives one order of
 * every call of every actor, whatever the calls' own timing: the races the crash points do not
 * reach (two events for one trip, the sweep against the reconciler against the repair, a late
 * task) are explored order by order, and a failing order is replayed by its seed and path.
 */
import type fc from 'fast-check';

export class Interleaving {
  #scheduler: fc.Scheduler | undefined;
  /** Actors running between two points (0: every actor waits at a point, or has ended). */
  #running = 0;
  #whenQuiet: (() => void) | undefined;
  readonly #actors: Promise<void>[] = [];
  /** What actors threw, by error name (a Lambda would retry them; the drain runs them again). */
  readonly errors: string[] = [];

  /** A scheduling point: the caller waits here until the scheduler lets it go on. */
  point = async (label: string): Promise<void> => {
    const scheduler = this.#scheduler;
    if (!scheduler) return;
    this.#leave();
    await scheduler.schedule(Promise.resolve(label), label, undefined, async (release) => {
      // Counted as running again before it is released: no other point is picked meanwhile.
      this.#running++;
      await release();
    });
  };

  /** Starts an actor (also from inside another one: a handler an event invokes). */
  spawn(name: string, actor: () => Promise<unknown>): void {
    this.#running++;
    const run = (async () => {
      try {
        await actor();
      } catch (error) {
        this.errors.push(`${name}: ${error instanceof Error ? error.name : String(error)}`);
      } finally {
        this.#leave();
      }
    })();
    this.#actors.push(run);
  }

  /** Runs `actors` to their end, one call at a time, in the order `scheduler` picks. */
  async run(scheduler: fc.Scheduler, actors: Record<string, () => Promise<unknown>>) {
    this.#scheduler = scheduler;
    try {
      for (const [name, actor] of Object.entries(actors)) this.spawn(name, actor);
      for (;;) {
        await this.#quiet();
        if (scheduler.count() === 0) break;
        await scheduler.waitNext(1);
      }
      await Promise.all(this.#actors);
    } finally {
      this.#scheduler = undefined;
    }
  }

  #leave() {
    this.#running--;
    if (this.#running === 0) this.#whenQuiet?.();
  }

  #quiet(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#whenQuiet = () => {
        this.#whenQuiet = undefined;
        resolve();
      };
    });
  }
}
