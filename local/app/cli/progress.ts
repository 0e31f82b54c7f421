/**
 * A saga's progress in words, from its execution history as GetExecutionHistory returns it:
 * each state done or failed, each retry, the turn to compensation, the end. What a person
 * watches instead of reading logs (`npm run book`).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { doneWord, SAGA_STEPS } from '#bookings/steps.ts';

/**
 * What a booked trip holds, from the saga's steps: each booking by what its last step did to it,
 * alike ones together ("hotel and flight confirmed, payment taken").
 */
const BOOKED = (() => {
  const lastWord = new Map<string, string>(SAGA_STEPS.map((step) => [step.kind, doneWord(step)]));
  const byWord = new Map<string, string[]>();
  for (const [kind, word] of lastWord) byWord.set(word, [...(byWord.get(word) ?? []), kind]);
  return [...byWord].map(([word, kinds]) => `${kinds.join(' and ')} ${word}`).join(', ');
})();

interface Progress {
  /** The task state running now, and the errors its attempts have had. */
  current?: { name: string; failures: string[] };
  compensating: boolean;
}

export const newProgress = (): Progress => ({ compensating: false });

const WIDTH = 30;
const label = (name: string) => `  ${name.padEnd(WIDTH, ' ')}`;
const retries = (count: number) => `${count} ${count === 1 ? 'retry' : 'retries'}`;

/** Errors of a failed task: its name, and the message inside a Lambda error's JSON cause. */
const describeError = (error = '', cause = '') => {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) return `${error} (${parsed.errorMessage})`;
  } catch {
    // A cause that is not a Lambda error's JSON is shown as it is.
  }
  return cause ? `${error} (${cause})` : error;
};

/** The lines one history event adds to the story. */
export const describeEvent = (event: HistoryEvent, progress: Progress): string[] => {
  switch (event.type) {
    case 'TaskStateEntered': {
      const name = event.stateEnteredEventDetails?.name ?? '?';
      progress.current = { name, failures: [] };
      return [];
    }
    case 'TaskScheduled': {
      const current = progress.current;
      if (!current || current.failures.length === 0) return [];
      return [
        `${label(current.name)}retry ${current.failures.length} after ${current.failures.at(-1)}`,
      ];
    }
    case 'TaskFailed':
    case 'TaskTimedOut': {
      const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
      progress.current?.failures.push(describeError(details?.error, details?.cause));
      return [];
    }
    case 'TaskStateExited': {
      const name = event.stateExitedEventDetails?.name ?? '?';
      const output = JSON.parse(event.stateExitedEventDetails?.output ?? '{}') as Record<
        string,
        unknown
      >;
      const failures = progress.current?.failures ?? [];
      const caught = `${name}Error` in output || (name.startsWith('Record') && failures.length > 0);
      progress.current = undefined;
      if (caught) {
        const lines = [`${label(name)}failed: ${failures.at(-1) ?? 'error'}`];
        if (!progress.compensating) {
          progress.compensating = true;
          lines.push('  ↩ compensating: undoing what may have happened, in reverse order');
        }
        return lines;
      }
      const retried = failures.length > 0 ? ` after ${retries(failures.length)}` : '';
      return [`${label(name)}done${retried}`];
    }
    case 'SucceedStateEntered':
    case 'FailStateEntered':
      return [];
    case 'ExecutionSucceeded':
      return [`  ✓ booked: ${BOOKED}`];
    case 'ExecutionFailed': {
      const { error = '', cause = '' } = event.executionFailedEventDetails ?? {};
      return [`  ✗ ${error}: ${cause}`];
    }
    case 'ExecutionAborted':
      return ['  ✗ the execution was stopped'];
    case 'ExecutionTimedOut':
      return ['  ✗ the execution timed out'];
    default:
      return [];
  }
};
