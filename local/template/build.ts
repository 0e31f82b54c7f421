/**
 * `npm run build`: bundles every function of template.yaml with esbuild, from the function's own
 * `Metadata.BuildProperties`, into the layout `sam build` produces:
 *   .aws-sam/build/<LogicalId>/<entry>.mjs (+ .map)   one artifact folder per function
 *   .aws-sam/build/<LayerId>/nodejs/node_modules/     the layer (layers/build.ts), linked from
 *   .aws-sam/build/node_modules                       so local runs load it as Lambda does
 *   .aws-sam/build/template.yaml                      CodeUri and ContentUri pointing at them
 * `sam deploy` and `sam local` accept that folder as it is; the offline platform runs it.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { parseDocument } from 'yaml';
import { buildDependenciesLayer } from '../../layers/build.ts';
import {
  type FunctionDefinition,
  functionsOf,
  PROJECT_ROOT,
  readTemplate,
  TEMPLATE_PATH,
} from './template.ts';

export const BUILD_DIR = join(PROJECT_ROOT, '.aws-sam', 'build');

const outExtensions = (pairs: string[] = []) =>
  Object.fromEntries(
    pairs.map((pair) => {
      const [from, to] = pair.split('=');
      if (!from || !to) throw new Error(`OutExtension "${pair}" is not of the form .js=.mjs`);
      return [from, to];
    }),
  );

const banners = (pairs: string[] = []) =>
  Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );

/** Bundles one function; returns the path of its bundle. */
export const bundleFunction = async (fn: FunctionDefinition, outdir: string): Promise<string> => {
  const entry = fn.build.EntryPoints[0] ?? '';
  const handlerFile = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  if (handlerFile !== basename(entry, extname(entry))) {
    throw new Error(`${fn.logicalId}: Handler ${fn.handler} does not match entry point ${entry}`);
  }
  const extensions = outExtensions(fn.build.OutExtension);
  await build({
    entryPoints: [join(PROJECT_ROOT, fn.codeUri, entry)],
    outdir,
    bundle: true,
    platform: 'node',
    format: fn.build.Format ?? 'cjs',
    target: fn.build.Target ?? 'node24',
    minify: fn.build.Minify ?? false,
    sourcemap: fn.build.Sourcemap ?? false,
    external: fn.build.External ?? [],
    outExtension: extensions,
    banner: banners(fn.build.Banner),
    logLevel: 'warning',
  });
  return join(outdir, `${handlerFile}${extensions['.js'] ?? '.js'}`);
};

/** The template's layers, which `sam build` builds through the Makefile (layers/build.ts). */
const layersOf = () =>
  Object.entries(readTemplate().Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::LayerVersion')
    .map(([logicalId, resource]) => {
      if (resource.Metadata?.BuildMethod !== 'makefile') {
        throw new Error(`${logicalId}: the local build builds makefile layers only`);
      }
      return logicalId;
    });

/**
 * Builds the layers, and links <buildDir>/node_modules to the layer's packages: a function's
 * bundle then finds them there, as it finds /opt/nodejs/node_modules on Lambda, before the
 * project's node_modules (which stands in for the runtime's AWS SDK).
 */
const buildLayers = async (buildDir: string) => {
  const layers = layersOf();
  if (layers.length > 1) throw new Error('The local build links one layer into node_modules');
  for (const logicalId of layers) {
    const modules = await buildDependenciesLayer(join(buildDir, logicalId));
    symlinkSync(relative(buildDir, modules), join(buildDir, 'node_modules'), 'dir');
  }
};

/** The built template: the source template with each CodeUri pointing at its artifact folder. */
const writeBuiltTemplate = (functions: FunctionDefinition[], buildDir: string) => {
  // Parsed as a document, not as data, so the short-form tags are written back unchanged.
  const document = parseDocument(readFileSync(TEMPLATE_PATH, 'utf8'), { logLevel: 'error' });
  for (const fn of functions) {
    document.setIn(['Resources', fn.logicalId, 'Properties', 'CodeUri'], fn.logicalId);
  }
  for (const logicalId of layersOf()) {
    document.setIn(['Resources', logicalId, 'Properties', 'ContentUri'], logicalId);
  }
  const template = readTemplate();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const definitionUri = resource.Properties?.DefinitionUri;
    if (resource.Type === 'AWS::Serverless::StateMachine' && typeof definitionUri === 'string') {
      const path = relative(buildDir, join(PROJECT_ROOT, definitionUri));
      document.setIn(['Resources', logicalId, 'Properties', 'DefinitionUri'], path);
    }
  }
  writeFileSync(join(buildDir, 'template.yaml'), document.toString());
};

/**
 * Builds every function into `buildDir`; returns each function's bundle by logical id. The build
 * is written into a folder of its own beside `buildDir`, then put in its place, so two builds at
 * once (two `npm start` in one checkout) never write into each other's: the last one stands.
 */
export const buildAll = async (buildDir = BUILD_DIR): Promise<Map<string, string>> => {
  const functions = functionsOf(readTemplate());
  mkdirSync(dirname(buildDir), { recursive: true });
  // A sibling, so every relative path written into the build holds once it is renamed.
  const staging = mkdtempSync(`${buildDir}.building-`);
  const bundles = new Map<string, string>();
  try {
    await Promise.all(
      functions.map(async (fn) => {
        const bundle = await bundleFunction(fn, join(staging, fn.logicalId));
        bundles.set(fn.logicalId, join(buildDir, relative(staging, bundle)));
      }),
    );
    await buildLayers(staging);
    writeBuiltTemplate(functions, staging);
    // Another process's build may land between the two renames: move it aside too, and retry.
    const previous = `${staging}.previous`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        renameSync(buildDir, `${previous}-${attempt}`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      try {
        renameSync(staging, buildDir);
        break;
      } catch (error) {
        const { code } = error as NodeJS.ErrnoException;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt === 5) throw error;
      }
    }
    for (const name of readdirSync(dirname(buildDir))) {
      if (name.startsWith(basename(previous))) {
        rmSync(join(dirname(buildDir), name), { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return bundles;
};

if (import.meta.main) {
  const started = performance.now();
  const bundles = await buildAll();
  for (const [logicalId, bundle] of [...bundles].sort()) {
    console.log(`${logicalId.padEnd(24)} ${relative(PROJECT_ROOT, bundle)}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Built ${bundles.size} functions into ${relative(PROJECT_ROOT, BUILD_DIR)} in ${seconds}s`,
  );
}
