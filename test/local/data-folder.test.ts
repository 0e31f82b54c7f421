/**
 * The data folder checked before a DynamoDB starts on it (issue 20: a database file truncated to
 * 0 bytes started silently with an empty table, 377 trips gone; a corrupt one was refused with a
 * message that named no file). Each damage is refused with the file and what to do, and a
 * platform refuses to start on it; a sound folder, or a new one, starts.
 */
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkDataFolder,
  DataFolderRefused,
  MARKER_FILE,
  markDataFolder,
} from '../../local/emulators/data-folder.ts';
import { startTestStack } from '../support/stack.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const folder = () => {
  const made = mkdtempSync(join(tmpdir(), 'booking-saga-folder-'));
  folders.push(made);
  return made;
};

/** A SQLite database with a table of `rows` rows, as DynamoDB Local's file is one. */
const database = (path: string, rows = 200) => {
  const db = new DatabaseSync(path);
  db.exec('CREATE TABLE items (pk TEXT PRIMARY KEY, value TEXT)');
  const insert = db.prepare('INSERT INTO items VALUES (?, ?)');
  db.exec('BEGIN');
  for (let row = 0; row < rows; row++) insert.run(`trip-${row}`, 'x'.repeat(200));
  db.exec('COMMIT');
  db.close();
};

const refusal = (dir: string, engine: 'DynamoDB Local' | 'dynalite' = 'DynamoDB Local') =>
  checkDataFolder(dir, engine).then(
    () => 'started',
    (error: Error) => `${error.name}: ${error.message}`,
  );

const DB = 'BookingSaga_us-east-1.db';

describe("DynamoDB Local's database file", () => {
  it('a sound one, a new folder, and a folder that does not exist yet all start', async () => {
    // Prepare
    const sound = folder();
    database(join(sound, DB));
    markDataFolder(sound, 'DynamoDB Local');

    // Act / Assess
    expect(await refusal(sound)).toBe('started');
    expect(await refusal(folder())).toBe('started');
    expect(await refusal(join(folder(), 'not-yet'))).toBe('started');
    expect(JSON.parse(readFileSync(join(sound, MARKER_FILE), 'utf8'))).toEqual({
      dynamodb: 'DynamoDB Local',
      files: [DB],
    });
  });

  it.each([
    ['empty (0 bytes)', (path: string) => truncateSync(path, 0), 'is empty (0 bytes)'],
    [
      'cut off halfway',
      (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2) + 100),
      'is truncated',
    ],
    [
      'overwritten past its first page',
      (path: string) => {
        const bytes = readFileSync(path);
        bytes.fill(0x41, 4096);
        writeFileSync(path, bytes);
      },
      'is corrupt',
    ],
    [
      'no SQLite file at all',
      (path: string) => writeFileSync(path, 'x'.repeat(8192)),
      'is not a SQLite database',
    ],
  ])(
    'one %s is refused, naming the file and how to move it aside',
    async (_what, damage, problem) => {
      // Prepare
      const dir = folder();
      const path = join(dir, DB);
      database(path);
      damage(path);

      // Act
      const outcome = await refusal(dir);

      // Assess
      expect(outcome).toContain(`DataFolderRefused: ${path} ${problem}`);
      expect(outcome).toContain(`mv '${path}' '${path}.broken'`);
    },
  );

  it('one that is gone, where the folder held it, is refused: the folder does not start empty', async () => {
    // Prepare
    const dir = folder();
    database(join(dir, DB));
    markDataFolder(dir, 'DynamoDB Local');
    unlinkSync(join(dir, DB));

    // Act / Assess
    await expect(checkDataFolder(dir, 'DynamoDB Local')).rejects.toBeInstanceOf(DataFolderRefused);
    expect(await refusal(dir)).toBe(
      `DataFolderRefused: ${join(dir, DB)} is gone: ${dir} held a table there (${MARKER_FILE} says so). Restore the file, or start fresh: move ${dir} aside and start again`,
    );
  });

  it('one under another namespace (a folder from before the platform named its own) is refused, with the rename that keeps it', async () => {
    // Prepare: the table of an older npm start, whose DynamoDB Local namespace was BookingSaga
    const dir = folder();
    database(join(dir, DB));
    markDataFolder(dir, 'DynamoDB Local');
    const sound = folder();
    database(join(sound, 'Local_us-east-1.db'));

    // Act
    const outcome = await checkDataFolder(dir, 'DynamoDB Local', 'Local').then(
      () => 'started',
      (error: Error) => `${error.name}: ${error.message}`,
    );

    // Assess
    expect(outcome).toBe(
      `DataFolderRefused: ${join(dir, DB)} holds a table under another name: this platform opens Local_<region>.db, and would start with an empty table beside it. To keep its data: mv '${join(dir, DB)}' '${join(dir, 'Local_us-east-1.db')}'; or give --data-dir another folder`,
    );
    expect(readdirSync(dir).sort()).toEqual([DB, MARKER_FILE]);
    await expect(checkDataFolder(sound, 'DynamoDB Local', 'Local')).resolves.toBeUndefined();
  });

  it("is not dynalite's to open: dynalite would start empty beside it", async () => {
    // Prepare
    const dir = folder();
    database(join(dir, DB));

    // Act / Assess
    expect(await refusal(dir, 'dynalite')).toBe(
      `DataFolderRefused: ${dir} holds DynamoDB Local's data, not dynalite's: start with --dynamodb local (DynamoDB Local needs Java) to use it, or give --data-dir another folder (dynalite would start with an empty table here)`,
    );
  });
});

