/** @module What the catalog keeps for a library destination besides placements: remote albums and album memberships. */
import type { Kysely } from 'kysely';
import type { AssetId } from '../core/asset.ts';
import type { LibraryTables } from './migrations/0005-library.ts';
import type { CatalogDatabase } from './schema.ts';

export interface RemoteAlbum {
  readonly albumId: string;
  readonly remoteId: string;
  /** The name the album was last given on the service. */
  readonly name: string;
}

export interface LibraryRecords {
  albums(): Promise<RemoteAlbum[]>;
  recordAlbum(album: RemoteAlbum): Promise<void>;
  /** Our album id → our asset ids the service's album holds. */
  members(): Promise<Map<string, Set<AssetId>>>;
  addMembers(albumId: string, assetIds: readonly AssetId[]): Promise<void>;
  removeMembers(albumId: string, assetIds: readonly AssetId[]): Promise<void>;
}

const BATCH = 200;

export function createLibraryRecords(base: Kysely<CatalogDatabase>, destinationId: string, sourceId: string): LibraryRecords {
  const db = base.withTables<LibraryTables>();
  const key = { destination_id: destinationId, source_id: sourceId };
  return {
    async albums() {
      const rows = await db.selectFrom('remote_albums').selectAll()
        .where('destination_id', '=', destinationId).where('source_id', '=', sourceId).execute();
      return rows.map((r) => ({ albumId: r.album_id, remoteId: r.remote_id, name: r.name }));
    },
    async recordAlbum(album) {
      const row = { ...key, album_id: album.albumId, remote_id: album.remoteId, name: album.name };
      await db.insertInto('remote_albums').values(row)
        .onConflict((oc) => oc.columns(['destination_id', 'source_id', 'album_id']).doUpdateSet({ remote_id: row.remote_id, name: row.name }))
        .execute();
    },
    async members() {
      const rows = await db.selectFrom('album_members').select(['album_id', 'asset_id'])
        .where('destination_id', '=', destinationId).where('source_id', '=', sourceId).execute();
      const out = new Map<string, Set<AssetId>>();
      for (const r of rows) {
        let set = out.get(r.album_id);
        if (!set) out.set(r.album_id, set = new Set());
        set.add(r.asset_id as AssetId);
      }
      return out;
    },
    async addMembers(albumId, assetIds) {
      for (let i = 0; i < assetIds.length; i += BATCH) {
        await db.insertInto('album_members').values(assetIds.slice(i, i + BATCH).map((asset_id) => ({ ...key, album_id: albumId, asset_id })))
          .onConflict((oc) => oc.doNothing()).execute();
      }
    },
    async removeMembers(albumId, assetIds) {
      for (let i = 0; i < assetIds.length; i += BATCH) {
        await db.deleteFrom('album_members').where('destination_id', '=', destinationId).where('source_id', '=', sourceId)
          .where('album_id', '=', albumId).where('asset_id', 'in', assetIds.slice(i, i + BATCH)).execute();
      }
    },
  };
}
