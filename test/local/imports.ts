/**
 * The project files a source file imports, in every form a module can name another: a static
 * `import ... from`, a bare `import '...'`, `import type`, `export ... from`, `import()` and
 * `require()`; by a relative path, a `#` alias of package.json's "imports", or the package's own
 * name. What the roles test (roles.test.ts) reads; an `import()` of a computed path is reported
 * as such, since no reading of the text can say where it lands.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../local/template/template.ts';

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  imports?: Record<string, string>;
};

/** What an `import()` or `require()` of a computed specifier is reported as. */
export const COMPUTED = '<computed>';

/** Comments out of the way (strings kept): an import named in a comment is no import. */
const withoutComments = (text: string) =>
  text.replace(
    /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    (_match, literal: string | undefined) => literal ?? ' ',
  );

const SPECIFIER = String.raw`(['"])([^'"\n]+)\1`;
const FORMS = [
  // import x from '...', import { a, type b } from '...', import type x from '...',
  // export { a } from '...', export * from '...', export type { a } from '...'
  new RegExp(String.raw`(?:^|[;\n}])\s*(?:import|export)\b[^;'"]*?\bfrom\s*${SPECIFIER}`, 'g'),
  // import '...'
  new RegExp(String.raw`(?:^|[;\n}])\s*import\s*${SPECIFIER}`, 'g'),
  // import('...'), require('...')
  new RegExp(String.raw`\b(?:import|require)\s*\(\s*${SPECIFIER}\s*[,)]`, 'g'),
];
const COMPUTED_FORM = /\b(?:import|require)\s*\(\s*(?!['"\s])/g;

/** Every specifier `text` imports, as written (COMPUTED for an `import()` of an expression). */
export const specifiersIn = (text: string): string[] => {
  const code = withoutComments(text);
  return [
    ...FORMS.flatMap((form) => [...code.matchAll(form)].map((match) => match[2] ?? '')),
    ...[...code.matchAll(COMPUTED_FORM)].map(() => COMPUTED),
  ];
};

/** package.json's "imports" pattern matched: `#trip/*` takes `#trip/document.ts`, `#errors` itself. */
const aliasTarget = (specifier: string): string | undefined => {
  for (const [pattern, target] of Object.entries(manifest.imports ?? {})) {
    const star = pattern.indexOf('*');
    if (star < 0 && pattern === specifier) return target;
    const [before, after] = [pattern.slice(0, star), pattern.slice(star + 1)];
    if (star >= 0 && specifier.startsWith(before) && specifier.endsWith(after)) {
      return target.replace('*', specifier.slice(before.length, specifier.length - after.length));
    }
  }
  return undefined;
};

/**
 * Where a specifier written in `file` lands, relative to the project; undefined for another
 * package's (node_modules) or Node's own.
 */
export const targetOf = (file: string, specifier: string): string | undefined => {
  if (specifier === COMPUTED) return COMPUTED;
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return relative(PROJECT_ROOT, resolve(PROJECT_ROOT, dirname(file), specifier));
  }
  if (specifier.startsWith('#')) {
    const target = aliasTarget(specifier);
    return target === undefined ? `<unknown alias ${specifier}>` : relative('.', target);
  }
  if (specifier === manifest.name || specifier.startsWith(`${manifest.name}/`)) {
    return specifier.slice(manifest.name.length + 1) || '.';
  }
  return undefined;
};

/** The project files `file` (relative to the project) imports, relative to the project. */
export const importsOf = (file: string): string[] =>
  specifiersIn(readFileSync(join(PROJECT_ROOT, file), 'utf8')).flatMap((specifier) => {
    const target = targetOf(file, specifier);
    return target === undefined ? [] : [target];
  });
