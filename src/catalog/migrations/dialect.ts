/** @module The few column shapes SQLite and PostgreSQL spell differently, for migrations that must run on both. */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

/** PostgreSQL numbers its parameters ($1), SQLite does not (?): known from the public compiler, without a query. */
export const isPostgres = (db: Kysely<unknown>): boolean => sql`${1}`.compile(db).sql === '$1';

/**
 * A row number the database assigns. SQLite: `integer primary key` is the rowid (no AUTOINCREMENT, which PostgreSQL
 * lacks; catalogs created with it behave the same). PostgreSQL: a bigint identity column (pg returns it as text).
 */
export function withRowNumber<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>, column: string): CreateTableBuilder<T, string> {
  return isPostgres(db)
    ? table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn(column, 'integer', (c) => c.primaryKey());
}
