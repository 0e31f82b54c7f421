/**
 * `npm run soak -- --report FILE` writes what it prints, dated, with its command and machine:
 * the one home of the soak's figures (docs/reliability.md links to bench/soak.md), as the
 * hostile soak's is bench/hostile-soak.md.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';

const folder = mkdtempSync(join(tmpdir(), 'booking-saga-soak-report-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run soak -- --report', () => {
  it('writes the printed report under a dated heading naming its command', async () => {
    // Prepare
    const file = join(folder, 'soak.md');

    // Act
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'local/app/cli/soak.ts',
        ...['--runs', '6', '--seed', '3', '--concurrency', '3', '--report', file],
      ],
      { cwd: PROJECT_ROOT, env: process.env },
    );

    // Assess: the file is the heading, the command, and exactly what was printed
    const written = readFileSync(file, 'utf8');
    const [heading, command, ...rest] = written.split('\n\n');
    expect(heading).toMatch(/^# Soak, \d{4}-\d{2}-\d{2}$/);
    expect(command).toMatch(
      /^`npm run soak -- --runs 6 --seed 3 --concurrency 3` on \d+ cores \(.*\), load average [\d.]+ at the end$/,
    );
    expect(rest.join('\n\n')).toBe(`\`\`\`\n${stdout.trimEnd()}\n\`\`\`\n`);
    expect(stdout).toMatch(/^Soak: 6 runs, seed 3, concurrency 3$/m);
    expect(stdout).toMatch(/^invariant violations: 0$/m);
  });
});
