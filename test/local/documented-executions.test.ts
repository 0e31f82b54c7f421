/**
 * Every `aws stepfunctions start-execution` the README and docs/ give names its execution after
 * the trip it runs, a trip of its own: GET /trips/{tripId} and the reconciler find a trip's
 * execution by that name (functions/commons/trip/executions.ts), and a shared fixture trip
 * (events/*.json's example-trip-1) would be cancelled under the feet of `npm run invoke`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';

/** Each start-execution command of the project's Markdown, its continuation lines joined. */
const startExecutions = (): { file: string; command: string }[] => {
  const files = [
    'README.md',
    ...readdirSync(join(PROJECT_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.md'))
      .map((file) => join('docs', file)),
  ];
  return files.flatMap((file) =>
    readFileSync(join(PROJECT_ROOT, file), 'utf8')
      .replaceAll('\\\n', ' ')
      .split('\n')
      .filter((line) => /\baws stepfunctions start-execution\b/.test(line))
      .map((command) => ({ file, command })),
  );
};

describe("the docs' start-execution commands", () => {
  it('are found (a test of the search itself)', () => {
    // Assess
    expect(startExecutions().length).toBeGreaterThanOrEqual(2);
  });

  it('name each execution after a trip id of its own, the one in its input', () => {
    // Act
    const commands = startExecutions();

    // Assess
    for (const { file, command } of commands) {
      const name = /--name "\$(\w+)"/.exec(command)?.[1];
      expect({ file, command, name }).toEqual({ file, command, name: expect.any(String) });
      const input = /--input (.*)$/.exec(command)?.[1] ?? '';
      expect({ file, command, input }).toEqual({
        file,
        command,
        input: expect.stringContaining(`$${name}`),
      });
    }
  });
});
