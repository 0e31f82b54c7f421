/**
 * The README and docs/ stay what STYLE.md's rule 10 asks: a README read in five minutes (at most
 * 250 lines) that links every docs page; links and anchors that resolve; every `npm` command they
 * show a script that exists, with options its tool takes; and no dated measurement, which goes
 * stale, outside what the bench and the soak write (bench/results.md, bench/hostile-soak.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';

const README_MAX_LINES = 250;

/** What a figure with its date, its machine or its load looks like: it belongs in the results. */
const DATED_MEASUREMENTS: { name: string; pattern: RegExp }[] = [
  // A calendar date alone; a date-time (2021-07-10T06:00:00Z) is data in an example.
  { name: 'a date', pattern: /\b(?:19|20)\d\d-[01]\d-[0-3]\d\b(?!T)/ },
  { name: "a machine's cores", pattern: /\b\d+ (?:idle |busy |quiet |shared )?cores\b/i },
  { name: 'a load average', pattern: /\bload (?:average )?(?:of )?\d/i },
  { name: 'a count of tests', pattern: /\b(?:about|some|over|runs) [\d,.]+ tests\b/i },
  { name: "a run's duration", pattern: /\b(?:took|takes) [\d.]+ ?(?:ms|s|min)\b/i },
];

interface Page {
  file: string;
  text: string;
}

const readPage = (file: string): Page => ({
  file,
  text: readFileSync(join(PROJECT_ROOT, file), 'utf8'),
});

const DOCS = readdirSync(join(PROJECT_ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = [readPage('README.md'), ...DOCS.map(readPage)];

/** The page's lines outside fenced code blocks, with their line numbers. */
const proseLines = (text: string): { line: number; text: string }[] => {
  let fenced = false;
  return text.split('\n').flatMap((line, index) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ line: index + 1, text: line }];
  });
};

/** GitHub's anchor for a heading: its text, lower case, punctuation dropped, spaces as dashes. */
const slugOf = (heading: string) =>
  heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** The anchors of a Markdown file's headings, repeats numbered as GitHub numbers them. */
const anchorsOf = (text: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
};

