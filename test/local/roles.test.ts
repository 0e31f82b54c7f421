/**
 * The two wings and the roles inside the platform: the folder a file is in says what it may
 * import, in every import form (test/local/imports.ts). The platform (local/ but local/app/)
 * knows no application: nothing of functions/, layers/ or the app wing (local/app/). Inside it,
 * the emulators never reach into the tools or the console; the console reads the platform only
 * through public APIs; the shared HTTP ground and the AWS clients' helpers stand on nothing else
 * of the platform. The app's own code (functions/) and its layer build (layers/) stand on
 * nothing of the offline platform.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';
import { COMPUTED, importsOf, specifiersIn, targetOf } from './imports.ts';

/** Every TypeScript file under `folder` (relative to the project), recursively. */
const filesUnder = (folder: string): string[] =>
  readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file));

const under = (path: string, folder: string) => path.startsWith(`${folder}/`) || path === folder;

/** The platform wing: local/ but the app wing. */
const APP_WING = 'local/app';
const platformFiles = () => filesUnder('local').filter((file) => !under(file, APP_WING));

/** The imports of `files` that land in any of `forbidden`, as "file -> import". */
const crossings = (files: string[], forbidden: string[]) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((place) => under(target, place)))
      .map((target) => `${file} -> ${target}`),
  );

