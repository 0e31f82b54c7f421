/**
 * What the console's server sends its page: the laid-out graph, the form, the executions, and
 * one execution's path, history and what the application shows beside it. Types only, shared by
 * the server (Node) and the page (the browser), so neither can drift from the other.
 */

/**
 * Forward steps run from StartAt without a Catch taken; fallbacks (Workflow Studio's word for a
 * Catch's target) only after a caught error; a choice (a Choice state, whatever its name)
 * decides between ways on; an end stops the execution.
 */
export type StateKind = 'forward' | 'fallback' | 'choice' | 'end';

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
 *   caught        its task failed and a Catch took the execution on (to a fallback)
 *   fallback      a fallback step that ran
 *   failed        where the execution failed: a Fail state, or a state it stopped in
 *   running       entered, not yet left
 */
export type StateStatus = 'succeeded' | 'caught' | 'fallback' | 'failed' | 'running';

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

/** A field of the form that starts a run: a text box, or a choice among `options`. */
export interface FormField {
  /** The element's id on the page. */
  id: string;
  /** Its name in what the form sends. */
  name: string;
  label: string;
  options?: readonly string[];
  placeholder?: string;
  maxLength?: number;
  /** A text box of several lines (a JSON input, say). */
  multiline?: boolean;
}

/** The form that starts a run: the console's own (StartExecution) or the application's. */
export interface StartForm {
  button: string;
  fields: FormField[];
  /** The form asks for a token and sends it as `Authorization: Bearer <token>`. */
  token?: { placeholder: string };
}

/** What POST /api/start answers: the execution started, or why not. */
export interface StartResponse {
  executionArn?: string;
  /** What to say it started (the execution's name, or what the application calls it). */
  started?: string;
  message?: string;
  /** What the application refused, field by field. */
  errors?: { field: string; rule: string }[];
}

export interface GraphResponse {
  /** The state machine drawn. */
  stateMachineArn: string;
  layout: Layout;
  /** Every state machine of the template, to choose among. */
  machines: { arn: string; name: string }[];
  /** The page's title: the application's name. */
  title: string;
  form: StartForm;
}

export interface ExecutionSummary {
  executionArn?: string | undefined;
  name?: string | undefined;
  status?: string | undefined;
  startDate?: string | undefined;
  stopDate?: string | undefined;
  /**
   * What the application says of the execution in a word, from its input (a scenario, say); for
   * a test case of the mock configuration, `#<test case>` (its input's scenario is not run).
   */
  label?: string | undefined;
  /** The mock configuration's test case it ran, if any: its tasks' responses were mocked. */
  testCase?: string | undefined;
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

/** A cell of a table panel: its text, a tooltip, and a status the page colours. */
export interface TableCell {
  text: string;
  title?: string;
  status?: string;
}

/** Rows beside an execution (the items it wrote, say); `data` becomes each row's data-* attributes. */
export interface TablePanel {
  kind: 'table';
  id: string;
  title: string;
  columns: string[];
  rows: { cells: TableCell[]; data?: Record<string, string> }[];
}

/** Messages beside an execution (what someone was told, say): a heading and a text each. */
export interface MessagesPanel {
  kind: 'messages';
  id: string;
  title: string;
  messages: { heading: string; body: string; data?: Record<string, string> }[];
  /** Said when there is none yet. */
  empty: string;
}

export type Panel = TablePanel | MessagesPanel;

/** What the application shows beside an execution (ConsoleExtension.detailsOf). */
export interface ExecutionDetails {
  /** What the execution is about, in a few words (`order 42`). */
  subject?: string;
  panels: Panel[];
  /** More is still to come once the execution has ended: the page keeps refreshing. */
  pending?: boolean;
}

export interface ExecutionResponse {
  execution: ExecutionSummary & { error?: string; cause?: string };
  path: ExecutionPath;
  events: EventSummary[];
  details: ExecutionDetails;
}