/** Every relative link and image of a page, outside code, with the line it is on. */
const relativeLinks = (page: Page): { line: number; target: string }[] =>
  proseLines(page.text).flatMap(({ line, text }) =>
    [...text.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
      .map((match) => match[1] ?? '')
      .filter((target) => !/^[a-z][a-z+.-]*:/i.test(target))
      .map((target) => ({ line, target })),
  );

/** Why a link of `page` does not resolve, or undefined when it does. */
const brokenLink = (page: Page, target: string): string | undefined => {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? page.file : normalize(join(dirname(page.file), path));
  if (relative(PROJECT_ROOT, join(PROJECT_ROOT, file)).startsWith('..'))
    return 'outside the project';
  // A link within the page is checked against the page itself, read or not from disk.
  const text = path === '' ? page.text : undefined;
  if (text === undefined && !existsSync(join(PROJECT_ROOT, file))) return `no file ${file}`;
  if (anchor === undefined || !file.endsWith('.md')) return undefined;
  const anchors = anchorsOf(text ?? readFileSync(join(PROJECT_ROOT, file), 'utf8'));
  return anchors.has(anchor) ? undefined : `no heading #${anchor} in ${file}`;
};

const scripts = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** The source file a script runs (the last .ts or .mjs it names), whose usage lists its options. */
const toolOf = (script: string): string | undefined =>
  [...(scripts[script] ?? '').matchAll(/(\S+\.(?:ts|mjs))\b/g)].map((match) => match[1]).at(-1);

interface Command {
  file: string;
  line: number;
  script: string;
  options: string[];
  /** Options written before npm's `--`: npm would take them as its own. */
  beforeSeparator: string[];
}

/** Every `npm start`, `npm test` or `npm run <script>` a page shows, in prose or in code. */
const npmCommands = (page: Page): Command[] =>
  page.text.split('\n').flatMap((text, index) =>
    [...text.matchAll(/\bnpm (?:run(?: -s)? ([\w:-]+)|(start|test))\b([^|;&#()`]*)/g)].map(
      (match) => {
        const rest = (match[3] ?? '').split(/\s+/).filter(Boolean);
        const separator = rest.indexOf('--');
        const before = separator === -1 ? rest : rest.slice(0, separator);
        const after = separator === -1 ? [] : rest.slice(separator + 1);
        const optionsIn = (words: string[]) =>
          words.flatMap((word) => /^\[?(--[a-z][\w-]*)/.exec(word)?.[1] ?? []);
        return {
          file: page.file,
          line: index + 1,
          script: match[1] ?? match[2] ?? '',
          options: optionsIn(after),
          beforeSeparator: optionsIn(before),
        };
      },
    ),
  );

/** What is wrong with a command a page shows: its script, or an option its tool does not take. */
const problemsOf = ({ file, line, script, options, beforeSeparator }: Command): string[] => {
  const where = `${file}:${line} npm ${script}`;
  if (!(script in scripts)) return [`${where}: no such script`];
  if (beforeSeparator.length > 0) return [`${where}: ${beforeSeparator.join(' ')} before --`];
  const tool = toolOf(script);
  // The test scripts' options are vitest's.
  if (tool === undefined || script.startsWith('test')) return [];
  const source = readFileSync(join(PROJECT_ROOT, tool), 'utf8');
  return options
    .filter((option) => !source.includes(option))
    .map((option) => `${where}: ${tool} takes no ${option}`);
};

/** The dated measurements a page carries outside code blocks, each with its line. */
const datedMeasurements = (page: Page): string[] =>
  proseLines(page.text).flatMap(({ line, text }) =>
    DATED_MEASUREMENTS.filter(({ pattern }) => pattern.test(text)).map(
      ({ name }) => `${page.file}:${line} ${name}`,
    ),
  );

describe('the README and docs/', () => {
  it(`keep the README within ${README_MAX_LINES} lines`, () => {
    // Prepare
    const readme = readPage('README.md');

    // Assess
    expect(readme.text.trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('link every docs page from the README', () => {
    // Prepare
    const linked = new Set(
      relativeLinks(readPage('README.md')).map(({ target }) =>
        normalize(target.split('#')[0] ?? ''),
      ),
    );

    // Assess
    expect(DOCS.filter((file) => !linked.has(file))).toEqual([]);
  });

  it('have relative links that reach a file, and a heading when they name one', () => {
    // Act
    const broken = PAGES.flatMap((page) =>
      relativeLinks(page).flatMap(({ line, target }) => {
        const reason = brokenLink(page, target);
        return reason === undefined ? [] : [`${page.file}:${line} ${target}: ${reason}`];
      }),
    );

    // Assess
    expect(PAGES.flatMap(relativeLinks).length).toBeGreaterThan(DOCS.length);
    expect(broken).toEqual([]);
  });

  it('carry no dated measurement (it lives in what the bench and the soak write)', () => {
    // Act
    const found = PAGES.flatMap(datedMeasurements);

    // Assess
    expect(found).toEqual([]);
  });

  it('show npm commands whose scripts exist, with options after `--` that their tools take', () => {
    // Act
    const commands = PAGES.flatMap(npmCommands);
    const wrong = commands.flatMap(problemsOf);

    // Assess
    expect(commands.length).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });
});

describe('the docs checks themselves', () => {
  it('find what they are meant to find', () => {
    // Prepare
    const page: Page = {
      file: 'docs/example.md',
      text: [
        '# A heading, with `code`',
        'On 2 idle cores, 2026-11-30: `npm test` took 51 s.',
        '[there](saga.md#no-such-heading) [here](#a-heading-with-code) [gone](nowhere.md)',
        '```sh',
        'npm start --data-dir x && npm run nothing -- --x',
        '```',
        'npm run book -- --no-such-option',
      ].join('\n'),
    };

    // Act
    const dated = datedMeasurements(page);
    const links = relativeLinks(page).map(({ target }) => brokenLink(page, target));
    const problems = npmCommands(page).flatMap(problemsOf);

    // Assess
    expect(dated).toEqual([
      'docs/example.md:2 a date',
      "docs/example.md:2 a machine's cores",
      "docs/example.md:2 a run's duration",
    ]);
    expect(links).toEqual([
      'no heading #no-such-heading in docs/saga.md',
      undefined,
      'no file docs/nowhere.md',
    ]);
    expect(problems).toEqual([
      'docs/example.md:5 npm start: --data-dir before --',
      'docs/example.md:5 npm nothing: no such script',
      'docs/example.md:7 npm book: local/app/cli/book.ts takes no --no-such-option',
    ]);
  });
});