describe("dynalite's LevelDB folder", () => {
  it('with LevelDB files but no CURRENT is refused (LevelDB would start a new, empty database)', async () => {
    // Prepare
    const dir = folder();
    writeFileSync(join(dir, 'MANIFEST-000002'), 'x');
    writeFileSync(join(dir, '000003.log'), 'x');

    // Act / Assess
    expect(await refusal(dir, 'dynalite')).toContain(
      `DataFolderRefused: ${dir} (dynalite's LevelDB database) has LevelDB files but no CURRENT file`,
    );
  });

  it('whose MANIFEST is empty is refused', async () => {
    // Prepare
    const dir = folder();
    writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000002\n');
    writeFileSync(join(dir, 'MANIFEST-000002'), '');

    // Act / Assess
    expect(await refusal(dir, 'dynalite')).toContain(
      'names MANIFEST-000002 in CURRENT, which is empty',
    );
  });

  it("is not DynamoDB Local's to open", async () => {
    // Prepare
    const dir = folder();
    writeFileSync(join(dir, 'CURRENT'), 'MANIFEST-000002\n');

    // Act / Assess
    expect(await refusal(dir, 'DynamoDB Local')).toContain(
      `${dir} holds dynalite's data, not DynamoDB Local's`,
    );
  });
});

describe('a platform on a damaged folder', () => {
  it('refuses to start over a 0-byte database file, naming it, where it once started with an empty table', async () => {
    // Prepare: a folder the platform kept a table in, its file then truncated to nothing
    const dir = folder();
    const first = await startTestStack({ dataDir: dir });
    await first.close();
    const files = readdirSync(dir).filter((name) => name.endsWith('.db'));
    const path = join(dir, files[0] ?? DB);
    copyFileSync(path, `${path}.copy`);
    truncateSync(path, 0);

    // Act
    const outcome = await startTestStack({ dataDir: dir }).then(
      async (stack) => {
        await stack.close();
        return 'started';
      },
      (error: Error) => error.message,
    );

    // Assess
    expect(files.length).toBeGreaterThan(0);
    expect(outcome).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')} is empty \\(0 bytes\\)`));
  }, 60_000);

  it("refuses a folder whose table is under the platform's old name, before any JVM starts, and keeps it", async () => {
    // Prepare: a folder as an npm start from before the rename left it
    const dir = folder();
    database(join(dir, DB));
    markDataFolder(dir, 'DynamoDB Local');
    const before = readFileSync(join(dir, DB));

    // Act
    const outcome = await startTestStack({ dataDir: dir }).then(
      async (stack) => {
        await stack.close();
        return 'started';
      },
      (error: Error) => `${error.name}: ${error.message}`,
    );

    // Assess: refused with the rename, and the folder as it was
    expect(outcome).toContain(
      `DataFolderRefused: ${join(dir, DB)} holds a table under another name`,
    );
    expect(outcome).toContain(`mv '${join(dir, DB)}' '${join(dir, 'Local_us-east-1.db')}'`);
    expect(readdirSync(dir).sort()).toEqual([DB, MARKER_FILE]);
    expect(readFileSync(join(dir, DB)).equals(before)).toBe(true);
  });
});
