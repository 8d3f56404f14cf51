/** @module The Destination contract the engine talks to; file-destination.ts adapts any FileStore to it. */
import type { Readable } from 'node:stream';
import type { Asset, AssetId, ChecksumAlgorithm, Resource, ResourceRole } from '../core/asset.ts';
import type { StoredFile } from './file-store.ts';

/** What the engine knows about the bytes it streamed once the body has ended. */
export interface StreamDigest {
  readonly bytes: number;
  readonly sha256: string;
  readonly md5?: string;
}

/**
 * The bytes to store: a stream, or a small file's whole body already in memory, which a store may write in one
 * call (FileStore.writeBytes) instead of paying a stream pipeline per file.
 */
export type Body = Readable | Buffer;

export interface PutItem {
  readonly asset: Asset;
  readonly resource: Resource;
  /** Rendered, sanitized destination path (relative, `/`-separated). */
  readonly path: string;
  readonly body: Body;
  /**
   * Called by the destination after the bytes are stored but before they become visible at `path`;
   * throws TransferError('corrupted') when what was stored is not what was sent. The destination then
   * removes what it staged and rethrows.
   */
  readonly verify: (stored: StoredFile) => Promise<StreamDigest>;
}

/** A resource whose bytes are a file on this machine (a folder source's own file), for `Destination.putLocal`. */
export interface LocalPutItem extends Omit<PutItem, 'body'> {
  readonly localPath: string;
  /** Progress: bytes of the copy as the store reads them back. */
  readonly onBytes?: (n: number) => void;
}

/**
 * What a placement holds: a source resource (`original`, `raw`, …) or something photoferry derived from
 * one: a converted copy (`original.jpeg`), a metadata sidecar (`xmp:original`, `json`) or an album entry
 * (`album:<albumId>/<role>`, a server-side copy of the resource in an album folder). Derived roles get the
 * same plan → verify → record machinery, so a re-run redoes none of them.
 */
export type DerivedRole = `${ResourceRole}.jpeg` | `xmp:${ResourceRole}` | 'json' | `album:${string}`;
export type PlacementRole = ResourceRole | DerivedRole;

export interface Placement {
  readonly destinationId: string;
  readonly sourceId: string;
  readonly assetId: AssetId;
  readonly role: PlacementRole;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  /** Identity of the source resource placed (its checksum, or size+name): a change means re-send. */
  readonly fingerprint: string;
  readonly version: string;
  readonly verifiedAt: Date;
  /** Library destinations: the service's id for the asset holding this resource. */
  readonly remoteId?: string;
  /** Library destinations: SHA-1 (hex) of the bytes sent, which the service's checksum is compared with. */
  readonly remoteChecksum?: string;
}

export interface DestinationCapabilities {
  readonly albums: boolean;
  readonly deletions: boolean;
  readonly serverSideCopy: boolean;
  /** Target folders treat `A.jpg` and `a.jpg` as one name (assumed true unless the store says otherwise). */
  readonly caseInsensitive: boolean;
  readonly read: boolean;
  /** Hashes the destination reports for what it stored; the engine computes the same ones while streaming. */
  readonly hashes: readonly ChecksumAlgorithm[];
  /** `hashes` are reported only for files of at most this many bytes (an S3 multipart ETag is no MD5); no limit when absent. */
  readonly hashesUpTo?: number;
  /** Keeps HEIC/HEIF as is; when false the engine sends a JPEG conversion instead of a HEIC original. */
  readonly heic: boolean;
}

/** A file that belongs to no single resource (library manifest, album manifests). */
export interface FileItem {
  readonly path: string;
  readonly body: Body;
  /** Exact byte count of `body`. */
  readonly size: number;
  readonly contentType: string;
  /** As in PutItem: throws when what was stored is not what was sent. */
  readonly verify: (stored: StoredFile) => Promise<StreamDigest>;
}

export interface Destination {
  /** Stable id, e.g. `local:/abs/path` or `s3:bucket/prefix`. */
  readonly id: string;
  readonly kind: string;
  readonly capabilities: DestinationCapabilities;
  /** Proves credentials and write permission by writing and removing a marker; throws a TransferError saying what is wrong. */
  check(signal: AbortSignal): Promise<void>;
  /** Stores one resource: staged, verified, then visible at `item.path`. Returns what is now there. */
  put(item: PutItem, signal: AbortSignal): Promise<StoredFile>;
  /**
   * `put` for a resource whose bytes are a file on this machine, copied by the store itself (FileStore.copyIn):
   * nothing streams through the engine, and `verify` gets the SHA-256 the store read back from what it stored.
   * Only on destinations whose store can.
   */
  putLocal?(item: LocalPutItem, signal: AbortSignal): Promise<StoredFile>;
  /**
   * Stores a file that is not a resource (manifests), staged and verified like `put`. Only on destinations
   * that are plain file trees; photo services leave it out and the engine skips library manifests there.
   */
  writeFile?(item: FileItem, signal: AbortSignal): Promise<StoredFile>;
  /**
   * Duplicates what is at `from` at `to` without sending the bytes again (hard link, S3 CopyObject),
   * replacing `to`. Only when `capabilities.serverSideCopy`. Missing `from`: TransferError('not-found').
   */
  copy?(from: string, to: string, signal: AbortSignal): Promise<void>;
  /** What is at `path` now, or null. */
  stat(path: string, signal: AbortSignal): Promise<StoredFile | null>;
  /** Streams back what is at `path` (verify --deep, restore). Only when `capabilities.read`. */
  read?(path: string, signal: AbortSignal): Promise<Readable>;
  /**
   * For destinations that cannot hand bytes back but can vouch for what they hold (photo services): whether
   * what they keep for `placement` still matches its recorded checksum, checked on their side (e.g. Immich's
   * stored SHA-1). 'unverifiable' when the service cannot tell. Free-up counts a copy only when `read` re-hashes
   * it or this answers 'ok'; a destination with neither never counts as a verified backup.
   */
  verifyChecksum?(placement: Placement, signal: AbortSignal): Promise<'ok' | 'missing' | 'different' | 'unverifiable'>;
  /** Removes what is at `path`; missing is fine. */
  remove(path: string, signal: AbortSignal): Promise<void>;
  /** Removes staging leftovers of an interrupted run. */
  cleanup(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
