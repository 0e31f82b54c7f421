/**
 * The console page: draws the laid-out state machine as SVG, lists its executions (polled), and
 * for the selected one colours its path, counts its retries, and shows its history and what the
 * application shows beside it (its panels), refreshed while it runs. The form is the one the
 * server describes: the console's own StartExecution, or the application's. Plain DOM: text
 * goes in through textContent only.
 */

import { shortName, sinceStart } from './format.ts';
import type {
  ExecutionResponse,
  ExecutionSummary,
  ExecutionsResponse,
  FormField,
  GraphResponse,
  Layout,
  Panel,
  PlacedEdge,
  PlacedNode,
  StartForm,
  StartResponse,
} from './shapes.ts';

const SVG = 'http://www.w3.org/2000/svg';
const EXECUTIONS_EVERY_MS = 1000;
const SELECTED_EVERY_MS = 400;
/** What a test case's label says in its tooltip. */
const MOCKED =
  "A test case of the mock configuration: its tasks' responses were mocked, whatever its input asks";

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element as T;
};

const svgElement = <K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] => {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
};

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
};

// ------------------------------------------------------------------ the graph

const drawEdge = (edge: PlacedEdge) => {
  const group = svgElement('g', { class: `edge-group kind-${edge.kind}` });
  const [first, ...rest] = edge.points;
  if (first) {
    const d = `M ${first.x} ${first.y} ${rest.map((point) => `L ${point.x} ${point.y}`).join(' ')}`;
    group.append(
      svgElement('path', {
        d,
        class: `edge kind-${edge.kind}`,
        'data-edge': edge.id,
        'marker-end': 'url(#arrow)',
      }),
    );
  }
  if (edge.label && edge.labelAt) {
    const label = svgElement('text', {
      class: 'edge-label',
      x: edge.labelAt.x,
      y: edge.labelAt.y + edge.labelAt.height - 4,
    });
    label.textContent = edge.label;
    group.append(label);
  }
  return group;
};

const drawNode = (node: PlacedNode) => {
  const group = svgElement('g', {
    class: `state kind-${node.kind} type-${node.type}`,
    'data-state': node.id,
    'data-kind': node.kind,
    'data-status': 'none',
    'data-retries': 0,
    transform: `translate(${node.x} ${node.y})`,
  });
  const { width, height } = node;
  // A decision is a diamond, as in any flowchart; an end is rounded; a step is a box.
  const shape =
    node.kind === 'choice'
      ? svgElement('polygon', {
          class: 'shape',
          points: `0,${height / 2} ${width / 2},0 ${width},${height / 2} ${width / 2},${height}`,
        })
      : svgElement('rect', {
          class: 'shape',
          width,
          height,
          rx: node.kind === 'end' ? height / 2 : 8,
          ry: node.kind === 'end' ? height / 2 : 8,
        });
  group.append(shape);
  const name = svgElement('text', { class: 'name', x: width / 2, y: height / 2 + 4 });
  name.textContent = node.id;
  const kind = svgElement('text', {
    class: 'kind-label',
    x: width / 2,
    y: node.kind === 'choice' ? 13 : 8,
  });
  kind.textContent = node.kind === 'end' ? node.type : node.kind;
  const retries = svgElement('g', {
    class: 'retries',
    transform: `translate(${node.width - 22} -9)`,
    visibility: 'hidden',
  });
  retries.append(svgElement('rect', { class: 'badge', width: 34, height: 18, rx: 9, ry: 9 }));
  const count = svgElement('text', { class: 'badge-text', x: 17, y: 9 });
  retries.append(count);
  group.append(name, kind, retries);
  return group;
};

const drawGraph = (layout: Layout) => {
  const svg = byId('graph') as unknown as SVGSVGElement;
  svg.replaceChildren();
  // Scaled to its frame (console.css sizes the frame to the window): the whole machine, its
  // ends included, is in sight without scrolling. Never drawn larger than laid out.
  svg.setAttribute('viewBox', `0 -12 ${layout.width} ${layout.height + 12}`);
  svg.setAttribute('preserveAspectRatio', 'xMidYMin meet');
  svg.style.maxWidth = `${layout.width}px`;
  svg.style.maxHeight = `${layout.height + 12}px`;
  const defs = svgElement('defs', {});
  const marker = svgElement('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    // Sized in the drawing's units: a thick (taken) edge gets no bigger arrow.
    markerUnits: 'userSpaceOnUse',
    markerWidth: 10,
    markerHeight: 10,
    orient: 'auto-start-reverse',
  });
  marker.append(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#5b6475' }));
  defs.append(marker);
  svg.append(defs, ...layout.edges.map(drawEdge), ...layout.nodes.map(drawNode));
};

