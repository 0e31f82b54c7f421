/**
 * A SAM template, the one source of truth for everything local: the functions (handler, build
 * settings, environment, routes), the tables, the state machines and their substitutions. The
 * project's own template.yaml unless another is given (npm start -- --template PATH); paths in
 * it (CodeUri, DefinitionUri) are relative to its folder. CloudFormation's short-form tags
 * (!Ref, !GetAtt, !Sub, ...) are read as their long forms.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEMPLATE_PATH = join(PROJECT_ROOT, 'template.yaml');

const INTRINSICS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Base64',
  'Cidr',
] as const;

const longForm = (name: (typeof INTRINSICS)[number], value: unknown) => {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
};

const cloudFormationTags: Tags = INTRINSICS.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => longForm(name, value.toJSON()),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => longForm(name, value.toJSON()),
  },
]);

export interface Resource {
  Type: string;
  /** A condition of the template: the resource exists only where it holds. */
  Condition?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Globals?: { Function?: Record<string, unknown> };
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

export const readTemplate = (path = TEMPLATE_PATH): Template => {
  const template = parse(readFileSync(path, 'utf8'), {
    customTags: cloudFormationTags,
  }) as Template;
  if (typeof template?.Resources !== 'object') {
    throw new Error(`${path} has no Resources section`);
  }
  return template;
};

/** esbuild settings of a function, from its `Metadata.BuildProperties` as `sam build` reads them. */
export interface BuildProperties {
  EntryPoints: string[];
  Format?: 'esm' | 'cjs';
  OutExtension?: string[];
  Target?: string;
  Minify?: boolean;
  Sourcemap?: boolean;
  External?: string[];
  Banner?: string[];
}

export interface FunctionDefinition {
  logicalId: string;
  /** `file.export`, relative to the built artifact's root (or to CodeUri, for code run as it is). */
  handler: string;
  codeUri: string;
  /**
   * esbuild's settings, when `Metadata.BuildMethod` is esbuild; absent, the code in CodeUri runs
   * as it is (plain JavaScript, as `sam build` copies it).
   */
  build?: BuildProperties;
  /** `Metadata.BuildMethod` when it is neither esbuild nor absent (which runs nowhere here). */
  buildMethod?: string;
  /** Globals merged with the function's own properties. */
  properties: Record<string, unknown>;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

/** Every AWS::Serverless::Function, with the Globals applied as SAM applies them. */
export const functionsOf = (template: Template): FunctionDefinition[] => {
  const globals = asRecord(template.Globals?.Function);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
    .map(([logicalId, resource]) => {
      const own = asRecord(resource.Properties);
      const environment = {
        Variables: {
          ...asRecord(asRecord(globals.Environment).Variables),
          ...asRecord(asRecord(own.Environment).Variables),
        },
      };
      const properties: Record<string, unknown> = { ...globals, ...own, Environment: environment };
      const metadata = asRecord(resource.Metadata);
      const handler = typeof properties.Handler === 'string' ? properties.Handler : '';
      const codeUri = typeof properties.CodeUri === 'string' ? properties.CodeUri : '';
      if (metadata.BuildMethod === undefined) return { logicalId, handler, codeUri, properties };
      if (metadata.BuildMethod !== 'esbuild') {
        return {
          logicalId,
          handler,
          codeUri,
          properties,
          buildMethod: String(metadata.BuildMethod),
        };
      }
      const build = asRecord(metadata.BuildProperties) as unknown as BuildProperties;
      if (!Array.isArray(build.EntryPoints) || build.EntryPoints.length !== 1) {
        throw new Error(`${logicalId}: Metadata.BuildProperties.EntryPoints must name one file`);
      }
      if (handler === '' || codeUri === '') {
        throw new Error(`${logicalId}: Handler and CodeUri must be strings`);
      }
      return { logicalId, handler, codeUri, build, properties };
    });
};

/**
 * A handler string as Lambda's Node.js runtime reads it: `src/app.handler` is the module
 * `src/app` and its export `handler`; the module's name ends at the first dot of its file name,
 * and the rest may name a nested export (`index.api.get`).
 */
export const parseHandler = (handler: string) => {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0) return { module: handler, exportPath: '' };
  return { module: handler.slice(0, dot), exportPath: handler.slice(dot + 1) };
};

/** The extensions Lambda's Node.js runtime tries for a handler's module, in its order. */
export const HANDLER_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/**
 * The file of a function that runs as it is (no build): its handler's module in CodeUri, with
 * the first of Lambda's extensions that exists; undefined when none does.
 */
export const plainHandlerFile = (
  fn: FunctionDefinition,
  templateDir: string,
): string | undefined => {
  const base = join(templateDir, fn.codeUri, parseHandler(fn.handler).module);
  return HANDLER_EXTENSIONS.map((extension) => `${base}${extension}`).find((file) =>
    existsSync(file),
  );
};
