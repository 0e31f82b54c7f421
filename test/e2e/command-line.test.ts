/**
 * Every command-line tool (the platform's in local/cli/, the app's in local/app/cli/) answers `--help` and a bad command line the same way
 * (local/cli/command-line.ts): the usage on stdout and exit 0, or the reason and the usage on
 * stderr and exit 2, with no stack trace, before it does anything.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PICTURES_DIR } from '../../local/app/cli/pictures.ts';
import { PROJECT_ROOT } from '../../local/template/template.ts';

/** Each tool and the npm script that runs it, as its usage must name it. */
const TOOLS = {
  start: 'npm start',
  book: 'npm run book',
  token: 'npm run token',
  invoke: 'npm run invoke',
  repair: 'npm run repair',
  soak: 'npm run soak',
  pictures: 'npm run pictures',
} as const;
type Tool = keyof typeof TOOLS;

/** The booking app's own tools (the others are the platform's, in local/cli/). */
const APP_TOOLS: readonly Tool[] = ['book', 'repair', 'soak', 'pictures'];

/** `node <its folder>/<tool>.ts <args>`, as the npm script runs it: its exit code and output. */
const run = (tool: Tool, ...args: string[]) =>
  promisify(execFile)(
    process.execPath,
    [`local/${APP_TOOLS.includes(tool) ? 'app/cli' : 'cli'}/${tool}.ts`, ...args],
    {
      cwd: PROJECT_ROOT,
      env: process.env,
    },
  ).then(
    ({ stdout, stderr }) => ({ tool, code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      tool,
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

const tools = Object.keys(TOOLS) as Tool[];
/** A stack trace's frame line, as Node prints one for an uncaught error. */
const STACK_FRAME = /^\s+at /m;

/** Each picture's modification time and content hash, to see that nothing wrote them. */
const pictures = () =>
  readdirSync(PICTURES_DIR).map((file) => {
    const path = join(PICTURES_DIR, file);
    return {
      file,
      modified: statSync(path).mtimeMs,
      hash: createHash('sha256').update(readFileSync(path)).digest('hex'),
    };
  });

describe('the command-line tools', () => {
  it('print their usage, naming their npm script, on --help and exit 0, and take no pictures', async () => {
    // Prepare
    const before = pictures();

    // Act
    const outcomes = await Promise.all(tools.map((tool) => run(tool, '--help')));

    // Assess
    for (const { tool, code, stdout, stderr } of outcomes) {
      expect({ tool, code, stderr }).toEqual({ tool, code: 0, stderr: '' });
      expect(stdout).toMatch(new RegExp(`^Usage: ${TOOLS[tool]}\\b`));
      expect(stdout).toContain('--help');
    }
    expect(pictures()).toEqual(before);
  });

  it('refuse an unknown option with the reason and their usage on stderr, no stack trace, exit 2', async () => {
    // Prepare
    const before = pictures();

    // Act
    const outcomes = await Promise.all(tools.map((tool) => run(tool, '--bogus')));

    // Assess
    for (const { tool, code, stdout, stderr } of outcomes) {
      expect({ tool, code, stdout }).toEqual({ tool, code: 2, stdout: '' });
      expect(stderr).toMatch(/^Unknown option '--bogus'/);
      expect(stderr).toContain(`\n\nUsage: ${TOOLS[tool]}`);
      expect(stderr).not.toMatch(STACK_FRAME);
    }
    expect(pictures()).toEqual(before);
  });

  it('refuse an option without its value and a positional they do not take, the same way', async () => {
    // Act
    const outcomes = await Promise.all([
      run('soak', '--runs'),
      run('book', 'failPayment'),
      run('repair', 'trip-1', 'trip-2'),
      run('invoke', 'ReserveHotelFunction'),
    ]);

    // Assess
    expect(outcomes.map(({ tool, code }) => ({ tool, code }))).toEqual(
      ['soak', 'book', 'repair', 'invoke'].map((tool) => ({ tool, code: 2 })),
    );
    expect(outcomes.map(({ stderr }) => stderr.split('\n')[0])).toEqual([
      "Option '--runs <value>' argument missing",
      "Unexpected argument 'failPayment'. This command does not take positional arguments",
      'One trip id at most, not 2',
      'Name a function and an event file',
    ]);
    for (const { tool, stdout, stderr } of outcomes) {
      expect(stdout).toBe('');
      expect(stderr).toContain(`\n\nUsage: ${TOOLS[tool]}`);
      expect(stderr).not.toMatch(STACK_FRAME);
    }
  });

  it('say why in a sentence of their own, quotes balanced, also where a positional is taken', async () => {
    // Act
    const outcomes = await Promise.all([
      run('repair', '--bogus'),
      run('invoke', '--bogus'),
      run('book', '--trip-id', '--contact', 'jane@example.com'),
      run('book', '--help=yes'),
    ]);

    // Assess
    expect(outcomes.map(({ code, stderr }) => ({ code, reason: stderr.split('\n\n')[0] }))).toEqual(
      [
        { code: 2, reason: "Unknown option '--bogus'" },
        { code: 2, reason: "Unknown option '--bogus'" },
        {
          code: 2,
          reason:
            "Option '--trip-id' wants a value, not the option '--contact' (write --trip-id=--contact if that is the value)",
        },
        { code: 2, reason: "Option '--help' takes no value" },
      ],
    );
  });

  it('take a negative number as an option value: token --expires-in -60 makes an expired token', async () => {
    // Act
    const { code, stdout, stderr } = await run('token', '--user', 'alice', '--expires-in', '-60');

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const claims = JSON.parse(Buffer.from(stdout.split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(-60);
  });

  it("name every option of their help in a usage line that lists options (book's)", async () => {
    // Act
    const { stdout } = await run('book', '--help');

    // Assess
    const [usageLine = '', ...rest] = stdout.split('\n');
    const options = [...rest.join('\n').matchAll(/^ {2}(--[\w-]+)/gm)].map(([, name]) => name);
    expect(options).toContain('--timeout-seconds');
    for (const option of options.filter((name) => name !== '--help')) {
      expect(usageLine).toContain(`[${option} `);
    }
  });
});
