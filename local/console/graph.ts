/**
 * The state machine as the console draws it, read from the ASL: every state, told apart as a
 * forward step, a fallback (reached only through a Catch), a choice or an end, and every transition with what takes it (the next
 * state, a catch and its errors, a choice rule, the default). Laid out by ELK (elkjs), the
 * Eclipse Layout Kernel's layered algorithm: no coordinates are written down here, so the
 * drawing follows the ASL when it changes.
 */

import type { ElkNode } from 'elkjs/lib/elk-api.js';
import { type Definition, type EdgeKind, edgesOf } from '../template/asl.ts';
import type { Graph, GraphEdge, GraphNode, Layout } from './shapes.ts';

export const edgeId = (from: string, to: string, kind: EdgeKind) => `${from}->${to}:${kind}`;

/** A choice rule in a few words: its Comment, else `$.total NumericGreaterThan 100`. */
const ruleText = (rule: Record<string, unknown>): string => {
  if (typeof rule.Comment === 'string') return rule.Comment;
  const { Next: _next, Variable, ...comparison } = rule;
  const [operator, value] = Object.entries(comparison)[0] ?? ['', ''];
  const text = [Variable, operator, JSON.stringify(value)].filter((part) => part).join(' ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

/** A catch's label: its errors, unless it takes every error (a dashed arrow says that). */
const catchText = (errors: string[]): string | undefined =>
  errors.length === 1 && errors[0] === 'States.ALL' ? undefined : errors.join(', ');

export const graphOf = (definition: Definition): Graph => {
  const edges = edgesOf(definition);
  // Forward: reachable from StartAt without taking a catch.
  const forward = new Set<string>();
  const visit = (name: string) => {
    if (forward.has(name) || !definition.States[name]) return;
    forward.add(name);
    for (const edge of edges) if (edge.from === name && edge.kind !== 'catch') visit(edge.to);
  };
  visit(definition.StartAt);

  // By the state's type, never its name: a Choice decides, wherever it stands.
  const kindOf = (id: string, type: string): GraphNode['kind'] => {
    if (type === 'Succeed' || type === 'Fail') return 'end';
    if (type === 'Choice') return 'choice';
    return forward.has(id) ? 'forward' : 'fallback';
  };
  const nodes = Object.entries(definition.States).map(
    ([id, state]): GraphNode => ({ id, type: state.Type, kind: kindOf(id, state.Type) }),
  );

  const labelled = Object.entries(definition.States).flatMap(([from, state]) => [
    ...(state.Catch ?? []).flatMap((catcher) => {
      const label = catchText(catcher.ErrorEquals);
      return label ? [{ id: edgeId(from, catcher.Next, 'catch'), label }] : [];
    }),
    ...(state.Choices ?? []).map((choice) => ({
      id: edgeId(from, choice.Next, 'choice'),
      label: ruleText(choice),
    })),
  ]);
  const labels = new Map<string, string>();
  for (const { id, label } of labelled) {
    const known = labels.get(id);
    labels.set(id, known ? `${known}; ${label}` : label);
  }

  // A pair joined by a catch and by its next (a fallback step whose input cannot be parsed goes
  // on to the next one) is drawn once per kind; ids keep them apart.
  const seen = new Set<string>();
  const graphEdges = edges.flatMap((edge): GraphEdge[] => {
    const id = edgeId(edge.from, edge.to, edge.kind);
    // Two catchers to one state: one arrow, both error lists on it.
    if (seen.has(id)) return [];
    seen.add(id);
    const label = edge.kind === 'default' ? 'Default' : labels.get(id);
    return [{ id, from: edge.from, to: edge.to, kind: edge.kind, ...(label ? { label } : {}) }];
  });
  return { startAt: definition.StartAt, nodes, edges: graphEdges };
};

// Compact enough that the whole machine fits a 1600x1000 window at a readable size (the
// browser test checks it): the page scales the drawing down to its frame, never past it.
const NODE_HEIGHT = 36;
const CHARACTER_WIDTH = 7.5;
const LABEL_HEIGHT = 16;

/** A choice is drawn as a diamond: its name must fit across the middle, so it is wider. */
const nodeWidth = (node: GraphNode) => {
  const text = Math.max(120, Math.ceil(node.id.length * CHARACTER_WIDTH) + 32);
  return node.kind === 'choice' ? Math.ceil(text * 1.6) : text;
};
const labelWidth = (text: string) => Math.ceil(text.length * 6.2) + 8;

/** Places every state and routes every transition, top to bottom. */
export const layoutGraph = async (graph: Graph): Promise<Layout> => {
  const input: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '30',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeNode': '20',
      'elk.spacing.edgeEdge': '12',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.edgeLabels.inline': 'false',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: graph.nodes.map((node) => ({
      id: node.id,
      width: nodeWidth(node),
      height: node.kind === 'choice' ? NODE_HEIGHT + 12 : NODE_HEIGHT,
    })),
    edges: graph.edges.map((edge) => ({
      id: edge.id,
      sources: [edge.from],
      targets: [edge.to],
      // Each path reads as a straight line: the way on, not the ways out.
      layoutOptions: { 'elk.layered.priority.straightness': edge.kind === 'catch' ? '0' : '10' },
      ...(edge.label
        ? {
            labels: [{ text: edge.label, width: labelWidth(edge.label), height: LABEL_HEIGHT }],
          }
        : {}),
    })),
  };
  // Loaded on first use (some 90 ms and 24 MB): a platform whose console is never opened
  // never pays for it. elkjs is CommonJS: its constructor is also its default, for typings.
  const { default: elk } = await import('elkjs/lib/elk.bundled.js');
  const laidOut = await new elk.default().layout(input);

  const placed = new Map((laidOut.children ?? []).map((child) => [child.id, child]));
  const routes = new Map((laidOut.edges ?? []).map((edge) => [edge.id, edge]));
  return {
    startAt: graph.startAt,
    width: laidOut.width ?? 0,
    height: laidOut.height ?? 0,
    nodes: graph.nodes.map((node) => {
      const child = placed.get(node.id);
      return {
        ...node,
        x: child?.x ?? 0,
        y: child?.y ?? 0,
        width: child?.width ?? nodeWidth(node),
        height: child?.height ?? NODE_HEIGHT,
      };
    }),
    edges: graph.edges.map((edge) => {
      const route = routes.get(edge.id);
      const points = (route?.sections ?? []).flatMap((section) => [
        section.startPoint,
        ...(section.bendPoints ?? []),
        section.endPoint,
      ]);
      const label = route?.labels?.[0];
      return {
        ...edge,
        points,
        ...(label
          ? {
              labelAt: {
                x: label.x ?? 0,
                y: label.y ?? 0,
                width: label.width ?? 0,
                height: label.height ?? 0,
              },
            }
          : {}),
      };
    }),
  };
};
