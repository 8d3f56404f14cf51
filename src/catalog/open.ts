/** @module openCatalog: the one way into the catalog — a SQLite file path (the embedded default) or a postgres:// URL. */
import type { Catalog, CatalogDialect } from './catalog.ts';
import { openSqliteCatalog } from './sqlite/sqlite-catalog.ts';
import { openPostgresCatalog, type PostgresOptions } from './postgres/postgres-catalog.ts';

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;

/** Which database a catalog location names: a postgres:// or postgresql:// URL, otherwise a SQLite file path. */
export const dialectOf = (location: string): CatalogDialect => (POSTGRES_URL.test(location) ? 'postgres' : 'sqlite');

/** Opens and migrates the catalog at `location` (':memory:' is an empty SQLite catalog, for tests). */
export function openCatalog(location: string, options: PostgresOptions = {}): Promise<Catalog> {
  return dialectOf(location) === 'postgres' ? openPostgresCatalog(location, options) : openSqliteCatalog(location);
}

/** The location with any password replaced, for logs and error messages. */
export function redactLocation(location: string): string {
  if (dialectOf(location) !== 'postgres') return location;
  try {
    const url = new URL(location);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
