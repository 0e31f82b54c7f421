/**
 * `npm run build`: bundles every function of the template with esbuild, from the function's own
 * `Metadata.BuildProperties`, into the layout `sam build` produces:
 *   .aws-sam/build/<LogicalId>/<entry>.mjs (+ .map)   one artifact folder per function
 *   .aws-sam/build/<LayerId>/nodejs/node_modules/     the layer (its Makefile's target), linked
 *   .aws-sam/build/node_modules                       from there so local runs load it as Lambda does
 *   .aws-sam/build/template.yaml                      CodeUri and ContentUri pointing at them
 * A layer with `BuildMethod: makefile` is built as `sam build` builds it: `make build-<LayerId>`
 * with ARTIFACTS_DIR, in the layer's ContentUri. A function without Metadata runs from its
 * CodeUri as it is. `sam deploy` and `sam local` accept that folder as it is; the offline
 * platform runs it.
 */
import { execFile } from 'node:child_process';
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
import { basename, delimiter, dirname, extname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { parseDocument } from 'yaml';
import {
  type BuildProperties,
  type FunctionDefinition,
  functionsOf,
  PROJECT_ROOT,
  readTemplate,
  TEMPLATE_PATH,
  type Template,
} from './template.ts';

export const BUILD_DIR = join(PROJECT_ROOT, '.aws-sam', 'build');

/** Where a template's build goes: `.aws-sam/build` beside it, as `sam build` run there puts it. */
export const buildDirOf = (templatePath: string) =>
  templatePath === TEMPLATE_PATH ? BUILD_DIR : join(dirname(templatePath), '.aws-sam', 'build');

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

/** A function esbuild builds. */
export type BuiltFunction = FunctionDefinition & { build: BuildProperties };

/** The bundle's file name: the handler's module, with the build's .js extension. */
export const bundleFileOf = (fn: BuiltFunction) => {
  const extension =
    (fn.build.OutExtension ?? []).find((pair) => pair.startsWith('.js='))?.split('=')[1] ?? '.js';
  return `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}${extension}`;
};

/** Bundles one function; returns the path of its bundle. */
export const bundleFunction = async (
  fn: BuiltFunction,
  outdir: string,
  templateDir = PROJECT_ROOT,
): Promise<string> => {
  const entry = fn.build.EntryPoints[0] ?? '';
  const handlerFile = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  if (handlerFile !== basename(entry, extname(entry))) {
    throw new Error(`${fn.logicalId}: Handler ${fn.handler} does not match entry point ${entry}`);
  }
  await build({
    entryPoints: [join(templateDir, fn.codeUri, entry)],
    outdir,
    bundle: true,
    platform: 'node',
    format: fn.build.Format ?? 'cjs',
    target: fn.build.Target ?? 'node24',
    minify: fn.build.Minify ?? false,
    sourcemap: fn.build.Sourcemap ?? false,
    external: fn.build.External ?? [],
    outExtension: outExtensions(fn.build.OutExtension),
    banner: banners(fn.build.Banner),
    logLevel: 'warning',
  });
  return join(outdir, bundleFileOf(fn));
};

/** The functions esbuild builds (the others run from their CodeUri as they are). */
export const builtFunctions = (template: Template) =>
  functionsOf(template).filter((fn): fn is BuiltFunction => fn.build !== undefined);

/** The template's layers built by their Makefile, by logical id, with their ContentUri. */
const layersOf = (template: Template) =>
  Object.entries(template.Resources)
    .filter(
      ([, resource]) =>
        resource.Type === 'AWS::Serverless::LayerVersion' &&
        resource.Metadata?.BuildMethod === 'makefile',
    )
    .map(([logicalId, resource]) => ({
      logicalId,
      contentUri: String(resource.Properties?.ContentUri ?? '.'),
    }));

/** Whether the template has anything to build: a function built by esbuild, or a layer. */
export const needsBuild = (template: Template) =>
  builtFunctions(template).length > 0 || layersOf(template).length > 0;

/** What runs a command line: a shell with this Node.js first on the PATH. */
const run = (file: string, args: string[], cwd: string) =>
  new Promise<string>((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd,
        env: {
          ...process.env,
          PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
        },
      },
      (error, stdout, stderr) =>
        error ? reject(Object.assign(error, { output: `${stdout}${stderr}` })) : resolve(stdout),
    );
  });

/**
 * The recipe of `target` in the Makefile, its make variables (`$(NAME)`, `${NAME}`) given: what
 * runs when make itself is not installed. A recipe that needs more of make fails, saying so.
 */
