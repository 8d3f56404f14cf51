/** @module Brings a catalog database to the latest migration; the same list runs on SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.ts';

/** Migrates `db`, destroying it (and throwing) when a migration fails so no half-open handle leaks. */
export async function migrateCatalog<T>(db: Kysely<T>): Promise<Kysely<T>> {
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(String(error));
  }
  return db;
}
