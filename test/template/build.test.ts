/**
 * `npm run build`: every function bundled by esbuild from its template Metadata, into the layout
 * `sam build` produces, and each bundle loads and exports its handler.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { layerManifest } from '../../layers/build.ts';
import { ASL_PATH } from '../../local/app/saga.ts';
import { buildAll } from '../../local/template/build.ts';
import { functionsOf, PROJECT_ROOT, readTemplate } from '../../local/template/template.ts';

// Inside the project, so the bundles resolve the AWS SDK from node_modules as Lambda's runtime would.
const buildDir = join(PROJECT_ROOT, '.aws-sam', `build-test-${process.pid}`);
const functions = functionsOf(readTemplate());
let bundles: Map<string, string>;

beforeAll(async () => {
  bundles = await buildAll(buildDir);
});

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
});

describe('npm run build', () => {
  it.each(functions.map((fn) => [fn.logicalId, fn] as const))(
    '%s: <LogicalId>/<handler file>.mjs with its source map, loading with its handler',
    async (logicalId, fn) => {
      const bundle = bundles.get(logicalId) ?? '';
      const handlerFile = fn.handler.replace(/\.handler$/, '');

      expect(relative(buildDir, bundle)).toBe(join(logicalId, `${handlerFile}.mjs`));
      const code = readFileSync(bundle, 'utf8');
      expect(code).toContain(`//# sourceMappingURL=${handlerFile}.mjs.map`);
      // The AWS SDK stays external, as the nodejs24.x runtime provides it: imported, not bundled.
      expect(code).toMatch(/from"@aws-sdk\/client-(dynamodb|sfn)"/);
      expect(code).not.toMatch(/smithy|DynamoDB_20120810/);
      const module = (await import(bundle)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    },
  );

  it('imports nothing but Node, the AWS SDK and the entry points of the dependencies layer', () => {
    const { entryPoints } = layerManifest();
    const provided = (specifier: string) =>
      specifier.startsWith('node:') ||
      specifier.startsWith('@aws-sdk/') ||
      specifier in entryPoints;

    for (const fn of functions) {
      const code = readFileSync(bundles.get(fn.logicalId) ?? '', 'utf8');
      const specifiers = [
        ...code.matchAll(/\bimport\s*(?:[^"';]*?from\s*)?\(?"([^"./][^"]*)"/g),
      ].map((match) => match[1] ?? '');
      expect(specifiers.length, fn.logicalId).toBeGreaterThan(0);
      expect(
        specifiers.filter((specifier) => !provided(specifier)),
        fn.logicalId,
      ).toEqual([]);
    }
  });

  it('builds each layer entry point into one module, and links the layer where the bundles find it', () => {
    const modules = join(buildDir, 'DependenciesLayer', 'nodejs', 'node_modules');
    for (const specifier of Object.keys(layerManifest().entryPoints)) {
      const name = specifier
        .split('/')
        .slice(0, specifier.startsWith('@') ? 2 : 1)
        .join('/');
      const manifest = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as {
        exports: Record<string, string>;
      };
      const entry = manifest.exports[`.${specifier.slice(name.length)}`] ?? '';
      expect(existsSync(join(modules, name, entry)), specifier).toBe(true);
    }
    // As /opt/nodejs/node_modules on Lambda: found before the project's node_modules.
    expect(realpathSync(join(buildDir, 'node_modules'))).toBe(realpathSync(modules));
  });

  it('writes the built template with each CodeUri at its artifact and DefinitionUri at the ASL', () => {
    const text = readFileSync(join(buildDir, 'template.yaml'), 'utf8');
    const built = parse(text, { logLevel: 'error' }) as {
      Resources: Record<string, { Properties: Record<string, string> }>;
    };

    for (const fn of functions) {
      expect(built.Resources[fn.logicalId]?.Properties.CodeUri).toBe(fn.logicalId);
    }
    const definitionUri = built.Resources.BookingSaga?.Properties.DefinitionUri ?? '';
    expect(join(buildDir, definitionUri)).toBe(ASL_PATH);
    // The short-form tags are written back as they were.
    expect(text).toContain('TABLE_NAME: !Ref BookingsTable');
  });

  it('two builds at once into one folder (two npm start in one checkout) both end whole', async () => {
    // Prepare
    const shared = join(PROJECT_ROOT, '.aws-sam', `build-twice-${process.pid}`);

    try {
      // Act
      const [first, second] = await Promise.all([buildAll(shared), buildAll(shared)]);

      // Assess: whichever stands is complete; the layer link resolves; no staging folder left.
      expect(Object.fromEntries(first ?? [])).toEqual(Object.fromEntries(second ?? []));
      for (const bundle of first?.values() ?? []) expect(existsSync(bundle), bundle).toBe(true);
      expect(existsSync(join(shared, 'node_modules', '@middy', 'core'))).toBe(true);
      expect(existsSync(join(shared, 'template.yaml'))).toBe(true);
      expect(
        readdirSync(join(PROJECT_ROOT, '.aws-sam')).filter((name) =>
          name.startsWith(`build-twice-${process.pid}.`),
        ),
      ).toEqual([]);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
