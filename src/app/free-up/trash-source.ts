/** @module The one thing free-up needs from a source beyond listing: moving batches into Recently Deleted and back (iCloud has it). */
import type { AssetId } from '../../core/asset.ts';
import { UsageError } from '../../core/usage-error.ts';
import type { Source } from '../../sources/source.ts';

export interface BatchOutcome { readonly id: AssetId; readonly ok: boolean; readonly reason?: string }

export interface TrashingSource extends Source {
  trashBatch(ids: readonly AssetId[], signal: AbortSignal): Promise<BatchOutcome[]>;
  recoverBatch(ids: readonly AssetId[], signal: AbortSignal): Promise<BatchOutcome[]>;
}

export function asTrashingSource(source: Source, spec: string): TrashingSource {
  const s = source as Partial<TrashingSource>;
  if (typeof s.trashBatch !== 'function' || typeof s.recoverBatch !== 'function') {
    throw new UsageError(`free-up works on iCloud libraries (icloud:APPLE_ID or an icloud remote); "${spec}" is a ${source.kind} source, which has no Recently Deleted to move assets to`);
  }
  return source as TrashingSource;
}

/** The Apple ID the user must type to confirm (`icloud:jane@example.com` → `jane@example.com`). */
export const accountOf = (source: Source): string => source.id.replace(/^[^:]+:/, '');
