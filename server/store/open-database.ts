import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';

export const DB_FILE_NAME = 'rescuebox.db';

/**
 * Opens (creating if needed) the one database file in the data directory.
 * synchronous=FULL: every acknowledged audit row is on disk before the
 * action it records is reported done, even across a power cut; write
 * volume is tiny, so the fsync per commit costs nothing that matters.
 */
export function openDatabase(dataDir: string, file = DB_FILE_NAME): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, file);
  let db: Db;
  try {
    // Owner-only before SQLite opens it: the -wal and -shm files inherit these permissions.
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    db = new Database(path);
  } catch (e) {
    throw new StoreError('E_STORE_OPEN', `${path}: cannot open database: ${(e as Error).message}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, MIGRATIONS);
  return db;
}
