/** @module FileStore on a local or mounted file system: temp file + fsync + atomic rename. */
import { constants as fsConstants, createReadStream, createWriteStream, mkdirSync, type WriteStream, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TransferError, fromSystemError } from '../../core/transfer-error.ts';
import { digestFile, type FileDigest } from '../../core/file-digest.ts';
import { releaseChunk } from '../../core/read-chunks.ts';
import { underRoot } from '../../core/under-root.ts';
import type { Durability } from '../durability.ts';
import type { FileStore, StoredFile, WriteMeta } from '../file-store.ts';
import { STAGING_DIR, checkStorePath, parentOf } from '../store-path.ts';

const KIND = 'local';
const execFileAsync = promisify(execFile);

export interface LocalStoreOptions {
  readonly root: string;
  /**
   * When written bytes must be on disk: `file` fsyncs every file and its folder before it counts as written;
   * `run` flushes the whole file system once when the store is closed (per-file fsync made copies 2–3× slower
   * than `cp && sync` here, while one syncfs at the end costs what `sync` costs); `none` leaves it to the OS.
   * A killed process loses nothing either way (the page cache survives it); only a power cut needs these.
   */
  readonly durability: Durability;
}

/**
 * A write stream to a new file that gives each lent read chunk back (core/read-chunks.ts) once its bytes are
 * written: its last reader is the write call, and the stream keeps no chunk after that call's callback.
 */
function releasingWriteStream(path: string, flush: boolean): WriteStream {
  const out = createWriteStream(path, { flags: 'wx', flush });
  const write = out._write.bind(out);
  out._write = (chunk: Buffer, encoding, done) => write(chunk, encoding, (err) => {
    if (!err) releaseChunk(chunk);
    done(err);
  });
  const writev = out._writev?.bind(out);
  if (writev) {
    out._writev = (chunks, done) => writev(chunks, (err) => {
      if (!err) for (const c of chunks) releaseChunk(c.chunk);
      done(err);
    });
  }
  return out;
}

/** Kernel file systems: never a backup, and Node's recursive mkdir loops forever under /proc instead of failing. */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** The real path of `path`'s nearest existing ancestor joined with the rest, so a symlink into /proc is caught too. */
function realTarget(path: string): string {
  for (let existing = path; ; existing = dirname(existing)) {
    try {
      return resolve(realpathSync(existing), relative(existing, path));
    } catch {
      if (dirname(existing) === existing) return path;
    }
  }
}

