/**
 * An execution's path on the graph, read from its history (GetExecutionHistory's events, from
 * the built-in Step Functions or Step Functions Local alike): each state it entered, how that
 * went (the statuses of shapes.ts), how many times its task was retried, and which transitions
 * it took.
 */
import {
  TASK_ATTEMPTED as ATTEMPT,
  TASK_FAILED as FAILED,
  TASK_SUCCEEDED as SUCCEEDED,
} from '../aws/history-events.ts';
import type { ExecutionPath, Graph, StateOnPath, StateStatus } from './shapes.ts';

/** The fields of a history event this reads (the SDK's HistoryEvent has them all). */
export interface PathEvent {
  type?: string | undefined;
  stateEnteredEventDetails?: { name?: string | undefined } | undefined;
}

const EXECUTION_ENDED = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
]);

interface Visit {
  name: string;
  attempts: number;
  task: 'succeeded' | 'failed' | undefined;
  exited: boolean;
}

export const pathOf = (graph: Graph, events: PathEvent[]): ExecutionPath => {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const visits: Visit[] = [];
  let ended = false;
  for (const event of events) {
    const type = event.type ?? '';
    const current = visits.at(-1);
    if (type.endsWith('StateEntered')) {
      visits.push({
        name: event.stateEnteredEventDetails?.name ?? '',
        attempts: 0,
        task: undefined,
        exited: false,
      });
    } else if (type.endsWith('StateExited')) {
      if (current) current.exited = true;
    } else if (ATTEMPT.has(type)) {
      if (current) current.attempts++;
    } else if (SUCCEEDED.has(type)) {
      if (current) current.task = 'succeeded';
    } else if (FAILED.has(type)) {
      if (current) current.task = 'failed';
    } else if (EXECUTION_ENDED.has(type)) {
      ended = true;
    }
  }

  const statusOf = (visit: Visit, left: boolean, before: Visit | undefined): StateStatus => {
    const node = nodes.get(visit.name);
    if (node?.type === 'Fail') return 'failed';
    if (node?.type === 'Succeed') return 'succeeded';
    if (!left) return ended ? 'failed' : 'running';
    if (visit.task === 'failed') return 'caught';
    // A choice decides and does nothing: it takes the colour of the way that reached it.
    const kind = node?.kind === 'choice' ? nodes.get(before?.name ?? '')?.kind : node?.kind;
    return kind === 'fallback' ? 'fallback' : 'succeeded';
  };

  const states: Record<string, StateOnPath> = {};
  const edges: string[] = [];
  visits.forEach((visit, index) => {
    const next = visits[index + 1];
    const left = visit.exited || next !== undefined;
    const known = states[visit.name];
    states[visit.name] = {
      status: statusOf(visit, left, visits[index - 1]),
      retries: (known?.retries ?? 0) + Math.max(0, visit.attempts - 1),
    };
    if (next) {
      const candidates = graph.edges.filter(
        (edge) => edge.from === visit.name && edge.to === next.name,
      );
      const taken =
        candidates.find((edge) => (visit.task === 'failed') === (edge.kind === 'catch')) ??
        candidates[0];
      if (taken) edges.push(taken.id);
    }
  });
  return { states, edges, entered: visits.map((visit) => visit.name) };
};
