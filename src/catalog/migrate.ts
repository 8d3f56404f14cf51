/** @module Brings a catalog database to the latest migration; the same list runs on SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import { migrations } from './migrations/index.ts';

/** Migrates `db`, destroying it (and throwing) when a migration fails so no half-open handle leaks. */
export async function migrateCatalog<T>(db: Kysely<T>, list: Readonly<Record<string, Migration>> = migrations): Promise<Kysely<T>> {
  // Numbers are reserved per feature and land in any order: a catalog that ran 0004 still takes a later-merged 0003.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ ...list }) }, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return db;
}