export function createLocalStore(options: LocalStoreOptions): FileStore {
  const { root } = options;
  const real = realTarget(root);
  const virtual = VIRTUAL_ROOTS.find((v) => real === v || real.startsWith(`${v}${sep}`));
  if (virtual !== undefined) {
    const shown = real === root ? root : `${root} (${real})`;
    throw new TransferError('invalid-input', `${shown} is inside ${virtual}, a kernel file system, not storage: choose a folder on a disk`, { connector: KIND });
  }
  const rootDir = resolve(root);
  // Checked paths (and their parents) have no empty, "." or ".." segment.
  const under = (rel: string) => underRoot(rootDir, rel);
  const abs = (path: string) => under(checkStorePath(path, KIND));
  const fail = (err: unknown, what: string) => fromSystemError(err, KIND, what);

  const perFile = options.durability === 'file';
  /**
   * Without per-file fsync, metadata calls (mkdir, rename) and small whole-buffer writes are made synchronously:
   * each async fs call is a round trip through libuv's 4-thread pool, and for a 30 KB file those hops (about six
   * a file) cost more than the syscalls themselves, most of all on a busy machine. An fsync's wait must never
   * block the event loop, so `file` durability keeps the async calls.
   */
  const inline = !perFile;
  async function syncDir(dir: string): Promise<void> {
    if (!perFile) return;
    const handle = await open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  }

  /** mkdir -p, but with the real reason: Node reports ENOENT for a recursive mkdir on a read-only mount. */
  // Folders this store made or saw, so 10k files in a few folders cost a few mkdir calls, not 10k. A folder
  // removed behind our back only costs a failed write, which the engine retries after `forget`.
  const madeDirs = new Set<string>();
  async function ensureDir(dir: string): Promise<void> {
    if (madeDirs.has(dir)) return;
    try {
      if (!inline) throw new Error('async');
      mkdirSync(dir, { recursive: true });
    } catch {
      await makeDir(dir); // also what gives a failure its real reason
    }
    madeDirs.add(dir);
  }
  async function makeDir(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      let current = dir;
      const missing: string[] = [];
      while (!(await stat(current).catch(() => null))) { missing.unshift(current); current = join(current, '..'); }
      for (const d of missing) await mkdir(d);
    }
  }

  async function toStored(path: string): Promise<StoredFile | null> {
    try {
      const s = await stat(abs(path));
      return s.isFile() ? { path, size: s.size, modTime: s.mtime } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw fail(err, `stat ${path}`);
    }
  }

  /** Writes through `fill` (which returns the bytes it wrote) at a temp name, then gives it its name; never leaves a partial file at `path`. */
  async function place(path: string, meta: WriteMeta, fill: (temp: string) => Promise<number> | number): Promise<StoredFile> {
    const target = abs(path);
    const dir = under(parentOf(path));
    // A staging name is already invisible: write it in place and spare a rename.
    const temp = path.startsWith(`${STAGING_DIR}/`) ? target : `${dir}${sep}.${randomUUID()}.photoferry-tmp`;
    try {
      await ensureDir(dir);
      const seen = await fill(temp);
      if (seen !== meta.size) {
        throw new TransferError('corrupted', `${path}: body ended after ${seen} of ${meta.size} bytes`, { connector: KIND });
      }
      if (temp !== target) await rename(temp, target);
      await syncDir(dir);
      return { path, size: seen, ...(meta.modTime ? { modTime: meta.modTime } : {}) };
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      // A staging name is the same for the same file on every attempt, and a batch redone after its worker was killed
      // mid-write finds that worker's half file there (batch runs clean no staging: other batches are in flight).
      // It was just removed, so the next attempt writes afresh.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && temp === target) {
        throw new TransferError('transient', `write ${path}: an interrupted run had left a partial file at this staging name; removed, and written again`, { connector: KIND, cause: err });
      }
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && madeDirs.delete(dir)) {
        throw new TransferError('transient', `write ${path}: its folder vanished; it will be made again`, { connector: KIND, cause: err });
      }
      throw fail(err, `write ${path}`);
    }
  }

  return {
    kind: KIND,
    capabilities: { atomicRename: true, atomicWrite: true, hashes: [], serverSideCopy: true, read: true },

    stat: (path) => toStored(path),

    write: (path: string, body: Readable, meta: WriteMeta, signal: AbortSignal) => place(path, meta, async (temp) => {
      const out = releasingWriteStream(temp, perFile);
      let seen = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          if (seen > meta.size) done(new TransferError('corrupted', `${path}: body longer than ${meta.size} bytes`, { connector: KIND }));
          else done(null, chunk);
        },
      });
      await pipeline(body, count, out, { signal });
      return seen;
    }).catch((err: unknown) => {
      body.destroy();
      throw err;
    }),

    // A small file in one open/write/close: no stream, no per-file abort listener.
    writeBytes: (path: string, bytes: Buffer, meta: WriteMeta, signal: AbortSignal) => place(path, meta, async (temp) => {
      signal.throwIfAborted();
      if (inline) writeFileSync(temp, bytes, { flag: 'wx' });
      else await writeFile(temp, bytes, { flag: 'wx', flush: true });
      return bytes.length;
    }),

    async copyIn(path: string, from: string, meta: WriteMeta, signal: AbortSignal, onBytes?: (n: number) => void) {
      let digest: FileDigest | undefined;
      const stored = await place(path, meta, async (temp) => {
        signal.throwIfAborted();
        await copyFile(from, temp, fsConstants.COPYFILE_EXCL).catch(async (err: unknown) => {
          // ENOENT names no side: a source file that vanished is the source's not-found, not a folder to remake here.
          if (await stat(from).then(() => false, () => true)) throw new TransferError('not-found', `${from}: the source file is gone`, { connector: KIND, cause: err });
          throw err;
        });
        const handle = await open(temp, 'r');
        try {
          digest = await digestFile(handle, signal, { onBytes });
          if (perFile) await handle.sync();
        } finally {
          await handle.close();
        }
        return digest.bytes;
      });
      return { ...stored, hashes: [{ algorithm: 'sha256' as const, value: digest!.sha256 }] };
    },

    async rename(from, to) {
      const target = abs(to);
      try {
        const dir = dirname(target);
        await ensureDir(dir);
        if (inline) renameSync(abs(from), target);
        else await rename(abs(from), target);
        await syncDir(dir);
      } catch (err) {
        throw fail(err, `rename ${from} → ${to}`);
      }
    },

    async copy(from, to) {
      // A hard link shares the bytes (albums without storing them twice); the link is made under a staging name
      // (a kill leaves it where cleanup sweeps) and renamed so `to` never shows a half-made state.
      const target = abs(to);
      const staging = under(STAGING_DIR);
      const temp = `${staging}${sep}${randomUUID()}.link`;
      try {
        await ensureDir(dirname(target));
        await ensureDir(staging);
        await link(abs(from), temp);
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw fail(err, `copy ${from} → ${to}`);
      }
    },

    async read(path) {
      const file = abs(path);
      const handle = await open(file, 'r').catch((err: unknown) => { throw fail(err, `read ${path}`); });
      return createReadStream('', { fd: handle });
    },

    async remove(path) {
      try { await unlink(abs(path)); } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(err, `remove ${path}`);
      }
    },

    async *list(prefix, signal) {
      const base = join(root, ...parentOf(prefix.endsWith('/') ? `${prefix}x` : prefix).split('/').filter(Boolean));
      yield* walk(base, signal);
      async function* walk(dir: string, sig: AbortSignal): AsyncGenerator<StoredFile> {
        let entries;
        try { entries = await readdir(dir, { withFileTypes: true }); } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw fail(err, `list ${prefix}`);
        }
        for (const entry of entries) {
          sig.throwIfAborted();
          const full = join(dir, entry.name);
          const rel = relative(root, full).split(sep).join('/');
          if (entry.isDirectory()) yield* walk(full, sig);
          else if (entry.isFile() && rel.startsWith(prefix)) {
            const s = await stat(full);
            yield { path: rel, size: s.size, modTime: s.mtime };
          }
        }
      }
    },

    async close() {
      // syncfs(2) of the destination's file system, through coreutils (Node has no binding for it).
      if (options.durability === 'run') await execFileAsync('sync', ['-f', root]).catch(() => undefined);
    },
  } satisfies FileStore;
}
