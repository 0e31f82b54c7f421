/**
 * Every npm script checks its Node first (local/cli/node-24.mjs): under an older Node, one line
 * naming Node 24 and the commands that fetch it, exit 1, no stack trace; with a Node 24 fetched
 * where `.ci/run` puts it, the script runs on that Node by itself. Run with the older Node the
 * machine has (Debian's, on the CI machine); a machine with none has nothing to prove here.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';

/** A `node` older than 24 on the PATH or in the usual places, if the machine has one. */
const olderNode = (): string | undefined => {
  const places = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin'];
  for (const place of places) {
    const node = join(place, 'node');
    try {
      accessSync(node, constants.X_OK);
      const version = execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
      if (Number(version.split('.')[0]) < 24) return node;
    } catch {
      // not there, or not a Node
    }
  }
  return undefined;
};

const older = olderNode();
const caches = mkdtempSync(join(tmpdir(), 'node-version-'));
afterAll(() => rmSync(caches, { recursive: true, force: true }));

/** An XDG cache folder with nothing fetched, or with this run's Node 24 where .ci/run puts it. */
const cacheFolder = (withNode24: boolean): string => {
  const folder = mkdtempSync(join(caches, 'cache-'));
  if (withNode24) {
    const platform = `${process.platform}-${process.arch}`;
    const bin = join(folder, 'booking-saga', `node-24-${platform}`, 'node_modules');
    mkdirSync(join(bin, `node-${platform}`, 'bin'), { recursive: true });
    symlinkSync(process.execPath, join(bin, `node-${platform}`, 'bin', 'node'));
  }
  return folder;
};

/** `npm <args>` as a terminal whose Node is the older one runs it: exit code and output. */
const npmUnderOlderNode = (cache: string, ...args: string[]) =>
  promisify(execFile)('npm', args, {
    cwd: PROJECT_ROOT,
    env: {
      PATH: `${dirname(older ?? '')}${delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
      XDG_CACHE_HOME: cache,
      npm_config_update_notifier: 'false',
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe.skipIf(older === undefined)(`npm's scripts under an older Node (${older})`, () => {
  it('each print one line naming Node 24 and the commands that fetch it, and exit 1', async () => {
    // Prepare
    const nothingFetched = cacheFolder(false);

    // Act: a script of each kind: a .ts tool, npm start, the tests, a tool that is not ours
    const outcomes = await Promise.all([
      npmUnderOlderNode(nothingFetched, 'run', 'book', '--', '--run-type', 'failPayment'),
      npmUnderOlderNode(nothingFetched, 'start'),
      npmUnderOlderNode(nothingFetched, 'test'),
      npmUnderOlderNode(nothingFetched, 'run', 'lint'),
    ]);

    // Assess
    for (const { code, stderr } of outcomes) {
      expect(code).toBe(1);
      const lines = stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^This project needs Node 24, not v\d+\./);
      expect(lines[0]).toContain(
        `npm install --prefix ${nothingFetched}/booking-saga/node-24-${process.platform}-${process.arch} node-${process.platform}-${process.arch}@24`,
      );
      expect(lines[0]).toContain(
        `export PATH="${nothingFetched}/booking-saga/node-24-${process.platform}-${process.arch}/node_modules/node-${process.platform}-${process.arch}/bin:$PATH"`,
      );
    }
  });

  it('run on the Node 24 fetched where .ci/run puts it, by themselves', async () => {
    // Prepare
    const fetched = cacheFolder(true);

    // Act: a TypeScript tool the older Node could not even load
    const { code, stdout, stderr } = await npmUnderOlderNode(
      fetched,
      'run',
      '--silent',
      'token',
      '--',
      '--user',
      'alice',
    );

    // Assess: a JWT (three base64url parts)
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