const paintPath = (view: ExecutionResponse | undefined) => {
  const taken = new Set(view?.path.edges ?? []);
  for (const edge of document.querySelectorAll<SVGPathElement>('path.edge')) {
    edge.classList.toggle('taken', taken.has(edge.dataset.edge ?? ''));
  }
  for (const node of document.querySelectorAll<SVGGElement>('g.state')) {
    const onPath = view?.path.states[node.dataset.state ?? ''];
    node.dataset.status = onPath?.status ?? 'none';
    node.dataset.retries = String(onPath?.retries ?? 0);
    const badge = node.querySelector<SVGGElement>('g.retries');
    const count = badge?.querySelector('text');
    if (badge && count) {
      const retries = onPath?.retries ?? 0;
      badge.setAttribute('visibility', retries > 0 ? 'visible' : 'hidden');
      count.textContent = `↻ ${retries}`;
    }
  }
};

// ------------------------------------------------------------------ executions

/** The state machine shown (its ARN), as the page's ?arn= names it. */
const machineArn = new URLSearchParams(location.search).get('arn') ?? undefined;
const machineQuery = machineArn ? `?arn=${encodeURIComponent(machineArn)}` : '';

let selectedArn: string | undefined;
let selectedTimer: ReturnType<typeof setTimeout> | undefined;

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '');

const renderExecutions = (executions: ExecutionSummary[]) => {
  // The page says "Loading…" until this first answer: it never claims there is none too early.
  const empty = byId('executions-empty');
  empty.textContent = 'None yet: start one.';
  empty.hidden = executions.length > 0;
  const list = byId<HTMLOListElement>('executions');
  list.replaceChildren(
    ...executions.map((execution) => {
      const item = document.createElement('li');
      item.dataset.executionArn = execution.executionArn ?? '';
      item.dataset.status = execution.status ?? '';
      item.classList.toggle('selected', execution.executionArn === selectedArn);
      const button = document.createElement('button');
      button.type = 'button';
      const name = document.createElement('span');
      name.className = 'execution-name';
      name.textContent = shortName(execution.name ?? '');
      name.title = execution.name ?? '';
      const label = document.createElement('span');
      label.className = 'execution-label';
      label.textContent = execution.label ?? '';
      if (execution.testCase) label.title = MOCKED;
      const status = document.createElement('span');
      status.className = 'execution-status';
      status.dataset.status = execution.status ?? '';
      status.textContent = `${execution.status ?? ''} · ${time(execution.startDate)}`;
      button.append(name, label, status);
      button.addEventListener('click', () => void select(execution.executionArn));
      item.append(button);
      return item;
    }),
  );
};

/** The list, again; while none is selected, the newest is (its panels are never left empty). */
const refreshExecutions = async () => {
  let executions: ExecutionSummary[];
  try {
    executions = (await getJson<ExecutionsResponse>(`/api/executions${machineQuery}`)).executions;
  } catch {
    // The platform is stopping or busy: the next poll tries again.
    return;
  }
  renderExecutions(executions);
  const newest = executions[0]?.executionArn;
  if (selectedArn === undefined && newest !== undefined) await select(newest);
};

const cell = (text: string | undefined, status?: string) => {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (status) td.dataset.status = status;
  return td;
};

/** A panel of the application's: a table of rows, or messages (a heading and a text each). */
const renderPanel = (panel: Panel) => {
  const section = document.createElement('section');
  const title = document.createElement('h2');
  title.textContent = panel.title;
  if (panel.kind === 'table') {
    const table = document.createElement('table');
    table.id = panel.id;
    const head = table.createTHead().insertRow();
    for (const column of panel.columns) {
      const th = document.createElement('th');
      th.textContent = column;
      head.append(th);
    }
    const body = table.createTBody();
    for (const { cells, data } of panel.rows) {
      const row = body.insertRow();
      Object.assign(row.dataset, data);
      for (const { text, title: tooltip, status } of cells) {
        const td = cell(text, status);
        if (tooltip) td.title = tooltip;
        row.append(td);
      }
    }
    section.append(title, table);
    return section;
  }
  const messages = document.createElement('div');
  messages.id = panel.id;
  if (panel.messages.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = panel.empty;
    messages.append(empty);
  }
  for (const { heading, body, data } of panel.messages) {
    const article = document.createElement('article');
    Object.assign(article.dataset, data);
    const strong = document.createElement('strong');
    strong.textContent = heading;
    const text = document.createElement('pre');
    text.textContent = body;
    article.append(strong, text);
    messages.append(article);
  }
  section.append(title, messages);
  return section;
};

const renderDetails = (view: ExecutionResponse) => {
  const { execution, details } = view;
  const title = byId('selected-title');
  title.textContent = execution.name ?? '';
  title.dataset.executionArn = execution.executionArn ?? '';
  const status = byId('selected-status');
  status.dataset.status = execution.status ?? '';
  status.textContent = [execution.status, execution.error, details.subject, execution.label]
    .filter((part) => part)
    .join(' · ');
  status.title = execution.testCase ? MOCKED : '';
  byId('panels').replaceChildren(...details.panels.map(renderPanel));
  const events = byId<HTMLTableElement>('events').tBodies[0];
  events?.replaceChildren(
    ...view.events.map((event) => {
      const row = document.createElement('tr');
      row.dataset.type = event.type ?? '';
      row.dataset.timestamp = event.timestamp ?? '';
      // After the start: how long each step and each retry's wait took reads off the column.
      const at = cell(sinceStart(event.timestamp, execution.startDate));
      at.title = event.timestamp ? new Date(event.timestamp).toLocaleTimeString() : '';
      row.append(
        cell(String(event.id ?? '')),
        at,
        cell(event.type),
        cell(event.state),
        cell(event.error),
      );
      if (event.cause) row.title = event.cause;
      return row;
    }),
  );
};

