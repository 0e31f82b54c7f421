/**
 * `npm run book` in the production profile, signed in with a token from a file (`--token-file`),
 * so that the token is never on the command line npm echoes: the booking runs and belongs to
 * that user, and the token appears nowhere in what the tool prints.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../local/template/template.ts';
import { useTestStack } from '../support/stack.ts';
import { PRODUCTION, tokenFor } from '../support/tokens.ts';

const platform = useTestStack({ parameters: PRODUCTION });
const folder = mkdtempSync(join(tmpdir(), 'book-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** `node local/app/cli/book.ts <args>` against the test's platform: exit code and output. */
const book = (...args: string[]) =>
  promisify(execFile)(
    process.execPath,
    [
      'local/app/cli/book.ts',
      '--api',
      platform.stack.endpoints.api,
      '--sfn-endpoint',
      platform.stack.endpoints.sfn,
      ...args,
    ],
    { cwd: PROJECT_ROOT },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

describe('npm run book -- --token-file', () => {
  it("books as the token's user, and prints the token nowhere", async () => {
    // Prepare
    const token = await tokenFor('alice');
    const tokenFile = join(folder, 'alice.jwt');
    writeFileSync(tokenFile, `${token}\n`);
    const tripId = `book-cli-${randomUUID()}`;

    // Act
    const { code, stdout, stderr } = await book('--token-file', tokenFile, '--trip-id', tripId);
    const asAlice = await fetch(`${platform.stack.endpoints.api}/trips/${tripId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const asBob = await fetch(`${platform.stack.endpoints.api}/trips/${tripId}`, {
      headers: { authorization: `Bearer ${await tokenFor('bob')}` },
    });

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain(`Trip ${tripId}`);
    expect(stdout).toContain('Saga status: booked');
    expect(`${stdout}${stderr}`).not.toContain(token);
    expect([asAlice.status, asBob.status]).toEqual([200, 404]);
  });

  it('says in one line that a token file it cannot read cannot be read, and exits 1', async () => {
    // Act
    const { code, stdout, stderr } = await book('--token-file', join(folder, 'missing.jwt'));

    // Assess
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/^Cannot read the token file .*missing\.jwt: ENOENT[^\n]*\n$/);
  });
});
