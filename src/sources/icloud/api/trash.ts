/**
 * @module Recently Deleted over records/modify: move a batch of assets there (`isDeleted = 1` on each CPLAsset, with
 * its change tag, protocol notes §5) or bring them back, then re-read what is true so a lost answer never lies.
 */
import type { AssetId } from '../../../core/asset.ts';
import type { PhotosApi, Zone } from './photos-api.ts';
import { num, type CkRecord } from './records.ts';

/** What happened to one asset of a batch: `ok` when it is now where it was asked to be. */
export interface TrashOutcome {
  readonly id: AssetId;
  readonly ok: boolean;
  /** Why not, in Apple's words (serverErrorCode and reason), when `ok` is false. */
  readonly reason?: string;
}

const inTrash = (r: CkRecord) => num(r, 'isDeleted') === 1;

async function assetsByName(api: PhotosApi, zones: readonly Zone[], ids: readonly AssetId[], signal: AbortSignal): Promise<Map<string, { zone: Zone; record: CkRecord }>> {
  const found = new Map<string, { zone: Zone; record: CkRecord }>();
  for (const zone of zones) {
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) break;
    for (const record of await api.lookup(zone, missing, signal)) {
      if (record.recordType === 'CPLAsset' && record.serverErrorCode === undefined) found.set(record.recordName, { zone, record });
    }
  }
  return found;
}

/**
 * Sets Recently Deleted membership of `ids` (one batch: the caller keeps batches small and paced). Assets
 * already in the asked state count as done, so a re-run after a crash finishes without resending them.
 * When the modify call fails or answers per-record errors (a batch refused half-way, a stale change tag),
 * the records are looked up again and each asset is reported as it really is; the failure is rethrown
 * only when nothing could be learned.
 */
export async function setRecentlyDeleted(api: PhotosApi, zones: readonly Zone[], ids: readonly AssetId[], trash: boolean, signal: AbortSignal): Promise<TrashOutcome[]> {
  const before = await assetsByName(api, zones, ids, signal);
  const pending = [...before.values()].filter(({ record }) => inTrash(record) !== trash);
  const byZone = new Map<Zone, CkRecord[]>();
  for (const { zone, record } of pending) byZone.set(zone, [...(byZone.get(zone) ?? []), record]);
  const errors = new Map<string, string>();
  let failure: unknown;
  for (const [zone, records] of byZone) {
    // Restoring is not done by any known client; the notes infer it by symmetry and record that a restored
    // asset's isDeleted reads null again, so null is what is sent.
    const ops = records.map((r) => ({
      operationType: 'update',
      record: { recordName: r.recordName, recordType: 'CPLAsset', recordChangeTag: r.recordChangeTag, fields: { isDeleted: { value: trash ? 1 : null } } },
    }));
    try {
      for (const r of await api.modify(zone, ops, ['isDeleted'], signal)) {
        if (r.serverErrorCode !== undefined) errors.set(r.recordName, `${r.serverErrorCode}${r.reason === undefined ? '' : `: ${r.reason}`}`);
      }
    } catch (err) {
      failure = err;
    }
  }
  if (failure === undefined && errors.size === 0) {
    return ids.map((id) => (before.has(id) ? { id, ok: true } : { id, ok: false, reason: 'NOT_FOUND: no such asset in iCloud' }));
  }
  signal.throwIfAborted();
  const after = await assetsByName(api, zones, ids, signal);
  const outcomes = ids.map((id): TrashOutcome => {
    const now = after.get(id);
    if (now === undefined) return { id, ok: false, reason: 'NOT_FOUND: no such asset in iCloud' };
    if (inTrash(now.record) === trash) return { id, ok: true };
    return { id, ok: false, reason: errors.get(id) ?? (failure instanceof Error ? failure.message : 'not changed') };
  });
  if (failure !== undefined && outcomes.every((o) => !o.ok)) throw failure;
  return outcomes;
}
