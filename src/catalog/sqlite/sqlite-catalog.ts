/** @module The embedded default catalog: SQLite through better-sqlite3, migrated on open. */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import type { Catalog } from '../catalog.ts';
import type { CatalogTables } from '../schema.ts';
import { migrateCatalog } from '../migrate.ts';
import { createKyselyCatalog } from '../kysely-catalog.ts';

/** Opens (creating and migrating) the catalog at `file`; ':memory:' for tests. */
export async function openSqliteCatalog(file: string): Promise<Catalog> {
  const db = await openSqliteDatabase(file);
  return createKyselyCatalog(db, 'sqlite', () => db.destroy());
}

/** The migrated database itself, for catalog tests that look at rows directly. */
export async function openSqliteDatabase(file: string): Promise<Kysely<CatalogTables>> {
  if (file !== ':memory:') keepPrivate(file);
  const sqlite = new Database(file);
  // 16 KiB pages instead of 4 KiB: a catalog's rows and keys are long (JSON assets, paths, source and destination
  // ids in every key), and with 4 KiB pages each batch split and rewrote four times the pages, each one a WAL frame.
  // A 10k-small-file copy, side by side (6 pairs): CPU 0.94×, wall 0.93×, same peak (the cache is sized in bytes);
  // 8 and 64 KiB did the same as 16. It takes only on a new file: an existing catalog keeps its pages.
  sqlite.pragma('page_size = 16384');
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill (not a power loss), which is what crash-safety needs here.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a 16 MB page cache (SQLITE_DEFAULT_CACHE_SIZE=-16000), and a listing or a copy
  // fills it: it was the largest native allocation of a 10k-file copy (17.6 MB at the peak, by heaptrack). Pages it
  // no longer holds come back from the OS page cache. Peak RSS with 4 MB against 16 MB, side by side: a 10k-file copy
  // 176 vs 190 MB (user time 0.95×), a 100k iCloud listing 225 vs 245 MB (no slower).
  sqlite.pragma('cache_size = -4000');
  return migrateCatalog(new Kysely<CatalogTables>({ dialect: sqliteDialect(sqlite) }));
}

/**
 * SQLite's DDL is transactional, but Kysely's adapter says it is not, so its migrator ran migrations bare: a process
 * killed in its first seconds (the crash test's first SIGKILL lands there) left a half-made schema, and every later
 * start failed on "table already exists". Said as it is, the pending migrations run in one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean { return true; }
}

/** The dialect every SQLite catalog is opened with (exported for the migration tests). */
export function sqliteDialect(sqlite: Database.Database): SqliteDialect {
  return new (class extends SqliteDialect {
    override createAdapter(): DialectAdapter { return new TransactionalDdlSqliteAdapter(); }
  })({ database: withStatementCache(sqlite) });
}

/**
 * The catalog holds the admin password hash and sessions: owner-only. SQLite gives its -wal and -shm files the mode
 * of the database file, so creating that one 0600 covers all three; an older, wider file is narrowed.
 */
function keepPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * Kysely prepares every query anew; with better-sqlite3 that was ~15% of a 10k-small-file copy. The same SQL text
 * reuses its statement (bounded, since batch inserts make many shapes).
 */
function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      statement = sqlite.prepare(source);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, key) {
      if (key === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
