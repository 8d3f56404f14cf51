/** @module FileStore over SFTP: pipelined upload to a hidden temp name, atomic posix-rename, hard-link copies, resume by offset. */
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { ConnectorContext } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore, FileStoreCapabilities, StoredFile, WriteMeta } from '../file-store.ts';
import { checkStorePath, parentOf } from '../store-path.ts';
import { KIND, toTransferError } from './errors.ts';
import { pipelineWrite } from './pipelined-writer.ts';
import { pipelinedRead } from './pipelined-reader.ts';
import { HARDLINK, POSIX_RENAME, openSession, type Session, type SessionOptions } from './session.ts';
import { forgetPartial, loadPartial, savePartial, type PartialKey } from './partial-state.ts';

const TEMP_SUFFIX = '.photoferry-tmp';
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

export interface SftpStoreOptions extends SessionOptions {
  /** Folder on the server that holds the library (relative paths start at the login folder). */
  readonly root: string;
  readonly blockSize: number;
  readonly inFlight: number;
  /** A failed upload that got at least this far keeps its temp file so the next attempt resumes. */
  readonly resumeMinBytes: number;
}

const isMissing = (err: unknown) => (err as { code?: unknown }).code === 2;

export function createSftpStore(o: SftpStoreOptions, ctx: ConnectorContext): FileStore {
  const abs = (path: string) => posix.join(o.root, checkStorePath(path, KIND));
  const rel = (full: string) => posix.relative(posix.join(o.root, '.'), full);
  let current: Promise<Session> | undefined;
  let extensions: ReadonlySet<string> | undefined;
  const madeDirs = new Map<string, Promise<void>>();

  /** The live session, reconnecting after a drop; a failed connect is not cached. */
  async function session(): Promise<Session> {
    if (current) {
      const s = await current.catch(() => undefined);
      if (s && !s.dead) return s;
      madeDirs.clear();
    }
    current = openSession(o);
    current.catch(() => { current = undefined; });
    const s = await current;
    extensions = s.extensions;
    return s;
  }

  function mkdirs(s: Session, dir: string): Promise<void> {
    if (dir === '.' || dir === '/' || dir === '') return Promise.resolve();
    let made = madeDirs.get(dir);
    if (!made) {
      made = (async () => {
        try { if ((await s.stat(dir)).isDirectory()) return; } catch (err) { if (!isMissing(err)) throw err; }
        await mkdirs(s, posix.dirname(dir));
        // A concurrent writer may create it between our stat and mkdir; only a missing folder afterwards is an error.
        await s.mkdir(dir).catch(async (err: unknown) => { if (!(await s.stat(dir).catch(() => null))?.isDirectory()) throw err; });
      })();
      made.catch(() => madeDirs.delete(dir));
      madeDirs.set(dir, made);
    }
    return made;
  }

  async function statFile(path: string): Promise<StoredFile | null> {
    const s = await session();
    try {
      const st = await s.stat(abs(path));
      return st.isFile() ? { path, size: st.size, modTime: new Date(st.mtime * 1000) } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw toTransferError(err, `stat ${path}`);
    }
  }

  async function write(path: string, body: Readable, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    const target = abs(path);
    const key: PartialKey = { host: o.host, port: o.port, target, size: meta.size, ...(meta.sha256 ? { sha256: meta.sha256 } : {}) };
    let s: Session;
    let temp = posix.join(posix.dirname(target), `.${randomUUID()}${TEMP_SUFFIX}`);
    let skip = 0;
    let confirmed = 0;
    let handle: Buffer | undefined;
    try {
      s = await session();
      await mkdirs(s, posix.dirname(target));
      const partial = await loadPartial(ctx.state, key, s);
      if (partial) { ({ temp, offset: skip } = partial); ctx.log.info({ path, offset: skip }, 'sftp: resuming a partial upload'); }
      handle = await s.open(temp, skip > 0 ? 'r+' : 'w');
      confirmed = skip;
      let lastSaved = skip;
      const { seen } = await pipelineWrite(body, (data, at) => s.write(handle!, data, at), {
        blockSize: o.blockSize, inFlight: o.inFlight, skip, size: meta.size,
        onConfirmed: (bytes) => {
          confirmed = bytes;
          // Saving every 64 MiB bounds both the state writes and what a crash makes us send again.
          if (bytes - lastSaved >= 64 * 1024 * 1024) { lastSaved = bytes; void savePartial(ctx.state, key, { temp, offset: bytes }); }
        },
      }, signal);
      if (seen !== meta.size) throw new TransferError('corrupted', `${path}: body ended after ${seen} of ${meta.size} bytes`, { connector: KIND });
      await s.fsync(handle);
      if (meta.modTime) await s.futimes(handle, meta.modTime);
      await s.closeHandle(handle);
      handle = undefined;
      await s.rename(temp, target);
      await forgetPartial(ctx.state, key);
      return { path, size: seen, ...(meta.modTime ? { modTime: meta.modTime } : {}) };
    } catch (err) {
      body.destroy();
      const failure = toTransferError(err, `write ${path}`);
      const live = current ? await current.catch(() => undefined) : undefined;
      if (handle && live && !live.dead) await live.closeHandle(handle).catch(() => undefined);
      const keep = confirmed >= o.resumeMinBytes && failure.kind !== 'corrupted' && failure.kind !== 'invalid-input';
      if (keep) {
        await savePartial(ctx.state, key, { temp, offset: confirmed });
      } else {
        await forgetPartial(ctx.state, key);
        await session().then((fresh) => fresh.unlink(temp)).catch(() => undefined);
      }
      throw failure;
    }
  }

  async function* walk(s: Session, dir: string, prefix: string, signal: AbortSignal): AsyncGenerator<StoredFile> {
    let entries;
    try { entries = await s.readdir(dir); } catch (err) {
      if (isMissing(err)) return;
      throw toTransferError(err, `list ${prefix}`);
    }
    for (const entry of entries) {
      signal.throwIfAborted();
      const full = posix.join(dir, entry.filename);
      const type = entry.attrs.mode & S_IFMT;
      if (type === S_IFDIR) { yield* walk(s, full, prefix, signal); continue; }
      const path = rel(full);
      if (type === S_IFREG && path.startsWith(prefix) && !entry.filename.endsWith(TEMP_SUFFIX)) {
        yield { path, size: entry.attrs.size, modTime: new Date(entry.attrs.mtime * 1000) };
      }
    }
  }

  const rename = async (from: string, to: string) => {
    const s = await session();
    try { await mkdirs(s, posix.dirname(abs(to))); await s.rename(abs(from), abs(to)); } catch (err) { throw toTransferError(err, `rename ${from} → ${to}`); }
  };
  const copy = async (from: string, to: string) => {
    const s = await session();
    const target = abs(to);
    // The link is made under a temp name and renamed over `to`, since hardlink@openssh.com refuses to replace.
    const temp = posix.join(posix.dirname(target), `.${randomUUID()}${TEMP_SUFFIX}`);
    try { await mkdirs(s, posix.dirname(target)); await s.hardlink(abs(from), temp); await s.rename(temp, target); } catch (err) {
      await s.unlink(temp).catch(() => undefined);
      throw toTransferError(err, `copy ${from} → ${to}`);
    }
  };

  const store: FileStore = {
    kind: KIND,
    /** Until the first connection the OpenSSH extensions are assumed; afterwards they are what the server announced. */
    get capabilities(): FileStoreCapabilities {
      return {
        atomicRename: extensions?.has(POSIX_RENAME) ?? true, atomicWrite: true, hashes: [],
        serverSideCopy: extensions?.has(HARDLINK) ?? true, read: true,
      };
    },
    stat: (path) => statFile(path),
    write,
    async read(path) {
      const s = await session();
      try {
        const handle = await s.open(abs(path), 'r');
        const { size } = await s.fstat(handle).catch(async (err: unknown) => { await s.closeHandle(handle).catch(() => undefined); throw err; });
        return pipelinedRead(s, handle, size, { blockSize: o.blockSize, inFlight: o.inFlight });
      } catch (err) { throw toTransferError(err, `read ${path}`); }
    },
    async remove(path) {
      const s = await session();
      try { await s.unlink(abs(path)); } catch (err) { if (!isMissing(err)) throw toTransferError(err, `remove ${path}`); }
    },
    async *list(prefix, signal) {
      const s = await session();
      const folder = parentOf(prefix.endsWith('/') ? `${prefix}x` : prefix);
      yield* walk(s, folder === '' ? posix.join(o.root, '.') : abs(folder), prefix, signal);
    },
    async close() {
      const s = current ? await current.catch(() => undefined) : undefined;
      current = undefined;
      await s?.end();
    },
  };
  // rename and copy exist exactly when the server announced the extension that makes them what the contract says.
  return Object.defineProperties(store, {
    rename: { get: () => (store.capabilities.atomicRename ? rename : undefined), enumerable: true },
    copy: { get: () => (store.capabilities.serverSideCopy ? copy : undefined), enumerable: true },
  });
}
