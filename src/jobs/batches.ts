/** @module A planned run cut into batch jobs (pure): an asset's files stay together; ≤ 64 files or ≤ 1 GiB per batch. */
import type { Asset } from '../core/asset.ts';
import type { Counts } from '../core/counts.ts';
import type { CopyAction } from '../engine/plan.ts';

export const BATCH_FILES = 64;
export const BATCH_BYTES = 1024 ** 3;

/** What a batch job carries: everything a worker needs besides the shared config, vault and catalog. */
export interface BatchJob {
  readonly runId: string;
  readonly batch: number;
  /** Source and destination as the user named them (remote names or specs), opened by each worker. */
  readonly source: string;
  readonly destination: string;
  /** The source's account, for per-account caps and the shared pacer. */
  readonly account: string;
  readonly copies: readonly CopyAction[];
}

/** What a worker reports for one batch; the coordinator sums these into the run's summary. */
export interface BatchResult {
  readonly copied: number;
  readonly failed: number;
  readonly bytes: number;
  readonly assetIds: readonly string[];
  readonly failedAssetIds: readonly string[];
  /** The batch's labelled counts (batches never share an asset, so they add up). */
  readonly counts: Counts;
}

/** Splits copies into batches without splitting an asset (its derived files need all of it in place). */
export function splitCopies(copies: readonly CopyAction[], limits = { files: BATCH_FILES, bytes: BATCH_BYTES }): CopyAction[][] {
  const byAsset = new Map<string, CopyAction[]>();
  for (const c of copies) {
    const list = byAsset.get(c.asset.id);
    if (list) list.push(c);
    else byAsset.set(c.asset.id, [c]);
  }
  const batches: CopyAction[][] = [];
  let current: CopyAction[] = [];
  let bytes = 0;
  for (const group of byAsset.values()) {
    const size = group.reduce((sum, c) => sum + c.resource.size, 0);
    if (current.length > 0 && (current.length + group.length > limits.files || bytes + size > limits.bytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(...group);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Job data is JSON: an asset's dates travel as ISO strings and come back as Dates. */
export function decodeBatch(data: unknown): BatchJob {
  const job = data as BatchJob & { copies: (CopyAction & { asset: Asset & { takenAt: string; addedAt: string } })[] };
  return {
    ...job,
    copies: job.copies.map((c) => ({ ...c, asset: { ...c.asset, takenAt: new Date(c.asset.takenAt), addedAt: new Date(c.asset.addedAt) } })),
  };
}
