/**
 * @module The simulator's Recently Deleted bookkeeping: a clock that tests can move forward, the 30-day window
 * (expired items are purged for good), account storage usage, and the knobs for delete throttling and half-done batches.
 */
import type { LibraryState } from '../library/state.ts';

const DAY_MS = 86_400_000;
/** Apple keeps trashed photos for 30 days (the records' `dateExpunged` is deletion + 30 days). */
export const RECENTLY_DELETED_DAYS = 30;

/** iCloud storage tiers an account can have (bytes): free 5 GB, then iCloud+ 50 GB, 200 GB, 2 TB, 6 TB, 12 TB. */
export const ICLOUD_TIERS_BYTES = [5e9, 50e9, 200e9, 2e12, 6e12, 12e12] as const;

export interface DeletionFaults {
  /** More record updates than this inside `windowMs` → 503 TRY_AGAIN_LATER with Retry-After (icloudpd #1255). */
  burst: { maxOps: number; windowMs: number; retryAfterSec: number };
  /** The next this-many records/modify calls apply the first half of their operations, then answer 503 (a batch refused half-way). */
  halfwayRefusals: number;
  /** Extra latency of every records/modify answer (lets tests interrupt a run between batches). */
  modifyDelayMs: number;
}

export interface StorageUsage {
  /** Bytes of every resource of every asset not in Recently Deleted and not purged. */
  readonly photosBytes: number;
  readonly photosCount: number;
  readonly recentlyDeleted: number;
  /** The account's plan: the smallest tier that holds what was there at the start (never shrinks on its own). */
  readonly totalBytes: number;
}

export class DeletionState {
  /** Added to the wall clock: `/__sim/deletion/advance` moves the simulator's "now" forward to test the 30-day window. */
  offsetMs = 0;
  readonly faults: DeletionFaults = { burst: { maxOps: 300, windowMs: 60_000, retryAfterSec: 2 }, halfwayRefusals: 0, modifyDelayMs: 0 };
  private readonly recentOps: number[] = [];
  private trashCache: { version: number; indexes: number[] } | undefined;
  private usageCache: { version: number; usage: Omit<StorageUsage, 'totalBytes'> } | undefined;
  private planBytes: number | undefined;

  constructor(private readonly lib: LibraryState) {}

  now(): number { return Date.now() + this.offsetMs; }

  /** Purges what has been in Recently Deleted longer than 30 days (run before every CloudKit answer). */
  sweep(): number {
    const cutoff = this.now() - RECENTLY_DELETED_DAYS * DAY_MS;
    let purged = 0;
    for (const i of this.trashed()) {
      const a = this.lib.asset(i);
      if (a.deletedAt! <= cutoff) { this.lib.purge(a.assetName); purged++; }
    }
    return purged;
  }

  /** Indexes of assets now in Recently Deleted (rescanned only after a change: sweep runs on every request). */
  trashed(): number[] {
    if (this.trashCache?.version === this.lib.version) return this.trashCache.indexes;
    const indexes: number[] = [];
    for (let i = 0; i < this.lib.size; i++) {
      const a = this.lib.asset(i);
      if (a.deletedAt !== undefined && !a.purged) indexes.push(i);
    }
    this.trashCache = { version: this.lib.version, indexes };
    return indexes;
  }

  /**
   * Counts `ops` record updates against the burst window; returns the Retry-After seconds when this call
   * goes over it (nothing is applied then), undefined when it may proceed.
   */
  admit(ops: number): number | undefined {
    const now = Date.now();
    const { maxOps, windowMs, retryAfterSec } = this.faults.burst;
    while (this.recentOps.length > 0 && this.recentOps[0]! <= now - windowMs) this.recentOps.shift();
    if (this.recentOps.length + ops > maxOps) return retryAfterSec;
    for (let k = 0; k < ops; k++) this.recentOps.push(now);
    return undefined;
  }

  /** A new burst setting starts an empty window (tests set it mid-run). */
  setBurst(burst: Partial<DeletionFaults['burst']>): void {
    Object.assign(this.faults.burst, burst);
    this.recentOps.length = 0;
  }

  /** True when this modify call must stop half-way (consumes one armed refusal). */
  refuseHalfway(): boolean {
    if (this.faults.halfwayRefusals <= 0) return false;
    this.faults.halfwayRefusals--;
    return true;
  }

  // Whether Recently Deleted still counts against the quota is not in the protocol notes. The simulator counts
  // what the web app's "Photos and Videos" figure is about — the library itself — so trashing drops usage at once.
  usage(): StorageUsage {
    if (this.usageCache?.version !== this.lib.version) {
      let photosBytes = 0; let photosCount = 0; let recentlyDeleted = 0;
      for (let i = 0; i < this.lib.size; i++) {
        const a = this.lib.asset(i);
        if (a.purged) continue;
        if (a.deletedAt !== undefined) { recentlyDeleted++; continue; }
        photosCount++;
        for (const r of a.resources) photosBytes += r.size;
      }
      this.usageCache = { version: this.lib.version, usage: { photosBytes, photosCount, recentlyDeleted } };
    }
    const usage = this.usageCache.usage;
    this.planBytes ??= ICLOUD_TIERS_BYTES.find((t) => t >= usage.photosBytes) ?? ICLOUD_TIERS_BYTES[ICLOUD_TIERS_BYTES.length - 1]!;
    return { ...usage, totalBytes: this.planBytes };
  }
}
