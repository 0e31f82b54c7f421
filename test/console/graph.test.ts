/**
 * The console's picture of the state machine: every state and transition of the ASL, forward
 * steps told from compensations and ends (against the saga's written-out paths, not the code
 * under test), and a layout where nothing overlaps and every arrow joins its two states, also
 * after the ASL changes.
 */
import { describe, expect, it } from 'vitest';
import { readSagaDefinition } from '../../local/app/saga.ts';
import { graphOf, layoutGraph } from '../../local/console/graph.ts';
import type { Layout, PlacedNode, Point } from '../../local/console/shapes.ts';
import { type Definition, edgesOf } from '../../local/template/asl.ts';
import { FORWARD, LONGEST_PATH } from '../support/saga-paths.ts';

const definition = readSagaDefinition();
const graph = graphOf(definition);

/** A compensation that skips to the next one when its input cannot be parsed. */
const catchBesideNext = {
  StartAt: 'Undo',
  States: {
    Undo: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Catch: [{ ErrorEquals: ['ParseError'], Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
} as unknown as Definition;

describe('graphOf', () => {
  it('has a node for every state of the ASL', () => {
    // Assess
    expect(graph.nodes.map((node) => node.id).sort()).toEqual(
      Object.keys(definition.States).sort(),
    );
  });

  it('has an edge for every transition of the ASL, a catch beside a next kept apart', () => {
    // Prepare
    const transitions = new Set(
      edgesOf(definition).map((edge) => `${edge.from}->${edge.to}:${edge.kind}`),
    );

    // Assess
    expect(new Set(graph.edges.map((edge) => edge.id))).toEqual(transitions);
    expect(graph.edges.map((edge) => edge.id)).toContain('RefundPayment->CancelFlight:next');
    expect(graph.edges.map((edge) => edge.id)).toContain(
      'RefundPayment->RecordRefundPaymentLeftover:catch',
    );
    // A state machine whose catch of chosen errors leads where its next does: two arrows.
    const beside = graphOf(catchBesideNext);
    expect(beside.edges.map((edge) => edge.id).sort()).toEqual([
      'Undo->Done:catch',
      'Undo->Done:next',
    ]);
  });

  it('tells the forward steps, the compensations, the choice and the ends apart', () => {
    // Prepare
    const kinds = Object.fromEntries(graph.nodes.map((node) => [node.id, node.kind]));
    const ends = ['BookingConfirmed', 'BookingFailed', 'BookingNeedsRepair'];
    const choices = ['CheckLeftovers'];

    // Assess
    for (const name of FORWARD) expect(kinds[name]).toBe('forward');
    for (const name of ends) expect(kinds[name]).toBe('end');
    for (const name of choices) expect(kinds[name]).toBe('choice');
    const compensations = graph.nodes
      .filter((node) => ![...FORWARD, ...ends, ...choices].includes(node.id))
      .map((node) => node.id);
    // Every compensation and record is on the longest path, after the forward steps.
    expect(compensations.sort()).toEqual(
      LONGEST_PATH.filter((name) => ![...FORWARD, ...ends, ...choices].includes(name)).sort(),
    );
    for (const name of compensations) expect(kinds[name]).toBe('fallback');
  });

  it('takes every Choice state for a decision, whatever its name and wherever it stands', () => {
    // Prepare: the choice renamed like a compensation, and a second one on the forward path.
    const changed: Definition = structuredClone(definition);
    const choice = changed.States.CheckLeftovers;
    if (!choice) throw new Error('CheckLeftovers is gone from the ASL');
    delete changed.States.CheckLeftovers;
    changed.States.CancelEverything = choice;
    for (const state of Object.values(changed.States)) {
      if (state.Next === 'CheckLeftovers') state.Next = 'CancelEverything';
      for (const catcher of state.Catch ?? [])
        if (catcher.Next === 'CheckLeftovers') catcher.Next = 'CancelEverything';
    }
    changed.States.IsItCheap = {
      Type: 'Choice',
      Choices: [{ Variable: '$.total', NumericLessThan: 100, Next: 'ConfirmHotel' }],
      Default: 'ConfirmHotel',
    } as unknown as Definition['States'][string];
    const takePayment = changed.States.TakePayment;
    if (!takePayment) throw new Error('TakePayment is gone from the ASL');
    takePayment.Next = 'IsItCheap';

    // Act
    const kinds = Object.fromEntries(graphOf(changed).nodes.map((node) => [node.id, node.kind]));

    // Assess
    expect(kinds.CancelEverything).toBe('choice');
    expect(kinds.IsItCheap).toBe('choice');
    expect(kinds.RefundPayment).toBe('fallback');
  });

  it('labels a catch of chosen errors, the choice rule by its comment, and the default', () => {
    // Prepare
    const label = (id: string) => graph.edges.find((edge) => edge.id === id)?.label;

    // Assess
    expect(graphOf(catchBesideNext).edges.find((edge) => edge.kind === 'catch')?.label).toBe(
      'ParseError',
    );
    expect(label('ReserveHotel->CancelHotel:catch')).toBeUndefined();
    expect(label('CheckLeftovers->BookingNeedsRepair:choice')).toBe('a leftover was recorded');
    expect(label('CheckLeftovers->BookingFailed:default')).toBe('Default');
  });

  it("labels no arrow of the saga with an error name: a catch is told by the legend's dashed line", () => {
    // Prepare: every error the ASL names, in a Retry or a Catch (ParseError among them).
    const errors = new Set(
      Object.values(definition.States).flatMap((state) => [
        ...(state.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals),
        ...(state.Catch ?? []).flatMap((catcher) => catcher.ErrorEquals),
      ]),
    );
    // What a label may say: a choice rule's Comment, or Default.
    const explained = new Set([
      'Default',
      ...Object.values(definition.States).flatMap((state) =>
        (state.Choices ?? []).map((choice) => String(choice.Comment)),
      ),
    ]);

    // Act
    const labels = graph.edges.flatMap((edge) => (edge.label ? [edge.label] : []));

    // Assess
    expect(errors).toContain('ParseError');
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(explained, label).toContain(label);
      for (const error of errors) expect(label, label).not.toContain(error);
    }
    for (const edge of graph.edges.filter((edge) => edge.kind === 'catch'))
      expect(edge.label, edge.id).toBeUndefined();
  });
});

const overlaps = (a: PlacedNode, b: PlacedNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** How far a point is from a node's outline (0 on it). */
const distanceToOutline = (point: Point, node: PlacedNode) => {
  const dx = Math.max(node.x - point.x, 0, point.x - (node.x + node.width));
  const dy = Math.max(node.y - point.y, 0, point.y - (node.y + node.height));
  const inside = dx === 0 && dy === 0;
  if (!inside) return Math.hypot(dx, dy);
  return Math.min(
    point.x - node.x,
    node.x + node.width - point.x,
    point.y - node.y,
    node.y + node.height - point.y,
  );
};

const expectReadable = (layout: Layout) => {
  const nodes = new Map(layout.nodes.map((node) => [node.id, node]));
  for (const node of layout.nodes) {
    expect(node.width).toBeGreaterThan(0);
    expect(node.x).toBeGreaterThanOrEqual(0);
    expect(node.y).toBeGreaterThanOrEqual(0);
    expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
    expect(node.y + node.height).toBeLessThanOrEqual(layout.height);
    for (const other of layout.nodes) {
      if (other !== node) expect(overlaps(node, other), `${node.id} / ${other.id}`).toBe(false);
    }
  }
  for (const edge of layout.edges) {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    const first = edge.points[0];
    const last = edge.points.at(-1);
    expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
    if (!from || !to || !first || !last) throw new Error(`${edge.id} has no route`);
    expect(distanceToOutline(first, from), edge.id).toBeLessThanOrEqual(1);
    expect(distanceToOutline(last, to), edge.id).toBeLessThanOrEqual(1);
  }
};

describe('layoutGraph', () => {
  it('places every state without overlap and routes every transition from state to state', async () => {
    // Act
    const layout = await layoutGraph(graph);

    // Assess
    expect(layout.nodes).toHaveLength(graph.nodes.length);
    expect(layout.edges).toHaveLength(graph.edges.length);
    expectReadable(layout);
  });

  it('draws the forward steps top to bottom, each below the one before', async () => {
    // Act
    const layout = await layoutGraph(graph);

    // Assess
    const tops = FORWARD.map((name) => layout.nodes.find((node) => node.id === name)?.y ?? -1);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    expect(new Set(tops).size).toBe(FORWARD.length);
  });

  it('follows the ASL when it changes: a new step is laid out with the rest', async () => {
    // Prepare: a notification between the last confirmation and the end.
    const changed: Definition = structuredClone(definition);
    const confirmFlight = changed.States.ConfirmFlight;
    if (!confirmFlight) throw new Error('ConfirmFlight is gone from the ASL');
    changed.States.NotifyTraveller = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Next: 'BookingConfirmed',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RefundPayment' }],
    };
    confirmFlight.Next = 'NotifyTraveller';

    // Act
    const layout = await layoutGraph(graphOf(changed));

    // Assess
    const notify = layout.nodes.find((node) => node.id === 'NotifyTraveller');
    expect(notify?.kind).toBe('forward');
    expect(layout.edges.map((edge) => edge.id)).toContain('ConfirmFlight->NotifyTraveller:next');
    expectReadable(layout);
  });
});
