/**
 * AWS's DynamoDB Local, taken from the npm package that ships it: amplify-dynamodb-simulator
 * carries DynamoDBLocal.jar, its libraries and the sqlite4java natives in its tarball. Only that
 * tarball is fetched (`npm pack`, on first use, from the npm registry npm is set up for), never
 * the package's own dependencies (the Amplify CLI's core, a second AWS SDK): the project needs the
 * jar, not the package's JavaScript. The version, the tarball's integrity and the jar's SHA-256
 * are pinned here; the jar is checked again before every start.
 *
 * Kept in ~/.cache/<this package's name> (XDG_CACHE_HOME), beside the launcher that binds it to loopback,
 * compiled once by the Java that runs it.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What is pinned: the package version that ships DynamoDB Local 1.25.1, and its checksums. */
export const DYNAMODB_LOCAL = {
  version: '1.25.1',
  npmPackage: 'amplify-dynamodb-simulator',
  npmVersion: '2.9.30',
  /** The tarball's integrity, as the npm registry lists it (dist.integrity). */
  tarballIntegrity:
    'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==',
  jarSha256: '454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7',
} as const;

const LAUNCHER_SOURCE = join(import.meta.dirname, 'LoopbackDynamoDBLocal.java');
export const LAUNCHER_CLASS = 'LoopbackDynamoDBLocal';

export interface Installed {
  /** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
  home: string;
  jar: string;
  /** The folder holding the compiled launcher. */
  launcher: string;
}

/** The package the platform ships in: its cache folder is named after it (as .ci/run's). */
const PACKAGE_NAME = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    name: string;
  }
).name;

const cacheRoot = () => join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), PACKAGE_NAME);

export const installFolder = () =>
  join(cacheRoot(), `dynamodb-local-${DYNAMODB_LOCAL.version}-${DYNAMODB_LOCAL.npmVersion}`);

const digest = (algorithm: string, file: string, encoding: 'hex' | 'base64') =>
  createHash(algorithm).update(readFileSync(file)).digest(encoding);

export class DynamoDBLocalUnavailable extends Error {
  override readonly name = 'DynamoDBLocalUnavailable';
}

/** Moves a finished folder into place; another process that got there first wins. */
const settle = (from: string, to: string) => {
  try {
    renameSync(from, to);
  } catch (error) {
    if (!existsSync(to)) throw error;
  } finally {
    rmSync(from, { recursive: true, force: true });
  }
};

/** Fetches the package's tarball with npm, checks it, and unpacks its emulator/ folder. */
const fetchJar = async (home: string, log: (line: string) => void) => {
  const { npmPackage, npmVersion, tarballIntegrity, jarSha256 } = DYNAMODB_LOCAL;
  log(`Fetching DynamoDB Local from the npm package ${npmPackage}@${npmVersion} (once, 57 MB)...`);
  const work = join(dirname(home), `.fetch-${randomUUID()}`);
  mkdirSync(join(work, 'emulator'), { recursive: true });
  try {
    await run(
      'npm',
      [
        'pack',
        `${npmPackage}@${npmVersion}`,
        '--pack-destination',
        work,
        '--ignore-scripts',
        '--silent',
      ],
      { env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 1 << 20 },
    ).catch((error: Error & { stderr?: string }) => {
      throw new DynamoDBLocalUnavailable(
        `npm pack ${npmPackage}@${npmVersion} failed: ${error.stderr?.trim() || error.message}`,
      );
    });
    const tarball = join(work, `${npmPackage}-${npmVersion}.tgz`);
    const integrity = `sha512-${digest('sha512', tarball, 'base64')}`;
    if (integrity !== tarballIntegrity) {
      throw new DynamoDBLocalUnavailable(
        `${npmPackage}@${npmVersion}: the tarball's integrity is ${integrity}, not the pinned ${tarballIntegrity}`,
      );
    }
    await run('tar', [
      '-xzf',
      tarball,
      '-C',
      join(work, 'emulator'),
      '--strip-components=2',
      'package/emulator',
    ]);
    const jar = join(work, 'emulator', 'DynamoDBLocal.jar');
    if (digest('sha256', jar, 'hex') !== jarSha256) {
      throw new DynamoDBLocalUnavailable(`${jar}: SHA-256 differs from the pinned ${jarSha256}`);
    }
    settle(join(work, 'emulator'), home);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/**
 * Compiles the launcher with the compiler inside the Java runtime (the jdk.compiler module, which
 * Debian's default-jre-headless has), into a folder named after the source's hash.
 */
const compileLauncher = async (java: string, home: string, jar: string): Promise<string> => {
  const source = readFileSync(LAUNCHER_SOURCE);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const folder = join(home, `launcher-${hash}`);
  if (existsSync(join(folder, `${LAUNCHER_CLASS}.class`))) return folder;
  const work = `${folder}.${randomUUID()}`;
  mkdirSync(work, { recursive: true });
  try {
    await run(java, [
      '-m',
      'jdk.compiler/com.sun.tools.javac.Main',
      '--release',
      '11',
      '-nowarn',
      '-d',
      work,
      '-cp',
      jar,
      LAUNCHER_SOURCE,
    ]).catch((error: Error & { stderr?: string }) => {
      throw new DynamoDBLocalUnavailable(
        `${java} could not compile ${LAUNCHER_SOURCE} (it needs Java 11 or later with the jdk.compiler module, as Debian's default-jre-headless has): ${error.stderr?.trim() || error.message}`,
      );
    });
    settle(work, folder);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return folder;
};

/**
 * DynamoDB Local, ready to run with `java`: fetched and compiled on first use, its jar's SHA-256
 * checked every time. A jar that fails the check is fetched again.
 */
export const installDynamoDBLocal = async (
  java: string,
  log: (line: string) => void = () => undefined,
): Promise<Installed> => {
  const home = installFolder();
  const jar = join(home, 'DynamoDBLocal.jar');
  if (existsSync(jar) && digest('sha256', jar, 'hex') !== DYNAMODB_LOCAL.jarSha256) {
    log(`${jar} does not match its pinned SHA-256: fetching it again`);
    rmSync(home, { recursive: true, force: true });
  }
  if (!existsSync(jar)) {
    mkdirSync(dirname(home), { recursive: true });
    await fetchJar(home, log);
  }
  return { home, jar, launcher: await compileLauncher(java, home, jar) };
};
