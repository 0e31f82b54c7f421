/**
 * docs/local-step-functions.md's support table says what the conformance cases say: per case
 * file, how many cases, how many pass, how many are refused offline, how many are known to
 * fail. A case added, listed or fixed changes the table; this test then prints the new one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASE_FILES } from '../conformance/sfn/index.ts';
import { KNOWN_FAILING, KNOWN_HANGING } from '../conformance/sfn/known-failing.ts';
import { REFUSED_OFFLINE } from '../conformance/sfn/refused-offline.ts';

const PAGE = new URL('../../docs/local-step-functions.md', import.meta.url);
const START = '<!-- support-table:start -->';
const END = '<!-- support-table:end -->';

/** The table, as Markdown with its columns aligned (as biome's formatter leaves it). */
const supportTable = () => {
  const rows = CASE_FILES.map(({ title, cases }) => {
    const names = cases.map((c) => c.name);
    const offline = names.filter((name) => name in REFUSED_OFFLINE).length;
    const failing = names.filter((name) => name in KNOWN_FAILING || name in KNOWN_HANGING).length;
    return [title, names.length, names.length - offline - failing, offline, failing];
  });
  const total = rows.reduce(
    (sum, row) =>
      sum.map((value, index) => (index === 0 ? value : Number(value) + Number(row[index]))),
    ['all', 0, 0, 0, 0],
  );
  const table = [
    ['topic (case file)', 'cases', 'pass', 'refused offline', 'known failing'],
    ...rows,
    total,
  ];
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((row) => String(row[column]).length))) ?? [];
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((cell, column) => String(cell).padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(table[0] ?? []),
    `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`,
    ...table.slice(1).map(line),
  ].join('\n');
};

describe('docs/local-step-functions.md', () => {
  it('holds the support table the conformance cases give', () => {
    const page = readFileSync(PAGE, 'utf8');
    const written = page.slice(page.indexOf(START) + START.length, page.indexOf(END)).trim();

    expect(written, `the table to paste between the markers:\n${supportTable()}\n`).toBe(
      supportTable(),
    );
  });
});