describe('the import reader (a test of the check itself)', () => {
  it('reads every import form, comments aside', () => {
    // Prepare
    const text = [
      "import { a } from '../x/a.ts';",
      'import type { B } from "#commons/b.ts";',
      "import {\n  c,\n  type D,\n} from 'booking-saga/functions/c.ts';",
      "import './side-effect.ts';",
      "export { e } from './e.ts';",
      "export * from './f.ts';",
      "export type { G } from './g.ts';",
      "const h = await import('./h.ts');",
      "const i = require('./i.cjs');",
      'const j = await import(pathOf(plugin));',
      "// import { k } from './k.ts';",
      "/* export * from './l.ts'; */",
      "const m = 'from ./m.ts';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');

    // Act
    const specifiers = specifiersIn(text);

    // Assess
    expect(specifiers.sort()).toEqual(
      [
        '../x/a.ts',
        '#commons/b.ts',
        'booking-saga/functions/c.ts',
        './side-effect.ts',
        './e.ts',
        './f.ts',
        './g.ts',
        './h.ts',
        './i.cjs',
        COMPUTED,
        'node:fs',
      ].sort(),
    );
  });

  it('resolves relative paths, # aliases and the package own name to project files', () => {
    expect(targetOf('local/emulators/x.ts', '../../functions/commons/trip/document.ts')).toBe(
      'functions/commons/trip/document.ts',
    );
    expect(targetOf('local/emulators/x.ts', '#trip/document.ts')).toBe(
      'functions/commons/trip/document.ts',
    );
    expect(targetOf('local/emulators/x.ts', '#clients/sfn.ts')).toBe(
      'functions/commons/clients/sfn.ts',
    );
    expect(targetOf('local/x.ts', 'booking-saga/local/app/plugin.ts')).toBe('local/app/plugin.ts');
    expect(targetOf('local/x.ts', '@aws-sdk/client-sfn')).toBeUndefined();
  });

  it('finds the imports of a real file', () => {
    expect(importsOf('local/console/server.ts')).toContain('local/http/http-server.ts');
  });
});

describe('the two wings', () => {
  it('the platform (local/ but local/app/) imports nothing of the application: functions/, layers/, local/app/', () => {
    expect(crossings(platformFiles(), ['functions', 'layers', APP_WING])).toEqual([]);
  });

  it("the platform imports a computed path only to load the template's code, its plugin or a dependency's module", () => {
    const computed = platformFiles().filter((file) => importsOf(file).includes(COMPUTED));
    expect(computed.sort()).toEqual([
      // dynalite's own level, found from dynalite, to check a data folder
      'local/emulators/data-folder.ts',
      // dynalite's own validations, found from dynalite
      'local/emulators/dynamodb-body.ts',
      // dynalite's own memory-level, found from dynalite
      'local/emulators/dynamodb.ts',
      // each function's handler, from the template
      'local/emulators/lambda-host.ts',
      // the module a heavy job runs in, named by the platform's caller (off-thread.ts)
      'local/http/off-thread-worker.ts',
      // the plugin the template's package.json names
      'local/plugin.ts',
    ]);
  });

  it("the app's functions and its layer build import nothing of the offline platform", () => {
    expect(crossings([...filesUnder('functions'), ...filesUnder('layers')], ['local'])).toEqual([]);
  });
});

describe('the platform names nothing of the booking app', () => {
  /** Every file of the platform wing: code, the console's page, its styles. */
  const platformText = () =>
    readdirSync(join(PROJECT_ROOT, 'local'), { recursive: true, encoding: 'utf8' })
      .map((file) => join('local', file))
      .filter((file) => !under(file, APP_WING) && /\.(ts|html|css|json)$/.test(file))
      .map((file) => ({ file, text: readFileSync(join(PROJECT_ROOT, file), 'utf8') }));
  // The app's resources by logical id (ReserveHotelFunction, BookingsTable, TripEventsBus...),
  // its settings and keys, and the words of its domain.
  const names = [
    ...Object.keys(readTemplate().Resources),
    'FAILURE_INJECTION',
    'COMPENSATION_FAILURE_RATE',
    'SWEEP_GRACE_SECONDS',
    'RUN_TYPES',
    'TRIP_SK',
    'open_shard',
  ];
  const words =
    /\b(?:bookings?|trips?|trip_id|tripId|sagas?|hotels?|compensations?|leftovers?|sweep|reconcile\w*|customers?|run_?types?)\b/gi;

  it('none of its resources, settings or domain words, in any file of the platform', () => {
    const found = platformText().flatMap(({ file, text }) => [
      ...names.filter((name) => text.includes(name)).map((name) => `${file}: ${name}`),
      ...[...text.matchAll(words)].map(([word]) => `${file}: ${word}`),
    ]);
    expect(found).toEqual([]);
  });
});

describe('the platform by role', () => {
  const RUNS_THE_PLATFORM = ['local/emulators', 'local/stack', 'local/stack.ts', 'local/plugin.ts'];
  const USES_THE_PLATFORM = ['local/checks', 'local/cli', 'local/console'];

  it.each([
    ['the emulators', 'local/emulators', [...USES_THE_PLATFORM, 'local/stack', 'local/stack.ts']],
    [
      'the template reading and build',
      'local/template',
      [...RUNS_THE_PLATFORM, ...USES_THE_PLATFORM],
    ],
    [
      'the HTTP ground',
      'local/http',
      [...RUNS_THE_PLATFORM, ...USES_THE_PLATFORM, 'local/template', 'local/aws'],
    ],
    [
      "the helpers for AWS's public APIs",
      'local/aws',
      [...RUNS_THE_PLATFORM, ...USES_THE_PLATFORM, 'local/template', 'local/http'],
    ],
    ['the checks', 'local/checks', ['local/cli', 'local/console']],
  ])('%s (%s) import nothing of %j', (_role, folder, forbidden) => {
    expect(crossings(filesUnder(folder), forbidden)).toEqual([]);
  });

  it('the console imports no emulator, check or tool: it reads the platform through public APIs', () => {
    expect(
      crossings(filesUnder('local/console'), [...RUNS_THE_PLATFORM, 'local/checks', 'local/cli']),
    ).toEqual([]);
  });

  it('the type declarations of untyped dependencies stand on nothing of the offline platform', () => {
    expect(filesUnder('local/types')).not.toEqual([]);
    expect(crossings(filesUnder('local/types'), ['local'])).toEqual([]);
  });
});
