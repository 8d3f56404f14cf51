/** @module The shared catalog: PostgreSQL through pg's pool, migrated on open; every worker and server points at one. */
import { Kysely, PostgresDialect } from 'kysely';
import type { Catalog } from '../catalog.ts';
import type { CatalogTables } from '../schema.ts';
import { migrateCatalog } from '../migrate.ts';
import { createKyselyCatalog } from '../kysely-catalog.ts';

export interface PostgresOptions {
  /** Connections this process may hold (default 10). */
  readonly max?: number;
}

export async function openPostgresCatalog(url: string, options: PostgresOptions = {}): Promise<Catalog> {
  const db = await openPostgresDatabase(url, options);
  return createKyselyCatalog(db, 'postgres', () => db.destroy());
}

export async function openPostgresDatabase(url: string, options: PostgresOptions = {}): Promise<Kysely<CatalogTables>> {
  // Loaded here, not at the top: every command opens the catalog through this module, and a SQLite one needs no pg.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 15_000 });
  // An idle connection the server dropped (restart, failover) errors on the pool, not on a query: without a
  // listener that would crash the process; the pool discards it and the next query opens a fresh one.
  pool.on('error', () => undefined);
  // A connection checked out of the pool (a query or a transaction in flight) has no pool listener: when the server
  // goes away (fast shutdown on restart) pg emits 'error' on the client itself, and unheard that kills the process.
  // The query in flight already fails with the same error, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return migrateCatalog(new Kysely<CatalogTables>({ dialect: new PostgresDialect({ pool }) }));
}
