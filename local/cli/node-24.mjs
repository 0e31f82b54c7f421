/**
 * Every npm script's first step: the project needs Node 24 (it runs TypeScript files as they are),
 * and an older Node would fail on the first `.ts` import with a stack trace that says nothing
 * about Node's version. Plain JavaScript that any Node since 18 runs; two ways in (the first
 * names the file relative to the project, where npm runs its scripts):
 *
 *   node --import ./local/cli/node-24.mjs local/cli/book.ts   before the script, in its process
 *   node local/cli/node-24.mjs && tsc ...                       a check alone, for other tools
 *
 * Under Node 24 or newer it does nothing. Under an older Node it runs the script with the Node 24
 * that `.ci/run` (or the command below) fetched, when there is one; otherwise it prints one line
 * naming Node 24 and the commands that fetch it, and exits 1. docs/node-24.md says more.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
/** Set in the Node 24 this module starts, so that a fetched Node that is not 24 cannot loop. */
const REEXEC_MARK = 'BOOKING_SAGA_NODE_REEXEC';

const major = Number(process.versions.node.split('.')[0]);

/** Where `.ci/run` installs the npm package of Node 24's binary for this machine. */
const fetchedNode = () => {
  const platform = `${process.platform}-${process.arch}`;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const home = join(cache, 'booking-saga', `node-${REQUIRED_MAJOR}-${platform}`);
  return { platform, home, bin: join(home, 'node_modules', `node-${platform}`, 'bin') };
};

/** The one line an older Node gets: what is needed, and the two commands that fetch it. */
const refusal = ({ platform, home, bin }) => {
  const short = (path, prefix) =>
    path.startsWith(`${homedir()}/`) ? `${prefix}${path.slice(homedir().length)}` : path;
  return `This project needs Node ${REQUIRED_MAJOR}, not ${process.version}. Fetch it once with \`npm install --prefix ${short(home, '~')} node-${platform}@${REQUIRED_MAJOR}\` (npm's scripts then use it by themselves), and for node and npx in this terminal: \`export PATH="${short(bin, '$HOME')}:$PATH"\` (docs/node-24.md).`;
};

/** Runs this same command under `node` and ends with its exit (or its signal). */
const runUnder = (node, bin) => {
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, [REEXEC_MARK]: '1' },
  });
  // Ctrl-C reaches the whole foreground group, the child too; a signal sent to this process
  // alone (npm forwards SIGTERM) is passed on. Either way this process waits for the child.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`Could not start ${node}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 128 + signalNumber(signal) : code));
  });
};

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (signal) => SIGNAL_NUMBERS[signal] ?? 1;

if (major < REQUIRED_MAJOR) {
  const fetched = fetchedNode();
  const node = join(fetched.bin, 'node');
  if (process.env[REEXEC_MARK] || !existsSync(node)) {
    console.error(refusal(fetched));
    process.exit(1);
  }
  // Run as a check alone, the check is done: a Node 24 is there for the tools that follow.
  const alone = process.argv[1] === fileURLToPath(import.meta.url);
  process.exit(alone ? 0 : await runUnder(node, fetched.bin));
}
