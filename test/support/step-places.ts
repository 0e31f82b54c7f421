/**
 * The places that list the saga's steps: the files that name, within a few lines of each other,
 * every forward step, every compensation, every kind of booking or every failure run type of the
 * table (functions/commons/bookings/steps.ts). Each is a place a new step touches. What
 * test/statemachine/steps.test.ts holds docs/ARCHITECTURE.md's recipe to; it reads a tree as
 * text, so it can count another checkout's places too (the figures of issue 22).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BOOKING_KINDS,
  COMPENSATION_NAMES,
  SAGA_STEPS,
} from '../../functions/commons/bookings/steps.ts';

/** Where lists of steps may live: the app's code, its offline wing, its tests and bench. */
const SCOPE = /^(functions|local\/app|statemachine|test|bench)\/|^template\.yaml$/;
/** Not lists: fixtures (events/ is checked by name), another app, recorded figures. */
const OUT_OF_SCOPE = /^(bench\/results|bench\/baseline\/|test\/fixtures\/|events\/)/;
const CODE = /\.(ts|json|ya?ml|mjs)$/;

/**
 * Names this close to each other make a list (a few lines for each member: an array, an object,
 * an `it.each` table); farther apart, examples of one step or another.
 */
const LINES_PER_MEMBER = 3;

const kebab = (name: string) => name.replace(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase();
const word = (name: string) => new RegExp(`(?<![A-Za-z])${name}(?![a-z])`);
const exact = (name: string) => new RegExp(`(?<![A-Za-z])${name}(?![A-Za-z])`);

/** Each list's members, each a set of patterns any of which names it. */
const LISTS: Record<string, RegExp[][]> = {
  'every forward step': SAGA_STEPS.map(({ state }) => [word(state), exact(kebab(state))]),
  'every compensation': COMPENSATION_NAMES.map((name) => [word(name), exact(kebab(name))]),
  'every failure run type': SAGA_STEPS.map(({ runType }) => [exact(runType)]),
  'every kind of booking': Object.entries(BOOKING_KINDS).map(([kind, { type, prefix }]) => [
    exact(type),
    exact(prefix),
    new RegExp(`['"\`]${kind}['"\`]`),
  ]),
};

/** Comments out of the way, strings kept: a comment naming the steps is no list of them. */
const withoutComments = (file: string, text: string) => {
  if (file.endsWith('.json')) return text;
  if (/\.ya?ml$/.test(file)) return text.replace(/(^|\s)#.*$/gm, '$1');
  return text.replace(
    /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (match, literal: string | undefined) => literal ?? match.replace(/[^\n]/g, ' '),
  );
};

/** Whether every member is named within one window of a few lines per member. */
const namesAll = (lines: string[], members: RegExp[][]): boolean => {
  const window = LINES_PER_MEMBER * (members.length + 1);
  const at = members.map((patterns) =>
    lines.flatMap((line, index) => (patterns.some((p) => p.test(line)) ? [index] : [])),
  );
  return at
    .flat()
    .some((start) =>
      at.every((found) => found.some((line) => line >= start && line < start + window)),
    );
};

/** The files of the checkout at `root` that list the steps, and which lists each holds. */
export const stepPlaces = (root: string): Map<string, string[]> => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => SCOPE.test(file) && !OUT_OF_SCOPE.test(file) && CODE.test(file))
    .filter((file) => existsSync(join(root, file)));
  const places = new Map<string, string[]>();
  for (const file of files) {
    const lines = withoutComments(file, readFileSync(join(root, file), 'utf8')).split('\n');
    const lists = Object.entries(LISTS)
      .filter(([, members]) => namesAll(lines, members))
      .map(([name]) => name);
    if (lists.length > 0) places.set(file, lists);
  }
  return places;
};
