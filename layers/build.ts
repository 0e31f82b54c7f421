/**
 * The DependenciesLayer, built as Lambda loads it fastest: each entry point named in
 * layers/dependencies/package.json becomes one ES module file in nodejs/node_modules/<package>,
 * the code they share split into common chunks, each package given an `exports` map. A cold
 * start then loads a handful of files instead of the hundreds of the npm packages.
 * `npm run build` calls it; so does `sam build`, through the Makefile (BuildMethod: makefile).
 * Usage: node layers/build.ts <artifacts dir>
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/** The project, whose node_modules hold the packages the layer is built from. */
const PROJECT_ROOT = join(import.meta.dirname, '..');

const LAYER_SOURCE = join(import.meta.dirname, 'dependencies');

export const layerManifest = () =>
  JSON.parse(readFileSync(join(LAYER_SOURCE, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    entryPoints: Record<string, string>;
  };

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
const subpathOf = (specifier: string) => specifier.slice(packageOf(specifier).length);

/** Builds the layer into `<artifactsDir>/nodejs/node_modules`; returns that folder. */
export const buildDependenciesLayer = async (artifactsDir: string): Promise<string> => {
  const { entryPoints } = layerManifest();
  const modules = join(artifactsDir, 'nodejs', 'node_modules');
  rmSync(artifactsDir, { recursive: true, force: true });
  await build({
    entryPoints: Object.entries(entryPoints).map(([specifier, source]) => ({
      // A package name is resolved by esbuild, as an import is (ESM conditions).
      in: source.startsWith('./') ? join(LAYER_SOURCE, source) : source,
      out: `${packageOf(specifier)}${subpathOf(specifier) || '/index'}`,
    })),
    outdir: modules,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    chunkNames: '.chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    // The nodejs24.x runtime provides the AWS SDK.
    external: ['@aws-sdk/*'],
    logLevel: 'warning',
  });
  const packages = new Map<string, Record<string, string>>();
  for (const specifier of Object.keys(entryPoints)) {
    const name = packageOf(specifier);
    const subpath = subpathOf(specifier);
    packages.set(name, {
      ...packages.get(name),
      [subpath ? `.${subpath}` : '.']: `.${subpath || '/index'}.mjs`,
    });
  }
  for (const [name, exports] of packages) {
    const { version } = JSON.parse(
      readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version: string };
    mkdirSync(join(modules, name), { recursive: true });
    writeFileSync(
      join(modules, name, 'package.json'),
      `${JSON.stringify({ name, version, type: 'module', exports }, null, 2)}\n`,
    );
  }
  return modules;
};

if (import.meta.main) {
  const [artifactsDir] = process.argv.slice(2);
  if (!artifactsDir) {
    console.error('Usage: node layers/build.ts <artifacts dir>');
    process.exit(2);
  }
  console.log(`DependenciesLayer built in ${await buildDependenciesLayer(artifactsDir)}`);
}
