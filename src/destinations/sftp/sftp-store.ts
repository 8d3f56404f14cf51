/** @module FileStore over SFTP: a few pooled connections, pipelined upload to a hidden name, atomic posix-rename, hard-link copies, resume by offset. */
import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { Durability } from '../durability.ts';
import type { ConnectorContext } from '../../connectors/context.ts';
import { checkWholeBody, type FileStore, type FileStoreCapabilities, type StoredFile, type WriteMeta } from '../file-store.ts';
import { STAGING_DIR, checkStorePath, parentOf } from '../store-path.ts';
import { KIND, toTransferError } from './errors.ts';
import { pipelineWrite, writeWhole } from './pipelined-writer.ts';
import { pipelinedRead } from './pipelined-reader.ts';
import { FSYNC, HARDLINK, POSIX_RENAME, openSession, type Session, type SessionOptions } from './session.ts';
import { createSessionPool, type Lease } from './session-pool.ts';
import { createBatchedSync } from './batched-sync.ts';
import { createPartials, type PartialKey } from './partial-state.ts';

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
  /** SSH connections open at most; each write or read leases one. */
  readonly connections: number;
  /**
   * When written bytes must be on the server's disk: `file` fsyncs each file before it gets its name; `run`
   * fsyncs written files in batches on one more connection of their own (at most a second or 64 files after they
   * got their name, and before the store closes); `none` leaves it to the server. A dropped connection or killed process loses nothing either way
   * (the server has the bytes); only a power cut or crash of the server needs these. Servers without
   * fsync@openssh.com get `none`.
   */
  readonly durability: Durability;
}

const isMissing = (err: unknown) => (err as { code?: unknown }).code === 2;

