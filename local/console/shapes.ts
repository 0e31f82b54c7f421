/**
 * What the console's server sends its page: the laid-out graph, the executions, and one
 * execution's path, history and items. Types only, shared by the server (Node) and the page
 * (the browser), so neither can drift from the other.
 */

/**
 * Forward steps run from StartAt on the happy path; compensations only after a failure; a
 * choice (a Choice state, whatever its name) decides between ways on; an end stops the saga.
 */
export type StateKind = 'forward' | 'compensation' | 'choice' | 'end';

/** next: the state's Next; catch: a Catch; choice: a Choice rule; default: a Choice's Default. */
export type EdgeKind = 'next' | 'catch' | 'choice' | 'default';

export interface GraphNode {
  id: string;
  /** The ASL state type: Task, Choice, Succeed, Fail, ... */
  type: string;
  kind: StateKind;
}

export interface GraphEdge {
  /** `<from>-><to>:<kind>`: a pair of states can be joined twice (a catch beside the next). */
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** The errors a catch takes (unless all), or the rule of a choice. */
  label?: string;
}

export interface Graph {
  startAt: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends GraphEdge {
  /** The route: start, bends, end. */
  points: Point[];
  labelAt?: Point & { width: number; height: number };
}

export interface Layout {
  startAt: string;
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/**
 *   succeeded     a forward step or end that went through
 *   caught        its task failed and a Catch took the saga on (to a compensation)
 *   compensating  a compensation step that ran
 *   failed        where the execution failed: a Fail state, or a state it stopped in
 *   running       entered, not yet left
 */
export type StateStatus = 'succeeded' | 'caught' | 'compensating' | 'failed' | 'running';

export interface StateOnPath {
  status: StateStatus;
  /** Task attempts beyond the first, over every visit. */
  retries: number;
}

export interface ExecutionPath {
  states: Record<string, StateOnPath>;
  /** Ids of the graph's edges taken, in order. */
  edges: string[];
  /** The states entered, in order. */
  entered: string[];
}

export interface GraphResponse {
  stateMachineArn: string;
  layout: Layout;
  /** What the form offers: the application's run types (none when failure injection is off). */
  runTypes: readonly string[];
  /** The API needs a token (the production profile): the form asks for one. */
  signIn: boolean;
}

export interface ExecutionSummary {
  executionArn?: string | undefined;
  name?: string | undefined;
  status?: string | undefined;
  startDate?: string | undefined;
  stopDate?: string | undefined;
  /** The booking's run type, from the execution's input (absent when the input has none). */
  runType?: string | undefined;
}

export interface ExecutionsResponse {
  executions: ExecutionSummary[];
}

export interface EventSummary {
  id?: number | undefined;
  type?: string | undefined;
  timestamp?: string | undefined;
  state?: string;
  error?: string;
  cause?: string;
}

export interface ExecutionResponse {
  execution: ExecutionSummary & { error?: string; cause?: string; tripId?: string | undefined };
  path: ExecutionPath;
  events: EventSummary[];
  /** The trip's items, each attribute as a string. */
  items: Record<string, string | undefined>[];
}
