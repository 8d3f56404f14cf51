/** @module Adapts any FileStore to a Destination: staging, verify before visible, cleanup of interrupted runs. */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { TransferError } from '../core/transfer-error.ts';
import { endStage, startStage } from '../core/stages.ts';
import type { Body, Destination, FileItem, LocalPutItem, PutItem } from './destination.ts';
import type { FileStore, StoredFile, WriteMeta } from './file-store.ts';
import { STAGING_DIR } from './store-path.ts';

/**
 * The write check's file. Where the store stages (atomic rename), a name of its own in the staging folder: a check
 * killed mid-write leaves it where the next run's cleanup sweeps (at `.photoferry/check` a kill left the store's
 * temp file beside it for good), and no leftover of an earlier check is in its way. Elsewhere one fixed name, which
 * the next check overwrites.
 */
const markerOf = (caps: { readonly atomicRename: boolean }): string => caps.atomicRename ? `${STAGING_DIR}/check-${randomUUID()}` : '.photoferry/check';

/**
 * The same file always stages under the same name, so a retry after a dropped connection finds what the
 * failed attempt left (SFTP resumes it by offset); two different files never share one.
 */
export const stagingPath = (path: string, size: number): string =>
  `${STAGING_DIR}/${createHash('sha256').update(`${path}\0${size}`).digest('hex').slice(0, 32)}`;

export function createFileDestination(id: string, store: FileStore): Destination {
  const caps = store.capabilities;
  const meta = (item: Pick<PutItem, 'asset' | 'resource'>) => ({
    size: item.resource.size, modTime: item.asset.takenAt, contentType: item.resource.contentType,
  });

  /** Runs the engine's verify; on mismatch removes what was stored at `at` so nothing wrong stays visible. */
  async function verified(item: Pick<PutItem, 'verify'>, stored: StoredFile, at: string, signal: AbortSignal): Promise<void> {
    try {
      await item.verify(stored);
    } catch (err) {
      await store.remove(at, signal).catch(() => undefined);
      throw err;
    }
  }

  /** What `write` stores: a body, or (when the store has `copyIn`) a file on this machine to copy. */
  type Content = Body | Pick<LocalPutItem, 'localPath' | 'onBytes'>;

  async function write(path: string, body: Content, m: WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    const started = startStage();
    try {
      if ('localPath' in body) return await store.copyIn!(path, body.localPath, m, signal, body.onBytes);
      if (!Buffer.isBuffer(body)) return await store.write(path, body, m, signal);
      return await (store.writeBytes ? store.writeBytes(path, body, m, signal) : store.write(path, Readable.from([body]), m, signal));
    } finally {
      endStage('staging-write', started);
    }
  }

  async function stageAndVerify(path: string, body: Content, m: WriteMeta, item: Pick<PutItem, 'verify'>, signal: AbortSignal): Promise<StoredFile> {
    if (caps.atomicRename && store.rename) {
      const staged = stagingPath(path, m.size);
      const stored = await write(staged, body, m, signal);
      await verified(item, stored, staged, signal);
      const started = startStage();
      await store.rename(staged, path, signal);
      endStage('rename', started);
      return { ...stored, path };
    }
    // No rename: the store's write is all-or-nothing (S3 PUT, multipart complete); verify right after.
    const stored = await write(path, body, m, signal);
    await verified(item, stored, path, signal);
    return stored;
  }

  return {
    id,
    kind: store.kind,
    capabilities: {
      albums: false, deletions: true, serverSideCopy: caps.serverSideCopy, caseInsensitive: true,
      read: caps.read, hashes: caps.hashes, heic: true,
      ...(caps.hashesUpTo !== undefined ? { hashesUpTo: caps.hashesUpTo } : {}),
    },

    async check(signal) {
      const body = `photoferry write check ${new Date().toISOString()}\n`;
      const marker = markerOf(caps);
      await store.write(marker, Readable.from([Buffer.from(body)]), { size: Buffer.byteLength(body) }, signal);
      const stored = await store.stat(marker, signal);
      if (!stored || stored.size !== Buffer.byteLength(body)) {
        throw new TransferError('permanent', `${id}: a test file was written but cannot be read back`, { connector: store.kind });
      }
      await store.remove(marker, signal);
    },

    put: (item, signal) => stageAndVerify(item.path, item.body, meta(item), item, signal),
    ...(store.copyIn ? { putLocal: (item: LocalPutItem, signal: AbortSignal) => stageAndVerify(item.path, item, meta(item), item, signal) } : {}),

    writeFile: (item: FileItem, signal) =>
      stageAndVerify(item.path, item.body, { size: item.size, modTime: new Date(), contentType: item.contentType }, item, signal),

    ...(caps.serverSideCopy && store.copy ? { copy: store.copy.bind(store) } : {}),

    stat: (path, signal) => store.stat(path, signal),
    ...(store.read ? { read: store.read.bind(store) } : {}),
    remove: (path, signal) => store.remove(path, signal),

    async cleanup(signal) {
      if (!caps.atomicRename) return;
      for await (const leftover of store.list(`${STAGING_DIR}/`, signal)) await store.remove(leftover.path, signal);
    },

    close: () => store.close(),
  };
}
