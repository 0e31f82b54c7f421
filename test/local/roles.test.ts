/**
 * local/ by role: the folder a file is in says what it may import. The emulators never reach
 * into the checks, the tools or the console; the console reads the platform only through public
 * APIs (never an emulator); the shared HTTP ground and the AWS clients' helpers stand on nothing
 * else of the platform; the layer build stands beside the layer, apart from the platform.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';

/** Every TypeScript file under `folder` (relative to the project), recursively. */
const filesUnder = (folder: string): string[] =>
  readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(folder, file));

/** The project files a file imports (relative specifiers only), relative to the project. */
const importsOf = (file: string): string[] =>
  [
    ...readFileSync(join(PROJECT_ROOT, file), 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
    ),
  ].map(([, from, dynamic]) =>
    relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), from ?? dynamic ?? '')),
  );

const under = (path: string, folder: string) => path.startsWith(`${folder}/`) || path === folder;

/** The imports of the files under `folder` that land in any of `forbidden`, as "file -> import". */
const crossings = (folder: string, forbidden: string[]) =>
  filesUnder(folder).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((place) => under(target, place)))
      .map((target) => `${file} -> ${target}`),
  );

describe('local/ by role', () => {
  it('finds the imports it checks (a test of the check itself)', () => {
    // Assess
    expect(importsOf('local/stack.ts')).toContain('local/emulators/sfn/service.ts');
    expect(importsOf('local/console/server.ts')).toContain('local/http/http-server.ts');
  });

  const RUNS_THE_PLATFORM = ['local/emulators', 'local/stack.ts'];
  const USES_THE_PLATFORM = ['local/checks', 'local/cli', 'local/console'];

  it.each([
    ['the emulators', 'local/emulators', [...USES_THE_PLATFORM, 'local/stack.ts']],
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
    expect(crossings(folder, forbidden)).toEqual([]);
  });

  it('the console imports no emulator, check or tool: it reads the platform through public APIs', () => {
    expect(crossings('local/console', [...RUNS_THE_PLATFORM, 'local/checks', 'local/cli'])).toEqual(
      [],
    );
  });

  it('the layer build stands beside the layer, on nothing of the offline platform', () => {
    expect(crossings('layers', ['local'])).toEqual([]);
  });

  it('the type declarations of untyped dependencies stand on nothing of the offline platform', () => {
    expect(filesUnder('local/types')).not.toEqual([]);
    expect(crossings('local/types', ['local'])).toEqual([]);
  });
});
