/**
 * @module The catalog's change sequence (migration 0010): each transaction that writes assets or placements takes
 * the next number and stamps its rows with it, so "what changed since the library files were written" is an
 * indexed range read. The counter row is updated inside the writer's transaction: it stays locked until commit, so
 * a reader that saw number N has seen every write numbered N or below.
 */
import type { Kysely } from 'kysely';
import type { AssetId } from '../core/asset.ts';
import type { CatalogTables } from './schema.ts';

type Db = Kysely<CatalogTables>;

/** The next change number; call inside the transaction whose rows it stamps. */
export async function nextChangeSeq(tx: Db): Promise<number> {
  const row = await tx.updateTable('change_seq').set((eb) => ({ n: eb('n', '+', 1) })).where('id', '=', 1)
    .returning('n').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The latest change number committed. */
export async function currentChangeSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('change_seq').select('n').where('id', '=', 1).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Assets of a source whose row (listing, deletion) or whose placements on the destination were written after change
 * `since`, deleted ones included, each once.
 */
export async function assetsChangedSince(db: Db, destinationId: string, sourceId: string, since: number): Promise<AssetId[]> {
  const listed = await db.selectFrom('assets').select('id').where('source_id', '=', sourceId).where('changed_seq', '>', since).execute();
  const placed = await db.selectFrom('placements').select('asset_id').where('destination_id', '=', destinationId)
    .where('changed_seq', '>', since).where('source_id', '=', sourceId).execute();
  return [...new Set([...listed.map((r) => r.id), ...placed.map((r) => r.asset_id)])] as AssetId[];
}
