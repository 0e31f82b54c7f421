/**
 * The data folder (`npm start --data-dir`), checked before a DynamoDB starts on it: a table
 * must never come up empty over a folder that held one. DynamoDB Local keeps each database in a
 * SQLite file (`<namespace>_<region>.db`), dynalite in a LevelDB folder. Refused, with the file
 * named and what to do:
 * - a database file that is empty (0 bytes), truncated, or that SQLite finds corrupt;
 * - a LevelDB folder whose CURRENT or MANIFEST is missing or empty, or that LevelDB cannot open
 *   (it would otherwise start a new, empty database beside the old files);
 * - one engine's data opened by the other (no Java on this machine: dynalite would start empty
 *   beside DynamoDB Local's file);
 * - a folder whose marker (MARKER_FILE, written once the data is there) names a database
 *   that is gone.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const require = createRequire(import.meta.url);

export type DataEngine = 'DynamoDB Local' | 'dynalite';

/** The platform's note of what a folder holds: the engine, and the files that hold its data. */
export const MARKER_FILE = 'local-platform.json';

/** A folder (or one of its files) the platform will not start on; the message says what to do. */
export class DataFolderRefused extends Error {
  override readonly name = 'DataFolderRefused';
}

interface Marker {
  dynamodb: DataEngine;
  files: string[];
}

const SQLITE_MAGIC = 'SQLite format 3\0';
const SQLITE_HEADER_BYTES = 100;

const moveAside = (path: string) =>
  `move it aside (mv '${path}' '${path}.broken') and start again to begin with an empty table, or restore it from a copy`;

const readMarker = (folder: string): Marker | undefined => {
  const path = join(folder, MARKER_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as Partial<Marker>;
    if (
      (marker.dynamodb === 'DynamoDB Local' || marker.dynamodb === 'dynalite') &&
      Array.isArray(marker.files)
    ) {
      return { dynamodb: marker.dynamodb, files: marker.files.map(String) };
    }
  } catch {
    // Unreadable: judged by the folder's contents alone.
  }
  return undefined;
};

const LEVELDB_FILE = /^(CURRENT|LOCK|LOG|LOG\.old|MANIFEST-\d+|\d+\.(ldb|log|sst))$/;

/** Which engine's data the folder's files are, by their names. */
const enginesIn = (names: string[]): Set<DataEngine> => {
  const engines = new Set<DataEngine>();
  if (names.some((name) => name.endsWith('.db'))) engines.add('DynamoDB Local');
  if (names.some((name) => /^(MANIFEST-\d+|\d+\.(ldb|sst))$/.test(name) || name === 'CURRENT'))
    engines.add('dynalite');
  return engines;
};

const SWITCH_BACK: Record<DataEngine, string> = {
  'DynamoDB Local': '--dynamodb local (DynamoDB Local needs Java)',
  dynalite: '--dynamodb dynalite',
};

/**
 * Why the SQLite file at `path` cannot be DynamoDB Local's database, or undefined. A hot journal
 * beside it (a write cut off) is left for SQLite to roll back: only the header is checked then.
 */
