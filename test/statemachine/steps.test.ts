/**
 * The saga's table of steps (functions/commons/bookings/steps.ts) against what each step needs
 * elsewhere: its state in the ASL, its function in the template and its handler, its fixtures,
 * its mocks. And docs/ARCHITECTURE.md's recipe for a new step against the code: the places it
 * lists are the places that list the steps (test/support/step-places.ts), no more, no fewer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BOOKING_KINDS,
  COMPENSATIONS,
  type Compensation,
  SAGA_STEPS,
  undoChainAfter,
} from '../../functions/commons/bookings/steps.ts';
import { bookingId } from '../../functions/commons/table/keys.ts';
import { REFERENCE_TRIP, TripSchema } from '../../functions/commons/trip/document.ts';
import { MOCK_CONFIG_PATH, readSagaDefinition } from '../../local/app/saga.ts';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';
import { FORWARD, recordOf, UNDO_ORDER } from '../support/saga-paths.ts';
import { stepPlaces } from '../support/step-places.ts';

const definition = readSagaDefinition();
const template = readTemplate();
const functions = new Map(functionsOf(template).map((fn) => [fn.logicalId, fn]));
const mocks = JSON.parse(readFileSync(MOCK_CONFIG_PATH, 'utf8')) as {
  StateMachines: { BookingSaga: { TestCases: Record<string, Record<string, string>> } };
  MockedResponses: Record<string, unknown>;
};
const testCases = mocks.StateMachines.BookingSaga.TestCases;

/** ReserveHotel -> reserve-hotel: a state's files are named after it. */
const kebab = (name: string) => name.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();
const fixture = (path: string) =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'events', path), 'utf8')) as Record<string, unknown>;

describe('each state of the table', () => {
  it.each([...FORWARD, ...UNDO_ORDER])(
    '%s is a task of the ASL invoking its own function, built from functions/<its name>.ts',
    (state) => {
      const file = kebab(state);
      const saga = template.Resources.BookingSaga?.Properties as
        | { DefinitionSubstitutions: object }
        | undefined;

      expect(definition.States[state]?.Parameters?.FunctionName).toBe(`\${${state}FunctionArn}`);
      expect(saga?.DefinitionSubstitutions).toHaveProperty(`${state}FunctionArn`);
      expect(functions.get(`${state}Function`)).toMatchObject({
        handler: `${file}.handler`,
        build: { EntryPoints: [`functions/${file}.ts`] },
      });
      expect(readFileSync(join(PROJECT_ROOT, 'functions', `${file}.ts`), 'utf8')).toContain(
        `sagaTask('${state}'`,
      );
    },
  );

  it('are all the tasks of the ASL, with the record of each compensation', () => {
    const tasks = Object.entries(definition.States)
      .filter(([, state]) => state.Type === 'Task')
      .map(([name]) => name);

    expect(tasks.sort()).toEqual([...FORWARD, ...UNDO_ORDER, ...UNDO_ORDER.map(recordOf)].sort());
  });

  it.each(SAGA_STEPS)("$state is a verb and its kind's type", ({ state, kind }) => {
    expect(state).toMatch(new RegExp(`^[A-Z][a-z]+${BOOKING_KINDS[kind].type}$`));
  });

  it.each(FORWARD)(
    '%s has its fixture in events/, holding the results of the steps before it',
    (state) => {
      const earlier = FORWARD.slice(0, FORWARD.indexOf(state)).map((step) => `${step}Result`);

      expect(
        Object.keys(fixture(`${kebab(state)}.json`)).filter((key) => key.endsWith('Result')),
      ).toEqual(earlier);
    },
  );

  it.each(UNDO_ORDER)('%s has its fixture in events/', (compensation) => {
    expect(existsSync(join(PROJECT_ROOT, 'events', `${kebab(compensation)}.json`))).toBe(true);
  });

  it.each(SAGA_STEPS)('$runType has its reference request in events/api/', ({ runType }) => {
    const event = fixture(`api/reference-${runType}.json`);

    expect(event.queryStringParameters).toMatchObject({ runType });
  });
});

describe('the mocks of MockConfigFile.json', () => {
  it('answer every forward step with a success and a failure, every compensation with a success', () => {
    const responses = Object.keys(mocks.MockedResponses);

    for (const state of FORWARD) expect(responses).toContain(`${state}Succeeds`);
    for (const state of FORWARD) expect(responses).toContain(`${state}Fails`);
    for (const compensation of UNDO_ORDER) expect(responses).toContain(`${compensation}Succeeds`);
  });

  it('the happy path answers every forward step with its success', () => {
    expect(testCases.HappyPathTest).toEqual(
      Object.fromEntries(FORWARD.map((state) => [state, `${state}Succeeds`])),
    );
  });

  it.each(SAGA_STEPS)(
    'a test case fails $state and answers exactly the rest of its path',
    ({ state }) => {
      const before = FORWARD.slice(0, FORWARD.indexOf(state));
      const undo: Compensation[] = undoChainAfter(state);

      expect(Object.values(testCases)).toContainEqual({
        ...Object.fromEntries(before.map((step) => [step, `${step}Succeeds`])),
        [state]: `${state}Fails`,
        ...Object.fromEntries(
          undo.map((compensation) => [compensation, `${compensation}Succeeds`]),
        ),
      });
    },
  );
});

describe('the kinds of booking', () => {
  it('each has its own compensation, and each compensation undoes its kind', () => {
    for (const [compensation, kind] of Object.entries(COMPENSATIONS))
      expect(BOOKING_KINDS[kind].undo).toBe(compensation);
    expect(Object.keys(COMPENSATIONS)).toHaveLength(Object.keys(BOOKING_KINDS).length);
  });

  it('keep the ids they had: a compensation running across a deploy finds its booking', () => {
    // The ids the code before the table made (issue 22), for the reference trip.
    const trip = TripSchema.parse({ trip_id: 'ids-stay', ...REFERENCE_TRIP });
    const kinds = Object.keys(BOOKING_KINDS) as (keyof typeof BOOKING_KINDS)[];

    expect(Object.fromEntries(kinds.map((kind) => [kind, bookingId(kind, trip)]))).toEqual({
      hotel: '47d4ba09c1476a1812d5c2edf49ebc9a',
      flight: 'fdedd0bf17f55b0b2971fb92113b51fd',
      payment: 'a45805741dc4202505ab4b9351e9ac2f',
    });
  });
});

describe("docs/ARCHITECTURE.md's recipe for a new saga step", () => {
  const page = readFileSync(join(PROJECT_ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = page.slice(
    page.indexOf('### A new saga step'),
    page.indexOf('\n### ', page.indexOf('### A new saga step') + 1),
  );
  /** The paths in the first column of its table of places. */
  const listed = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) =>
      [...(line.split(' | ')[0] ?? '').matchAll(/`([^`]+)`/g)].map(([, path]) => path ?? ''),
    );

  it('lists exactly the places that list the steps, the kinds or the run types', () => {
    expect(listed.filter((path) => !path.includes('<')).sort()).toEqual(
      [...stepPlaces(PROJECT_ROOT).keys()].sort(),
    );
  });

  it('lists the files a step adds: its handler, its fixture, its run type’s request', () => {
    expect(listed.filter((path) => path.includes('<')).sort()).toEqual(
      ['events/<step>.json', 'events/api/reference-<run type>.json', 'functions/<step>.ts'].sort(),
    );
  });
});