const recipeOf = (makefile: string, target: string, variables: Record<string, string>) => {
  const lines = readFileSync(makefile, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${target}:`));
  if (start < 0) throw new Error(`${makefile} has no target ${target}`);
  const recipe: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('\t')) break;
    recipe.push(
      line
        .slice(1)
        .replace(/\$[({](\w+)[)}]/g, (_all, name: string) => variables[name] ?? '')
        .replaceAll('$$', '$'),
    );
  }
  return recipe;
};

/**
 * Runs a layer's Makefile target as `sam build` does: `make build-<LayerId>` in its ContentUri,
 * ARTIFACTS_DIR the layer's artifact folder, with this Node.js first on the PATH. Without make
 * on the machine, the target's recipe runs line by line in /bin/sh.
 */
const makeLayer = async (logicalId: string, contentDir: string, artifactsDir: string) => {
  mkdirSync(artifactsDir, { recursive: true });
  const target = `build-${logicalId}`;
  try {
    await run(
      'make',
      ['--no-print-directory', target, `ARTIFACTS_DIR=${artifactsDir}`],
      contentDir,
    );
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`make ${target} failed:\n${(error as { output?: string }).output ?? ''}`);
    }
  }
  const recipe = recipeOf(join(contentDir, 'Makefile'), target, { ARTIFACTS_DIR: artifactsDir });
  for (const line of recipe) {
    try {
      await run('/bin/sh', ['-c', line], contentDir);
    } catch (error) {
      throw new Error(
        `${target} (run without make, which is not installed) failed at: ${line}\n${(error as { output?: string }).output ?? ''}`,
      );
    }
  }
};

/**
 * Builds the layers, and links <buildDir>/node_modules to the layer's packages: a function's
 * bundle then finds them there, as it finds /opt/nodejs/node_modules on Lambda, before the
 * project's node_modules (which stands in for the runtime's AWS SDK).
 */
const buildLayers = async (template: Template, templateDir: string, buildDir: string) => {
  const layers = layersOf(template);
  if (layers.length > 1) throw new Error('The local build links one layer into node_modules');
  for (const { logicalId, contentUri } of layers) {
    const artifactsDir = join(buildDir, logicalId);
    await makeLayer(logicalId, join(templateDir, contentUri), artifactsDir);
    const modules = join(artifactsDir, 'nodejs', 'node_modules');
    symlinkSync(relative(buildDir, modules), join(buildDir, 'node_modules'), 'dir');
  }
};

/**
 * The built template: the source template with each built function's CodeUri and each layer's
 * ContentUri pointing at its artifact folder, and the other paths at the sources.
 */
const writeBuiltTemplate = (templatePath: string, buildDir: string) => {
  const templateDir = dirname(templatePath);
  const template = readTemplate(templatePath);
  // Parsed as a document, not as data, so the short-form tags are written back unchanged.
  const document = parseDocument(readFileSync(templatePath, 'utf8'), { logLevel: 'error' });
  const set = (logicalId: string, property: string, value: string) =>
    document.setIn(['Resources', logicalId, 'Properties', property], value);
  for (const fn of functionsOf(template)) {
    if (fn.build) set(fn.logicalId, 'CodeUri', fn.logicalId);
    else if (fn.codeUri)
      set(fn.logicalId, 'CodeUri', relative(buildDir, join(templateDir, fn.codeUri)));
  }
  for (const { logicalId } of layersOf(template)) set(logicalId, 'ContentUri', logicalId);
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const definitionUri = resource.Properties?.DefinitionUri;
    if (resource.Type === 'AWS::Serverless::StateMachine' && typeof definitionUri === 'string') {
      set(logicalId, 'DefinitionUri', relative(buildDir, join(templateDir, definitionUri)));
    }
  }
  writeFileSync(join(buildDir, 'template.yaml'), document.toString());
};

/**
 * Builds every function of the template into `buildDir`; returns each function's bundle by
 * logical id. The build is written into a folder of its own beside `buildDir`, then put in its
 * place, so two builds at once (two `npm start` in one checkout) never write into each other's:
 * the last one stands.
 */
export const buildAll = async (
  buildDir = BUILD_DIR,
  templatePath = TEMPLATE_PATH,
): Promise<Map<string, string>> => {
  const template = readTemplate(templatePath);
  const templateDir = dirname(templatePath);
  mkdirSync(dirname(buildDir), { recursive: true });
  // A sibling, so every relative path written into the build holds once it is renamed.
  const staging = mkdtempSync(`${buildDir}.building-`);
  const bundles = new Map<string, string>();
  try {
    await Promise.all([
      ...builtFunctions(template).map(async (fn) => {
        const bundle = await bundleFunction(fn, join(staging, fn.logicalId), templateDir);
        bundles.set(fn.logicalId, join(buildDir, relative(staging, bundle)));
      }),
      buildLayers(template, templateDir, staging),
    ]);
    writeBuiltTemplate(templatePath, staging);
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

// `npm run build [-- --template PATH]`
if (import.meta.main) {
  const at = process.argv.indexOf('--template');
  const templatePath = at > 0 ? resolve(process.argv[at + 1] ?? '') : TEMPLATE_PATH;
  const buildDir = buildDirOf(templatePath);
  const started = performance.now();
  const bundles = await buildAll(buildDir, templatePath);
  for (const [logicalId, bundle] of [...bundles].sort()) {
    console.log(`${logicalId.padEnd(24)} ${relative(process.cwd(), bundle)}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Built ${bundles.size} functions into ${relative(process.cwd(), buildDir)} in ${seconds}s`,
  );
}
