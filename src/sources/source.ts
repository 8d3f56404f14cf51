/** @module The Source contract: what the engine needs from a photo library (iCloud, a folder, an archive). */
import type { Readable } from 'node:stream';
import type { Asset, AssetId, ResourceRole } from '../core/asset.ts';

export interface Album {
  readonly id: string;
  /** Folder path, outermost first, ending with the album's name. */
  readonly path: readonly string[];
  readonly kind: 'user' | 'smart' | 'shared';
}

/**
 * One page of a change feed. A page with `reset: true` starts a full listing: once the listing's last
 * page (`done: true`) is applied, every asset of the source that the listing did not mention is gone.
 */
export interface ChangePage {
  readonly upserts: readonly Asset[];
  readonly deletions: readonly AssetId[];
  /** Replaces the source's album list when present. */
  readonly albums?: readonly Album[];
  /** Opaque position to resume from; saved in the same transaction as the page's changes. */
  readonly cursor: string | null;
  readonly reset: boolean;
  readonly done: boolean;
  /** Records the source could not turn into assets (the listing goes on without them), with why. */
  readonly skipped?: readonly SkippedRecord[];
  /** Warnings for the user about this listing (e.g. albums unavailable this run). */
  readonly notices?: readonly string[];
  /** Per library (zone): what the service counts and what this listing holds, on the last page. */
  readonly libraries?: readonly LibraryCount[];
}

export interface SkippedRecord { readonly record: string; readonly reason: string }
export interface LibraryCount { readonly library: string; readonly counted: number; readonly listed: number }

export interface SourceCapabilities {
  /** `changes(cursor)` returns only what changed since the cursor (iCloud sync tokens). */
  readonly changeFeed: boolean;
  readonly albums: boolean;
}

export interface OpenOptions {
  /** Start at this byte, to resume a broken download. */
  readonly offset?: number;
  /** Read about this many bytes at a time (a hint; sources that cannot choose ignore it). */
  readonly chunkBytes?: number;
}

/** How hard a source lets us pull right now (Apple's throttling), for progress displays. */
export interface SourcePace {
  readonly concurrency: number;
  readonly maxConcurrency: number;
  /** Epoch ms until which the source sends nothing (0 when not backing off). */
  readonly pausedUntil: number;
  /** Throttle answers seen so far. */
  readonly throttles: number;
}

export interface Source {
  readonly kind: string;
  /** Stable id of this library, e.g. `folder:/abs/path` or `icloud:user@example.com`. */
  readonly id: string;
  readonly capabilities: SourceCapabilities;
  /** Authenticates and checks the library is readable. Throws TransferError('auth-required') when the user must act. */
  connect(signal: AbortSignal): Promise<void>;
  /** Changes since `cursor` (a full listing when null), one page at a time. */
  changes(cursor: string | null, signal: AbortSignal): AsyncIterable<ChangePage>;
  /**
   * Bytes of one resource of an asset. Errors (on open or mid-stream) are TransferErrors, never vendor
   * errors; a resource the asset does not have is TransferError('not-found').
   */
  open(asset: Asset, role: ResourceRole, signal: AbortSignal, options?: OpenOptions): Promise<Readable>;
  /**
   * Optional: the whole of a small resource in one buffer, read in one call (the engine's path for small files).
   * Same errors as `open`. Without it the engine collects `open`'s stream. `into` (at least the declared size + 1
   * bytes) is a buffer the engine reuses: the result may be a view of it.
   */
  readAll?(asset: Asset, role: ResourceRole, signal: AbortSignal, into?: Buffer): Promise<Buffer>;
  /**
   * Optional: the path of a resource whose bytes are a plain file on this machine (a folder source), so a store on a
   * local file system can copy it with the kernel instead of streaming it. Same errors as `open`.
   */
  localFile?(asset: Asset, role: ResourceRole, signal: AbortSignal): Promise<string>;
  /**
   * Optional hint: these assets are about to be read (the run's next page of copies). A source whose reads need a
   * request each to find the bytes (iCloud's signed URLs) can fetch many at once. Best effort: it never throws, and
   * a read it did not prepare works as without it.
   */
  prefetch?(assets: readonly Asset[], signal: AbortSignal): Promise<void>;
  /** Current pace, for sources that adapt to the server's throttling. */
  pace?(): SourcePace;
  close(): Promise<void>;
}
