/** @module The FileStore contract: the five things a path-addressed store (local, S3, WebDAV, SFTP, rclone) must do. */
import type { Readable } from 'node:stream';
import type { Checksum, ChecksumAlgorithm } from '../core/asset.ts';
import { TransferError } from '../core/transfer-error.ts';

export interface StoredFile {
  /** Path relative to the store root, `/`-separated, no leading slash. */
  readonly path: string;
  readonly size: number;
  readonly modTime?: Date;
  /** Hashes the store computed itself (e.g. S3 ETag-MD5 of a single-part object, rclone hashsum). */
  readonly hashes?: readonly Checksum[];
}

export interface FileStoreCapabilities {
  /** `rename` exists and is atomic: a reader sees the old name or the new one, never a partial file. */
  readonly atomicRename: boolean;
  /** `write` itself is all-or-nothing (S3 PUT, multipart complete): no staging needed. */
  readonly atomicWrite: boolean;
  /** Hash algorithms `stat`/`write` report without reading the file back. */
  readonly hashes: readonly ChecksumAlgorithm[];
  /**
   * `hashes` are reported only for files of at most this many bytes (S3: a multipart object's ETag is not the
   * file's MD5), so the engine need not compute them for larger files. Absent: for files of any size.
   */
  readonly hashesUpTo?: number;
  /** `copy` exists: the store duplicates a file server-side (S3 CopyObject, hard link, WebDAV COPY). */
  readonly serverSideCopy: boolean;
  /** `read` exists: the store streams a file back (verify --deep, restore from an archive). */
  readonly read: boolean;
}

export interface WriteMeta {
  readonly size: number;
  readonly modTime?: Date;
  readonly contentType?: string;
  /** Hash of the whole body when known before sending (lets S3 send x-amz-checksum / Content-MD5). */
  readonly sha256?: string;
}

export interface FileStore {
  readonly kind: string;
  readonly capabilities: FileStoreCapabilities;
  /** Null when nothing is at `path`. Never throws for "not found". */
  stat(path: string, signal: AbortSignal): Promise<StoredFile | null>;
  /**
   * Writes `body` (exactly `meta.size` bytes) to `path`, creating parent folders as needed and replacing
   * any file already there. Fails with TransferError('corrupted') when the body's length differs from
   * `meta.size`. When it fails or is aborted it must not leave a partial file visible at `path`
   * (it may leave one at another name only if `atomicRename` is false and the caller staged).
   */
  write(path: string, body: Readable, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile>;
  /**
   * `write` for a body already in memory (a small file): same contract, one call instead of a stream pipeline.
   * Optional: without it the destination streams the buffer through `write`.
   */
  writeBytes?(path: string, bytes: Buffer, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile>;
  /**
   * `write` for a body that is a file on this machine (`from`, exactly `meta.size` bytes): the store copies it by
   * its own means (the kernel's copy_file_range, a reflink where the file system has them), then reads back what it
   * stored and reports its SHA-256 in `hashes`, which the engine takes as the digest of the copy. Same contract as
   * `write` otherwise. Optional: only stores that share a file system with the source can have it.
   */
  copyIn?(path: string, from: string, meta: WriteMeta, signal: AbortSignal, onBytes?: (n: number) => void): Promise<StoredFile>;
  /** Moves `from` to `to` atomically, replacing `to`. Present only when `capabilities.atomicRename`. */
  rename?(from: string, to: string, signal: AbortSignal): Promise<void>;
  /** Duplicates `from` at `to` without sending the bytes again. Present only when `capabilities.serverSideCopy`. */
  copy?(from: string, to: string, signal: AbortSignal): Promise<void>;
  /** Streams a stored file back. Present only when `capabilities.read`. Missing file: TransferError('not-found'). */
  read?(path: string, signal: AbortSignal): Promise<Readable>;
  /** Removes a file; removing a missing file succeeds. */
  remove(path: string, signal: AbortSignal): Promise<void>;
  /** Every file whose path starts with `prefix` (a folder prefix ending in `/`, or '' for all), any order. */
  list(prefix: string, signal: AbortSignal): AsyncIterable<StoredFile>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** A whole body (`writeBytes`) of another length than declared fails as `corrupted` before anything is sent. */
export function checkWholeBody(path: string, bytes: Buffer, meta: WriteMeta, connector: string): void {
  if (bytes.length !== meta.size) throw new TransferError('corrupted', `${path}: body of ${bytes.length} bytes, declared ${meta.size}`, { connector });
}
