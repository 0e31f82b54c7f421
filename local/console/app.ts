/**
 * The console page: draws the laid-out state machine as SVG, lists the executions (polled), and
 * for the selected one colours its path, counts its retries, and shows its history and the
 * trip's items, refreshed while it runs. Plain DOM: text goes in through textContent only.
 */

import { shortName, sinceStart } from './format.ts';
import type {
  ExecutionResponse,
  ExecutionSummary,
  ExecutionsResponse,
  GraphResponse,
  Layout,
  PlacedEdge,
  PlacedNode,
} from './shapes.ts';

const SVG = 'http://www.w3.org/2000/svg';
const EXECUTIONS_EVERY_MS = 1000;
const SELECTED_EVERY_MS = 400;

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

let selectedArn: string | undefined;
let selectedTimer: ReturnType<typeof setTimeout> | undefined;

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleTimeString() : '');

const renderExecutions = (executions: ExecutionSummary[]) => {
  byId('executions-empty').hidden = executions.length > 0;
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
      const runType = document.createElement('span');
      runType.className = 'execution-run-type';
      runType.textContent = execution.runType ?? '';
      const status = document.createElement('span');
      status.className = 'execution-status';
      status.dataset.status = execution.status ?? '';
      status.textContent = `${execution.status ?? ''} · ${time(execution.startDate)}`;
      button.append(name, runType, status);
      button.addEventListener('click', () => select(execution.executionArn));
      item.append(button);
      return item;
    }),
  );
};

const refreshExecutions = async () => {
  try {
    renderExecutions((await getJson<ExecutionsResponse>('/api/executions')).executions);
  } catch {
    // The platform is stopping or busy: the next poll tries again.
  }
};

const cell = (text: string | undefined, status?: string) => {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (status) td.dataset.status = status;
  return td;
};

const renderDetails = (view: ExecutionResponse) => {
  const { execution } = view;
  const title = byId('selected-title');
  title.textContent = execution.name ?? '';
  title.dataset.executionArn = execution.executionArn ?? '';
  const status = byId('selected-status');
  status.dataset.status = execution.status ?? '';
  status.textContent = [
    execution.status,
    execution.error,
    execution.tripId && `trip ${execution.tripId}`,
    execution.runType && `run type ${execution.runType}`,
  ]
    .filter((part) => part)
    .join(' · ');

  const items = byId<HTMLTableElement>('items').tBodies[0];
  items?.replaceChildren(
    ...view.items.map((item) => {
      const row = document.createElement('tr');
      const itemStatus = item.transaction_status ?? item.repair_status ?? item.delivery_status;
      // A tombstone (an undo that found nothing) is not an undo of something that existed.
      const shown =
        item.undone_from === 'nothing' ? `${itemStatus} (tombstone: never made)` : itemStatus;
      row.dataset.sk = item.sk ?? '';
      row.dataset.type = item.type ?? '';
      row.dataset.status = itemStatus ?? '';
      // The key's hash, shortened: the whole key is in the tooltip.
      const key = cell((item.sk ?? '').replace(/([0-9a-f]{8})[0-9a-f]{16,}/g, '$1…'));
      key.title = item.sk ?? '';
      row.append(cell(item.type), key, cell(shown, itemStatus));
      return row;
    }),
  );
  renderNotifications(view.items);
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

const notificationsOf = (items: ExecutionResponse['items']) =>
  items.filter((item) => item.type === 'Notification');

/** What the customer was told: each notice's subject and message, as NotifyCustomer sent it. */
const renderNotifications = (items: ExecutionResponse['items']) => {
  const notifications = notificationsOf(items);
  const panel = byId('notifications');
  if (notifications.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = "Nothing yet: the customer is told once the trip's outcome is known.";
    panel.replaceChildren(empty);
    return;
  }
  panel.replaceChildren(
    ...notifications.map((item) => {
      const article = document.createElement('article');
      article.dataset.notice = item.notice ?? '';
      article.dataset.status = item.delivery_status ?? '';
      const subject = document.createElement('strong');
      subject.textContent = `${item.subject ?? ''}${item.sent_to ? ` (to ${item.sent_to})` : ''}`;
      const message = document.createElement('pre');
      message.textContent = item.message ?? '';
      article.append(subject, message);
      return article;
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
    // The customer is told after the execution ends (and again after a repair): keep looking.
    const notifications = notificationsOf(view.items);
    running =
      view.execution.status === 'RUNNING' ||
      notifications.length === 0 ||
      notifications.some((item) => item.delivery_status !== 'sent');
  } catch {
    // Not there yet (just started) or the platform is busy: try again.
  }
  if (running && arn === selectedArn)
    selectedTimer = setTimeout(refreshSelected, SELECTED_EVERY_MS);
};

const select = (arn: string | undefined) => {
  selectedArn = arn;
  for (const item of document.querySelectorAll<HTMLLIElement>('#executions li')) {
    item.classList.toggle('selected', item.dataset.executionArn === arn);
  }
  paintPath(undefined);
  void refreshSelected();
};

// ------------------------------------------------------------------ the form

const setUpForm = (runTypes: readonly string[], signIn: boolean) => {
  // The production profile: no run types to offer, and a token to sign in with.
  byId('run-type-field').hidden = runTypes.length === 0;
  byId('token-field').hidden = !signIn;
  const runType = byId<HTMLSelectElement>('run-type');
  runType.replaceChildren(
    ...runTypes.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      return option;
    }),
  );
  const form = byId<HTMLFormElement>('start-form');
  const result = byId<HTMLOutputElement>('start-result');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.classList.remove('error');
    result.textContent = 'Starting…';
    const tripId = byId<HTMLInputElement>('trip-id').value;
    const token = byId<HTMLInputElement>('token').value.trim();
    try {
      const response = await fetch('/api/bookings', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signIn && token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({
          ...(runTypes.length > 0 ? { run_type: runType.value } : {}),
          trip_id: tripId,
        }),
      });
      const body = (await response.json()) as {
        trip_id?: string;
        execution_arn?: string;
        message?: string;
        errors?: { field?: string; message?: string }[];
      };
      if (!response.ok || !body.execution_arn) {
        const detail = body.errors?.map((error) => `${error.field}: ${error.message}`).join('; ');
        throw new Error(detail || body.message || `${response.status}`);
      }
      result.textContent = `Started ${body.trip_id ?? ''}`;
      await refreshExecutions();
      select(body.execution_arn);
    } catch (error) {
      result.classList.add('error');
      result.textContent = `Not started: ${error instanceof Error ? error.message : String(error)}`;
    }
  });
};

const main = async () => {
  const { layout, stateMachineArn, runTypes, signIn } = await getJson<GraphResponse>('/api/graph');
  setUpForm(runTypes, signIn);
  byId('graph').setAttribute('aria-label', `The state machine ${stateMachineArn}`);
  drawGraph(layout);
  document.body.dataset.ready = 'true';
  await refreshExecutions();
  setInterval(refreshExecutions, EXECUTIONS_EVERY_MS);
};

void main();
