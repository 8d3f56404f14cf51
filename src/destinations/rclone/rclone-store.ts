/** @module FileStore on any rclone remote through the rclone CLI: rcat into a staging name, moveto, lsjson, cat. */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { Checksum } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore, StoredFile } from '../file-store.ts';
import { STAGING_DIR, checkStorePath } from '../store-path.ts';
import { finished, runRclone, spawnRclone, type RcloneRunner } from './cli.ts';
import { toTransferError } from './errors.ts';

const KIND = 'rclone';

export interface RcloneStoreOptions extends RcloneRunner {
  /** Remote name as in rclone.conf or RCLONE_CONFIG_<NAME>_TYPE. */
  readonly remote: string;
  /** Folder on the remote ('' for its root). */
  readonly path: string;
  /** Upload straight to the final name (remotes whose uploads are all-or-nothing: S3, B2, Drive, ...). */
  readonly direct: boolean;
  /** Ask for hashes in stat (stored on cloud remotes; computed by reading the file on local/SFTP). */
  readonly hashes: boolean;
}

interface LsEntry { Path: string; Size: number; ModTime?: string; IsDir: boolean; Hashes?: Record<string, string> }

const HASHES = ['md5', 'sha1', 'sha256'] as const;
const hashesOf = (e: LsEntry): Checksum[] =>
  HASHES.flatMap((algorithm) => (e.Hashes?.[algorithm] ? [{ algorithm, value: e.Hashes[algorithm] }] : []));

export function createRcloneStore(o: RcloneStoreOptions): FileStore {
  // Keep a leading "/": for local and SFTP remotes `remote:/abs` and `remote:rel` are different folders.
  const absolute = o.path.startsWith('/');
  const base = o.path.replace(/^\/+|\/+$/g, '');
  const at = (rel: string) => `${o.remote}:${absolute ? '/' : ''}${[base, rel].filter(Boolean).join('/')}`;
  const target = (path: string) => at(checkStorePath(path, KIND));
  const ctx = (op: string, path: string) => ({ remote: o.remote, op: `${op} "${path}"` });
  const fail = (result: Parameters<typeof toTransferError>[0], op: string, path: string) => toTransferError(result, ctx(op, path));
  const run = async (args: string[], op: string, path: string, signal: AbortSignal) => {
    const result = await runRclone(o, args, signal).catch((err: Error) => { throw fail(err, op, path); });
    return result.code === 0 ? result : Promise.reject(fail(result, op, path));
  };

  async function stat(path: string, signal: AbortSignal): Promise<StoredFile | null> {
    const args = ['lsjson', '--stat', '--no-mimetype', ...(o.hashes ? HASHES.flatMap((h) => ['--hash-type', h]).concat('--hash') : []), target(path)];
    try {
      const entry = JSON.parse((await run(args, 'stat', path, signal)).stdout) as LsEntry;
      if (entry.IsDir) return null;
      return { path, size: entry.Size, ...(entry.ModTime ? { modTime: new Date(entry.ModTime) } : {}), hashes: hashesOf(entry) };
    } catch (err) {
      if (err instanceof TransferError && err.kind === 'not-found') return null;
      throw err;
    }
  }

  /** Streams `body` into rclone rcat; a body of the wrong length kills rclone before it can finish the file. */
  async function rcat(remotePath: string, path: string, body: Readable, size: number, signal: AbortSignal): Promise<void> {
    // Jottacloud needs the MD5 before an upload starts, so for streams rclone spools the file to a temp
    // file first (above --jottacloud-md5-memory-limit, 10 MiB): expect local disk use the size of the file.
    const child = spawnRclone(o, ['rcat', '--size', String(size), remotePath], signal, 'pipe');
    const exit = finished(child);
    exit.catch(() => undefined);
    let seen = 0;
    try {
      for await (const chunk of body) {
        seen += (chunk as Buffer).length;
        if (seen > size) throw new TransferError('corrupted', `${path}: body longer than the declared ${size} bytes`, { connector: KIND });
        if (!child.stdin!.write(chunk)) await Promise.race([once(child.stdin!, 'drain'), exit]);
        if (child.exitCode !== null) break;
      }
      if (child.exitCode === null && seen !== size) throw new TransferError('corrupted', `${path}: body ended after ${seen} of ${size} bytes`, { connector: KIND });
      child.stdin!.end();
    } catch (err) {
      child.kill('SIGKILL');
      await exit.catch(() => undefined);
      throw err instanceof TransferError ? err : signal.aborted ? fail(Object.assign(new Error('cancelled'), { name: 'AbortError' }), 'upload', path)
        : new TransferError('transient', `${path}: reading the source failed: ${(err as Error).message}`, { connector: KIND, cause: err });
    }
    const result = await exit.catch((err: Error) => { throw fail(err, 'upload', path); });
    if (result.code !== 0) throw fail(result, 'upload', path);
  }

  return {
    kind: KIND,
    // Hashes and server-side copy depend on the remote; they are reported by stat when present, not promised.
    capabilities: { atomicRename: false, atomicWrite: true, hashes: [], serverSideCopy: false, read: true },

    stat,

    async write(path, body, meta, signal) {
      const final = target(path);
      if (o.direct) {
        await rcat(final, path, body, meta.size, signal);
      } else {
        // Staged under another name so a failed or killed upload never shows at `path`: rclone 1.60 writes
        // local and SFTP files in place. moveto is a rename there and a server-side move on most clouds.
        const staged = at(`${STAGING_DIR}/${randomUUID()}.partial`);
        try {
          await rcat(staged, path, body, meta.size, signal);
          await run(['moveto', staged, final], 'upload', path, signal);
        } catch (err) {
          await runRclone(o, ['deletefile', staged], AbortSignal.timeout(30_000)).catch(() => undefined);
          throw err;
        }
      }
      const stored = await stat(path, signal);
      if (!stored || stored.size !== meta.size) {
        throw new TransferError('corrupted', `${path}: the remote holds ${stored?.size ?? 'no'} bytes after uploading ${meta.size}`, { connector: KIND });
      }
      return { ...stored, ...(meta.modTime ? { modTime: meta.modTime } : {}) };
    },

    async read(path, signal) {
      if (!(await stat(path, signal))) throw new TransferError('not-found', `read "${path}": no such file on the remote`, { connector: KIND });
      const child = spawnRclone(o, ['cat', target(path)], signal);
      const stdout = child.stdout!;
      finished(child, false).then((r) => {
        if (r.code !== 0) stdout.destroy(fail(r, 'read', path));
      }, (err: Error) => stdout.destroy(fail(err, 'read', path)));
      return stdout;
    },

    async remove(path, signal) {
      try { await run(['deletefile', target(path)], 'remove', path, signal); } catch (err) {
        if (!(err instanceof TransferError && err.kind === 'not-found')) throw err;
      }
    },

    async *list(prefix, signal) {
      // lsjson lists a folder; a prefix that is not a folder boundary is filtered after listing its parent.
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      let entries: LsEntry[];
      try {
        entries = JSON.parse((await run(['lsjson', '-R', '--files-only', '--no-mimetype', at(folder)], 'list', prefix || '/', signal)).stdout) as LsEntry[];
      } catch (err) {
        if (err instanceof TransferError && err.kind === 'not-found') return;
        throw err;
      }
      for (const e of entries) {
        const path = folder ? `${folder}/${e.Path}` : e.Path;
        if (!path.startsWith(prefix) || path.startsWith(`${STAGING_DIR}/`)) continue;
        yield { path, size: e.Size, ...(e.ModTime ? { modTime: new Date(e.ModTime) } : {}) };
      }
    },

    async close() {},
  };
}