export function createSftpStore(o: SftpStoreOptions, ctx: ConnectorContext): FileStore {
  const abs = (path: string) => posix.join(o.root, checkStorePath(path, KIND));
  const rel = (full: string) => posix.relative(posix.join(o.root, '.'), full);
  const madeDirs = new Map<string, Promise<void>>();
  // A dropped connection may mean the server changed (restarted, remounted): check the folders again.
  const pool = createSessionPool(() => openSession(o), o.connections, {
    onDrop: () => madeDirs.clear(),
    onCapped: (open, err) => ctx.log.warn({ connections: open, error: String(err) }, 'sftp: the server refused another connection; sharing the ones open'),
  });
  const partials = createPartials(ctx.state);
  const batched = createBatchedSync({ maxHeld: 64, maxDelayMs: 1000, lanes: 2, log: ctx.log, connect: () => openSession(o), shared: (fn) => pool.use(fn) });
  /** A file that got its final name: with `run` durability, queued for the next batched fsync. */
  const named = (s: Session, full: string) => { if (o.durability === 'run' && s.extensions.has(FSYNC)) batched.hold(full); };

  function mkdirs(s: Session, dir: string): Promise<void> {
    if (dir === '.' || dir === '/' || dir === '') return Promise.resolve();
    let made = madeDirs.get(dir);
    if (!made) {
      made = (async () => {
        // mkdir first: nearly every folder a copy asks for is new (a date layout makes one per day), so a stat
        // first would be a second round trip for each. It fails with "no such file" when the parent is missing
        // and with a plain failure when the folder exists, which a stat then confirms.
        try { await s.mkdir(dir); return; } catch (err) {
          if (!isMissing(err)) {
            if ((await s.stat(dir).catch(() => null))?.isDirectory()) return;
            throw err;
          }
        }
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
    return pool.use(async (s) => {
      try {
        const st = await s.stat(abs(path));
        return st.isFile() ? { path, size: st.size, modTime: new Date(st.mtime * 1000) } : null;
      } catch (err) {
        if (isMissing(err)) return null;
        throw toTransferError(err, `stat ${path}`);
      }
    });
  }

  /**
   * The requests that end a fully written file, sent together (one round trip): its time, the fsync when
   * `file` durability asks for one (`run` syncs once the file has its name, see batched-sync.ts), and the close.
   */
  function finish(s: Session, handle: Buffer, modTime: Date | undefined): Promise<unknown> {
    const requests: Promise<void>[] = [];
    if (modTime) requests.push(s.futimes(handle, modTime));
    if (o.durability === 'file') requests.push(s.fsync(handle));
    requests.push(s.closeHandle(handle));
    return Promise.all(requests);
  }

  /** A body in memory goes out without a stream when its WRITEs fit in one window of requests in flight. */
  const whole = (body: Readable | Buffer): body is Buffer => Buffer.isBuffer(body) && body.length <= o.blockSize * o.inFlight;

  async function write(path: string, body: Readable | Buffer, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    const target = abs(path);
    // A staging name is already invisible: write it in place and spare a rename (the caller renames it).
    const inPlace = path.startsWith(`${STAGING_DIR}/`);
    const key: PartialKey = { host: o.host, port: o.port, target, size: meta.size, ...(meta.sha256 ? { sha256: meta.sha256 } : {}) };
    let lease: Lease | undefined;
    let temp = inPlace ? target : posix.join(posix.dirname(target), `.${randomUUID()}${TEMP_SUFFIX}`);
    let skip = 0;
    let confirmed = 0;
    let handle: Buffer | undefined;
    try {
      lease = await pool.lease();
      const s = lease.session;
      await mkdirs(s, posix.dirname(target));
      // A partial is kept only once resumeMinBytes arrived, so a smaller file never has one to look up.
      const partial = meta.size >= o.resumeMinBytes ? await partials.load(key, s) : undefined;
      if (partial) { ({ temp, offset: skip } = partial); ctx.log.info({ path, offset: skip }, 'sftp: resuming a partial upload'); }
      const opened = await s.open(temp, skip > 0 ? 'r+' : 'w');
      handle = opened;
      confirmed = skip;
      let lastSaved = skip;
      // Once the close is sent the handle is the server's to drop, whatever the reply: never close it twice.
      const end = () => { handle = undefined; return finish(s, opened, meta.modTime); };
      if (whole(body)) {
        checkWholeBody(path, body, meta, KIND);
        await writeWhole(body, (data, at) => s.write(opened, data, at), { blockSize: Math.min(o.blockSize, s.maxWrite), skip, ...(s.inOrder ? { tail: end } : {}) });
      } else await pipelineWrite(Buffer.isBuffer(body) ? Readable.from([body]) : body, (data, at) => s.write(opened, data, at), {
        blockSize: Math.min(o.blockSize, s.maxWrite), inFlight: o.inFlight, skip, size: meta.size, copies: s.copiesWrites,
        onConfirmed: (bytes) => {
          confirmed = bytes;
          // Saving every 64 MiB bounds both the state writes and what a crash makes us send again.
          if (bytes - lastSaved >= 64 * 1024 * 1024) { lastSaved = bytes; void partials.save(key, { temp, offset: bytes }); }
        },
        ...(s.inOrder ? { tail: end } : {}),
      }, signal);
      if (!s.inOrder) await end();
      if (temp !== target) { await s.rename(temp, target); named(s, target); }
      await partials.forget(key);
      return { path, size: meta.size, ...(meta.modTime ? { modTime: meta.modTime } : {}) };
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      const failure = toTransferError(err, `write ${path}`);
      const s = lease?.session;
      if (handle && s && !s.dead) await s.closeHandle(handle).catch(() => undefined);
      const keep = confirmed >= o.resumeMinBytes && failure.kind !== 'corrupted' && failure.kind !== 'invalid-input';
      if (keep) {
        await partials.save(key, { temp, offset: confirmed });
      } else {
        await partials.forget(key).catch(() => undefined);
        await pool.use((fresh) => fresh.unlink(temp)).catch(() => undefined);
      }
      throw failure;
    } finally {
      lease?.release();
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

  const rename = (from: string, to: string) => pool.use(async (s) => {
    try { await mkdirs(s, posix.dirname(abs(to))); await s.rename(abs(from), abs(to)); } catch (err) { throw toTransferError(err, `rename ${from} → ${to}`); }
    named(s, abs(to));
  });
  const copy = (from: string, to: string) => pool.use(async (s) => {
    const target = abs(to);
    // The link is made under a temp name and renamed over `to`, since hardlink@openssh.com refuses to replace.
    const temp = posix.join(posix.dirname(target), `.${randomUUID()}${TEMP_SUFFIX}`);
    try { await mkdirs(s, posix.dirname(target)); await s.hardlink(abs(from), temp); await s.rename(temp, target); } catch (err) {
      await s.unlink(temp).catch(() => undefined);
      throw toTransferError(err, `copy ${from} → ${to}`);
    }
  });

  const store: FileStore = {
    kind: KIND,
    /** Until the first connection the OpenSSH extensions are assumed; afterwards they are what the server announced. */
    get capabilities(): FileStoreCapabilities {
      const { extensions } = pool;
      return {
        atomicRename: extensions?.has(POSIX_RENAME) ?? true, atomicWrite: true, hashes: [],
        serverSideCopy: extensions?.has(HARDLINK) ?? true, read: true,
      };
    },
    stat: (path) => statFile(path),
    write,
    writeBytes: write,
    async read(path) {
      // The stream keeps its lease until it ends or is destroyed, so a long download has a connection to itself.
      const lease = await pool.lease();
      const s = lease.session;
      try {
        const handle = await s.open(abs(path), 'r');
        const { size } = await s.fstat(handle).catch(async (err: unknown) => { await s.closeHandle(handle).catch(() => undefined); throw err; });
        const stream = pipelinedRead(s, handle, size, { blockSize: o.blockSize, inFlight: o.inFlight });
        stream.once('close', lease.release);
        return stream;
      } catch (err) {
        lease.release();
        throw toTransferError(err, `read ${path}`);
      }
    },
    remove: (path) => pool.use(async (s) => {
      try { await s.unlink(abs(path)); } catch (err) { if (!isMissing(err)) throw toTransferError(err, `remove ${path}`); }
    }),
    async *list(prefix, signal) {
      const folder = parentOf(prefix.endsWith('/') ? `${prefix}x` : prefix);
      const lease = await pool.lease();
      try {
        yield* walk(lease.session, folder === '' ? posix.join(o.root, '.') : abs(folder), prefix, signal);
      } finally { lease.release(); }
    },
    async close() {
      await batched.close();
      await pool.close();
    },
  };
  // rename and copy exist exactly when the server announced the extension that makes them what the contract says.
  return Object.defineProperties(store, {
    rename: { get: () => (store.capabilities.atomicRename ? rename : undefined), enumerable: true },
    copy: { get: () => (store.capabilities.serverSideCopy ? copy : undefined), enumerable: true },
  });
}
