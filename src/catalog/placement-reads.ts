/**
 * @module Placement reads sized by one page of work, not by the library: the streamed plan asks for the placements
 * of the assets in hand, the owners of the paths it is about to choose, and the placements whose asset is gone.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AssetId } from '../core/asset.ts';
import type { Placement, PlacementRole } from '../destinations/destination.ts';
import type { CatalogDatabase, CatalogTables } from './schema.ts';
import { paddedIn } from './statement-shapes.ts';

type Db = Kysely<CatalogTables>;
/** Values per `IN (…)`: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

export function placementOfRow(r: Selectable<CatalogDatabase['placements']>): Placement {
  return {
    destinationId: r.destination_id, sourceId: r.source_id, assetId: r.asset_id as AssetId, role: r.role as PlacementRole,
    path: r.path, size: Number(r.size), sha256: r.sha256, fingerprint: r.fingerprint, version: r.version,
    verifiedAt: new Date(Number(r.verified_at)),
    ...(r.remote_id ? { remoteId: r.remote_id } : {}), ...(r.remote_checksum ? { remoteChecksum: r.remote_checksum } : {}),
  };
}

/** One query per CHUNK of distinct values (padded to a few list lengths, see statement-shapes), results concatenated. */
export async function chunked<T>(values: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  const unique = [...new Set(values)];
  for (let i = 0; i < unique.length; i += CHUNK) out.push(...await query(paddedIn(unique.slice(i, i + CHUNK))));
  return out;
}

/** The placements of these assets on the destination, in path order (the order `placements()` gives). */
export async function placementsFor(db: Db, destinationId: string, sourceId: string, assetIds: readonly string[]): Promise<Placement[]> {
  const rows = await chunked(assetIds, (ids) => db.selectFrom('placements').selectAll()
    .where('destination_id', '=', destinationId).where('source_id', '=', sourceId).where('asset_id', 'in', ids).execute());
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map(placementOfRow);
}

/** Which asset holds each of these path keys among the source's placements on the destination (absent: free). */
export async function pathOwners(db: Db, destinationId: string, sourceId: string, keys: readonly string[]): Promise<Map<string, string>> {
  const rows = await chunked(keys, (chunk) => db.selectFrom('placements').select(['path_key', 'asset_id'])
    .where('destination_id', '=', destinationId).where('source_id', '=', sourceId).where('path_key', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.path_key, r.asset_id]));
}

/** Placements whose asset the source no longer lists (deleted or never known), in path order. */
export async function orphanPlacements(db: Db, destinationId: string, sourceId: string): Promise<Placement[]> {
  const rows = await db.selectFrom('placements').selectAll()
    .where('destination_id', '=', destinationId).where('source_id', '=', sourceId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('assets').select('assets.id')
      .whereRef('assets.source_id', '=', 'placements.source_id').whereRef('assets.id', '=', 'placements.asset_id')
      .where('assets.deleted', '=', 0))))
    .orderBy('path').execute();
  return rows.map(placementOfRow);
}

/**
 * The sources with placements on a destination. Each next source is one index seek past the last (a loose index
 * scan): DISTINCT over 230k placements of a 100k library read the whole index, ~0.1 s a call.
 */
export async function placementSources(db: Db, destinationId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string | null }>`with recursive s(id) as (
      select min(source_id) from placements where destination_id = ${destinationId}
      union all
      select (select min(source_id) from placements where destination_id = ${destinationId} and source_id > s.id) from s where s.id is not null
    ) select id from s where id is not null`.execute(db);
  return rows.map((r) => r.id!);
}

/**
 * A stamp of a destination's placements that changes whenever one is recorded, replaced or removed: their count and
 * the latest change number among them (a write raises it, a removal lowers the count, so no two states share one).
 * Both come from the (destination_id, changed_seq) index; max(verified_at) read every placement row (~0.3 s at 100k).
 */
export async function placementStamp(db: Db, destinationId: string): Promise<string> {
  const counted = await db.selectFrom('placements').select(({ fn }) => fn.countAll<number>().as('n'))
    .where('destination_id', '=', destinationId).executeTakeFirst();
  // Alone in its query, max() is one seek to the end of the destination's index range.
  const latest = await db.selectFrom('placements').select(({ fn }) => fn.max('changed_seq').as('seq'))
    .where('destination_id', '=', destinationId).executeTakeFirst();
  return `${Number(counted?.n ?? 0)}:${Number(latest?.seq ?? 0)}`;
}
