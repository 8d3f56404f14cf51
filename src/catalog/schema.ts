/** @module Table types of the catalog, shared by the SQLite and PostgreSQL implementations. */
import type { Generated } from 'kysely';
import type { ServerTables } from './migrations/0002-server.ts';
import type { DashTables } from './migrations/0007-dash.ts';
import type { AdminSessionTables } from './migrations/0003-admin-sessions.ts';
import type { JobTables } from './migrations/0004-jobs.ts';
import type { FreeUpTables } from './migrations/0006-free-up-audit.ts';
import type { OwnerTables } from './migrations/0009-run-owners.ts';
import type { ChangeSeqTables } from './migrations/0010-change-seq.ts';

export type { ServerTables, AdminSessionTables, FreeUpTables, OwnerTables, ChangeSeqTables };

export interface SourcesTable {
  id: string;
  kind: string;
  cursor: string | null;
  /** Generation of the latest full listing; assets not seen in it are gone once it completes. */
  listing_gen: number;
  listing_open: number;
  updated_at: number;
}

export interface AssetsTable {
  source_id: string;
  id: string;
  version: string;
  kind: string;
  taken_at: number;
  filename: string;
  bytes: number;
  /** The whole Asset as JSON: the catalog stores what the source said, columns exist for queries. */
  data: string;
  deleted: number;
  seen_gen: number;
  /** The change sequence of the transaction that last wrote the row (migration 0010). */
  changed_seq?: number;
}

export interface AlbumsTable {
  source_id: string;
  id: string;
  path: string;
  kind: string;
}

export interface PlacementsTable {
  destination_id: string;
  source_id: string;
  asset_id: string;
  role: string;
  path: string;
  path_key: string;
  size: number;
  sha256: string;
  fingerprint: string;
  version: string;
  verified_at: number;
  /** Library destinations: the service's asset id and the SHA-1 (hex) it stores (migration 0005). */
  remote_id?: string | null;
  remote_checksum?: string | null;
  /** The change sequence of the transaction that last wrote the row (migration 0010). */
  changed_seq?: number;
}

export interface RunsTable {
  id: string;
  source_id: string;
  destination_id: string;
  command: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  summary: string | null;
  /** The run_owners row of the process coordinating the run (migration 0009; null before it). */
  owner: string | null;
}

export interface OutcomesTable {
  seq: Generated<number>;
  run_id: string;
  asset_id: string;
  role: string;
  status: string;
  code: string;
  bytes: number;
  path: string | null;
  error_kind: string | null;
  message: string | null;
}

export interface ConnectorStateTable {
  scope: string;
  key: string;
  value: string;
}

export interface CatalogDatabase {
  sources: SourcesTable;
  assets: AssetsTable;
  albums: AlbumsTable;
  placements: PlacementsTable;
  runs: RunsTable;
  outcomes: OutcomesTable;
  connector_state: ConnectorStateTable;
}

/** Every table the catalog owns; repositories in catalog/ see them all, nothing outside catalog/ sees the database. */
export type CatalogTables = CatalogDatabase & ServerTables & AdminSessionTables & JobTables & DashTables & FreeUpTables & OwnerTables & ChangeSeqTables;