const sqliteProblem = (path: string): string | undefined => {
  const { size } = statSync(path);
  if (size === 0) return 'is empty (0 bytes): a database that held a table is never empty';
  const header = Buffer.alloc(SQLITE_HEADER_BYTES);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, header, 0, SQLITE_HEADER_BYTES, 0);
  } finally {
    closeSync(descriptor);
  }
  if (size < SQLITE_HEADER_BYTES || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    return `is not a SQLite database (${size} bytes, no SQLite header): truncated or overwritten`;
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const journaled = existsSync(`${path}-journal`) || existsSync(`${path}-wal`);
  if (journaled) return undefined;
  const pages = header.readUInt32BE(28);
  // The page count in the header is valid when the change counter matches "version valid for".
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92) && pages > 0;
  if (size % pageSize !== 0 || (countValid && pages * pageSize > size)) {
    return `is truncated: ${size} bytes, where its header says ${countValid ? `${pages} pages of ${pageSize} bytes` : `pages of ${pageSize} bytes`}`;
  }
  let database: DatabaseSync | undefined;
  try {
    database = new DatabaseSync(path, { readOnly: true });
    const rows = database.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    const verdict = rows.map((row) => row.quick_check).join('; ');
    if (verdict !== 'ok') return `is corrupt: SQLite's check says "${verdict.slice(0, 300)}"`;
  } catch (error) {
    return `is corrupt: SQLite cannot read it (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    database?.close();
  }
  return undefined;
};

/** Why the LevelDB folder cannot be dynalite's database, or undefined (LevelDB's own open is the last word). */
const levelDbProblem = async (folder: string, names: string[]): Promise<string | undefined> => {
  const current = join(folder, 'CURRENT');
  if (!names.includes('CURRENT')) {
    return `has LevelDB files but no CURRENT file: LevelDB would start a new, empty database beside them`;
  }
  const manifest = readFileSync(current, 'utf8').trim();
  if (!/^MANIFEST-\d+$/.test(manifest)) {
    return `has a CURRENT file that names no MANIFEST ("${manifest.slice(0, 40)}")`;
  }
  if (!names.includes(manifest) || statSync(join(folder, manifest)).size === 0) {
    return `names ${manifest} in CURRENT, which is ${names.includes(manifest) ? 'empty' : 'missing'}`;
  }
  // dynalite opens it with `level` (classic-level): opened here first, and closed, so that a
  // corrupt database is named now rather than failing every request later.
  const { Level } = require(require.resolve('level', { paths: [require.resolve('dynalite')] })) as {
    Level: new (
      path: string,
      options: Record<string, unknown>,
    ) => { open: () => Promise<void>; close: () => Promise<void> };
  };
  const database = new Level(folder, { createIfMissing: false, valueEncoding: 'json' });
  try {
    await database.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    if (/\block\b/i.test(cause)) {
      throw new DataFolderRefused(
        `${folder} is in use by another process (another npm start on this folder?): stop it, or give --data-dir another folder`,
      );
    }
    return `cannot be opened by LevelDB: ${cause}`;
  } finally {
    await database.close().catch(() => undefined);
  }
  return undefined;
};

/**
 * Refuses (DataFolderRefused) to start `engine` on `folder` when its data there is damaged, or
 * is the other engine's, or is gone though the folder's marker says it was there. A folder that
 * does not exist yet, or holds nothing of either engine, is fine: a new table starts there.
 */
export const checkDataFolder = async (
  folder: string,
  engine: DataEngine,
  /** DynamoDB Local's namespace (its file's `<namespace>_` prefix) the platform will open. */
  namespace?: string,
): Promise<void> => {
  if (!existsSync(folder)) return;
  const names = readdirSync(folder);
  const marker = readMarker(folder);
  const found = enginesIn(names);
  const other = engine === 'DynamoDB Local' ? 'dynalite' : 'DynamoDB Local';
  if (found.has(other) || marker?.dynamodb === other) {
    throw new DataFolderRefused(
      `${folder} holds ${other}'s data, not ${engine}'s: start with ${SWITCH_BACK[other]} to use it, or give --data-dir another folder (${engine} would start with an empty table here)`,
    );
  }
  const missing = (marker?.files ?? []).filter((file) => !names.includes(file));
  if (missing.length > 0) {
    throw new DataFolderRefused(
      `${join(folder, missing[0] ?? '')} is gone: ${folder} held a table there (${MARKER_FILE} says so). Restore the file, or start fresh: move ${folder} aside and start again`,
    );
  }
  if (engine === 'DynamoDB Local') {
    const databases = names.filter((file) => file.endsWith('.db'));
    for (const name of databases) {
      const path = join(folder, name);
      const problem = sqliteProblem(path);
      if (problem) throw new DataFolderRefused(`${path} ${problem}: ${moveAside(path)}`);
    }
    // A folder from before a change of namespace: its table is in a file this one never opens.
    const prefix = `${namespace}_`;
    const other = databases.find((name) => !name.startsWith(prefix));
    if (namespace !== undefined && other && !databases.some((name) => name.startsWith(prefix))) {
      const from = join(folder, other);
      const to = join(folder, other.replace(/^[^_]*_/, prefix));
      throw new DataFolderRefused(
        `${from} holds a table under another name: this platform opens ${prefix}<region>.db, and would start with an empty table beside it. To keep its data: mv '${from}' '${to}'; or give --data-dir another folder`,
      );
    }
    return;
  }
  if (names.some((name) => LEVELDB_FILE.test(name) && name !== 'LOCK' && !name.startsWith('LOG'))) {
    const problem = await levelDbProblem(folder, names);
    if (problem) {
      throw new DataFolderRefused(
        `${folder} (dynalite's LevelDB database) ${problem}: ${moveAside(folder)}`,
      );
    }
  }
};

/**
 * Notes in the folder which engine keeps its data there, and in which files, once they exist:
 * the next start refuses to begin empty if they are gone.
 */
export const markDataFolder = (folder: string, engine: DataEngine): void => {
  mkdirSync(folder, { recursive: true });
  const names = readdirSync(folder);
  const files =
    engine === 'DynamoDB Local'
      ? names.filter((name) => name.endsWith('.db'))
      : names.filter((name) => name === 'CURRENT');
  const marker: Marker = { dynamodb: engine, files };
  writeFileSync(join(folder, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
};
