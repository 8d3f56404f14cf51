/** @module Album actions on a library destination: create or rename by our album id, then add and remove members by remote id. */
import type { AssetId } from '../../core/asset.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { LibraryDestination } from '../../destinations/library-destination.ts';
import type { Source } from '../../sources/source.ts';
import type { EventSink } from '../events.ts';
import type { AlbumAction } from './plan-library.ts';

export interface AlbumDeps {
  readonly source: Source;
  readonly destination: LibraryDestination;
  readonly catalog: Catalog;
  readonly events: EventSink;
}

/**
 * Members are the assets' stills (original, RAW, edit), never a Live Photo's video. An asset whose upload failed
 * has no remote id yet and is left for the next run (not recorded as a member).
 */
export async function applyAlbums(actions: readonly AlbumAction[], deps: AlbumDeps, signal: AbortSignal): Promise<void> {
  const stills = new Map<AssetId, string[]>();
  for (const p of await deps.catalog.placements(deps.destination.id, deps.source.id)) {
    if (!p.remoteId || p.role === 'live-video') continue;
    stills.set(p.assetId, [...stills.get(p.assetId) ?? [], p.remoteId]);
  }
  const records = deps.catalog.library(deps.destination.id, deps.source.id);
  const counts = { created: 0, renamed: 0, added: 0, removed: 0 };
  for (const action of actions) {
    let remoteId = action.remoteId;
    if (remoteId === undefined) {
      remoteId = await deps.destination.ensureAlbum({ albumId: action.albumId, name: action.name }, signal);
      counts.created += 1;
    } else if (action.rename) {
      await deps.destination.renameAlbum(remoteId, action.name, signal);
      counts.renamed += 1;
    }
    await records.recordAlbum({ albumId: action.albumId, remoteId, name: action.name });
    const adding = action.add.filter((id) => stills.has(id));
    if (adding.length > 0) {
      await deps.destination.addToAlbum(remoteId, adding.flatMap((id) => stills.get(id)!), signal);
      await records.addMembers(action.albumId, adding);
      counts.added += adding.length;
    }
    if (action.remove.length > 0) {
      await deps.destination.removeFromAlbum(remoteId, action.remove.flatMap((id) => stills.get(id) ?? []), signal);
      await records.removeMembers(action.albumId, action.remove);
      counts.removed += action.remove.length;
    }
  }
  deps.events({ type: 'notice', message: `albums: ${counts.created} created, ${counts.renamed} renamed, ${counts.added} asset(s) added, ${counts.removed} removed` });
}