const refreshSelected = async () => {
  const arn = selectedArn;
  if (!arn) return;
  clearTimeout(selectedTimer);
  let running = true;
  try {
    const view = await getJson<ExecutionResponse>(`/api/execution?arn=${encodeURIComponent(arn)}`);
    if (arn !== selectedArn) return;
    renderDetails(view);
    paintPath(view);
    // What the application shows may change after the end (it says so): keep looking.
    running = view.execution.status === 'RUNNING' || view.details.pending === true;
  } catch {
    // Not there yet (just started) or the platform is busy: try again.
  }
  if (running && arn === selectedArn)
    selectedTimer = setTimeout(refreshSelected, SELECTED_EVERY_MS);
};

/** Selects an execution; resolves once its details are shown (or could not be read). */
const select = (arn: string | undefined) => {
  selectedArn = arn;
  for (const item of document.querySelectorAll<HTMLLIElement>('#executions li')) {
    item.classList.toggle('selected', item.dataset.executionArn === arn);
  }
  paintPath(undefined);
  return refreshSelected();
};

// ------------------------------------------------------------------ the form

/** A field as the form description says: a choice among its options, or a text box. */
const fieldOf = (field: FormField) => {
  const label = document.createElement('label');
  label.id = `${field.id}-field`;
  label.append(`${field.label} `);
  if (field.options) {
    const select = document.createElement('select');
    select.id = field.id;
    select.name = field.name;
    select.replaceChildren(
      ...field.options.map((name) => {
        const option = document.createElement('option');
        option.value = name;
        option.textContent = name;
        return option;
      }),
    );
    label.append(select);
    return label;
  }
  const input = document.createElement(field.multiline ? 'textarea' : 'input');
  input.id = field.id;
  input.name = field.name;
  if (field.placeholder) input.placeholder = field.placeholder;
  if (field.maxLength) input.maxLength = field.maxLength;
  if (input instanceof HTMLTextAreaElement) input.rows = 1;
  label.append(input);
  return label;
};

const setUpForm = (form: StartForm) => {
  byId('start-form').hidden = false;
  byId('form-fields').replaceChildren(...form.fields.map(fieldOf));
  byId('start-button').textContent = form.button;
  byId('token-field').hidden = !form.token;
  if (form.token) byId<HTMLInputElement>('token').placeholder = form.token.placeholder;
  const element = byId<HTMLFormElement>('start-form');
  const result = byId<HTMLOutputElement>('start-result');
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.classList.remove('error');
    result.textContent = 'Starting…';
    const token = byId<HTMLInputElement>('token').value.trim();
    const values = Object.fromEntries(
      form.fields.map((field) => [
        field.name,
        byId<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(field.id).value,
      ]),
    );
    try {
      const response = await fetch(`/api/start${machineQuery}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(form.token && token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(values),
      });
      const body = (await response.json()) as StartResponse;
      if (!response.ok || !body.executionArn) {
        const refused = body.errors?.map(({ field, rule }) => `${field} ${rule}`).join('; ');
        throw new Error(refused || body.message || `${response.status}`);
      }
      await refreshExecutions();
      await select(body.executionArn);
      // Said once the page shows it: whoever reads "Started" finds the new execution selected.
      result.textContent = `Started ${body.started ?? ''}`;
    } catch (error) {
      result.classList.add('error');
      result.textContent = `Not started: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
};

/** Several state machines: a choice among them, each shown on a page of its own (?arn=). */
const setUpMachines = (machines: GraphResponse['machines'], shown: string) => {
  const choice = byId<HTMLSelectElement>('machine');
  choice.hidden = machines.length < 2;
  choice.replaceChildren(
    ...machines.map(({ arn, name }) => {
      const option = document.createElement('option');
      option.value = arn;
      option.textContent = name;
      option.selected = arn === shown;
      return option;
    }),
  );
  choice.addEventListener('change', () => {
    location.search = `?arn=${encodeURIComponent(choice.value)}`;
  });
};

const main = async () => {
  const { layout, stateMachineArn, machines, title, form } = await getJson<GraphResponse>(
    `/api/graph${machineQuery}`,
  );
  byId('title').textContent = title;
  document.title = `${title}: local console`;
  setUpMachines(machines, stateMachineArn);
  setUpForm(form);
  byId('graph').setAttribute('aria-label', `The state machine ${stateMachineArn}`);
  drawGraph(layout);
  // Ready once the page shows what there is: the graph, the list, the newest execution's details.
  await refreshExecutions();
  document.body.dataset.ready = 'true';
  setInterval(refreshExecutions, EXECUTIONS_EVERY_MS);
};

void main();
