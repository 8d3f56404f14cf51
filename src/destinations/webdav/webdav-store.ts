/** @module FileStore over WebDAV: cached MKCOL, streamed PUT to a hidden temp + MOVE, PROPFIND walks, COPY, and Nextcloud chunking. */
import { randomUUID } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { Checksum, ChecksumAlgorithm } from '../../core/asset.ts';
import type { ConnectorContext } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { checkWholeBody, type FileStore, type StoredFile, type WriteMeta } from '../file-store.ts';
import { checkStorePath, parentOf } from '../store-path.ts';
import { DavStatusError, createDavClient, type DavEntry } from './api/dav-client.ts';
import { KIND, toTransferError } from './errors.ts';
import { chunkedUpload, type NextcloudOptions } from './nextcloud-upload.ts';

const TEMP_SUFFIX = '.photoferry-tmp';
const HASH_NAMES: Record<string, ChecksumAlgorithm> = { SHA1: 'sha1', MD5: 'md5', SHA256: 'sha256' };

export interface WebdavStoreOptions {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly connections: number;
  /** The server's MOVE replaces the target by a rename (Apache mod_dav_fs, Nextcloud), so no reader sees a partial file. */
  readonly atomicMove: boolean;
  /** The server answers PROPFIND Depth: infinity (Apache refuses it by default). */
  readonly depthInfinity: boolean;
  /** Set when the server is Nextcloud/ownCloud: chunked uploads, OC-Checksum, X-OC-Mtime. */
  readonly nextcloud?: NextcloudOptions;
}

/** Temp files of ours and of mod_dav_fs (`.davfs.tmp*` while a PUT is in flight) are not library files. */
const isHidden = (name: string) => name.endsWith(TEMP_SUFFIX) || name.startsWith('.davfs.tmp');
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function hashesOf(checksums: string | undefined): Checksum[] {
  const out: Checksum[] = [];
  for (const item of checksums?.split(/\s+/) ?? []) {
    const [name = '', value = ''] = item.split(':');
    const algorithm = HASH_NAMES[name.toUpperCase()];
    if (algorithm && value) out.push({ algorithm, value: value.toLowerCase() });
  }
  return out;
}

const toStored = (e: DavEntry): StoredFile => {
  const hashes = hashesOf(e.checksums);
  return { path: e.path, size: e.size, ...(e.modTime ? { modTime: e.modTime } : {}), ...(hashes.length ? { hashes } : {}) };
};

export function createWebdavStore(o: WebdavStoreOptions, ctx: ConnectorContext): FileStore {
  const dav = createDavClient(o);
  const folders = new Map<string, Promise<void>>();
  const url = (path: string) => dav.urlOf(checkStorePath(path, KIND));
  const tempNear = (path: string) => { const dir = parentOf(path); return `${dir ? `${dir}/` : ''}.${randomUUID()}${TEMP_SUFFIX}`; };

  /** MKCOL of one collection URL: true when made or already there (405), false when its parent is missing (409). */
  async function mkcol(collection: string, signal: AbortSignal): Promise<boolean> {
    try {
      await (await dav.send('MKCOL', collection, { signal, ok: [201, 405] })).body.dump();
      return true;
    } catch (err) {
      if (err instanceof DavStatusError && err.status === 409) return false;
      throw err;
    }
  }

  /**
   * The store's own URL may not exist yet. Walk up until a level exists or is made, then create the rest downward.
   * It never goes above the first existing ancestor, so a server whose DAV tree starts below the host root
   * (Nextcloud's /remote.php/dav/files/<user>/) is not asked to create anything outside it.
   */
  async function ensureRoot(signal: AbortSignal): Promise<void> {
    const missing: string[] = [];
    let at = dav.urlOf('');
    while (!(await mkcol(at, signal))) {
      const up = new URL('..', at).href;
      if (up === at) throw new DavStatusError('MKCOL', at, 409);
      missing.push(at);
      at = up;
    }
    for (const collection of missing.reverse()) {
      if (!(await mkcol(collection, signal))) throw new DavStatusError('MKCOL', collection, 409);
    }
  }

  /** MKCOL each missing level once per store, the store's own URL included; 405 means it exists already. */
  function ensureFolder(dir: string, signal: AbortSignal): Promise<void> {
    let made = folders.get(dir);
    if (!made) {
      made = dir === '' ? ensureRoot(signal) : ensureFolder(parentOf(dir), signal).then(() =>
        dav.send('MKCOL', dav.urlOf(`${dir}/`), { signal, ok: [201, 405] }).then((res) => res.body.dump()));
      made.catch(() => folders.delete(dir));
      folders.set(dir, made);
    }
    return made;
  }

  async function move(from: string, to: string, signal: AbortSignal): Promise<void> {
    const res = await dav.send('MOVE', url(from), { signal, headers: { destination: url(to), overwrite: 'T' }, ok: [201, 204] });
    await res.body.dump();
  }

  /** Counts bytes on their way out; longer than declared fails at once, shorter is checked after the request. */
  function counted(body: Readable, size: number, path: string): { stream: Readable; seen: () => number } {
    let seen = 0;
    const stream = body.pipe(new Transform({
      transform(chunk: Buffer, _e, done) {
        seen += chunk.length;
        done(seen > size ? new TransferError('corrupted', `${path}: body longer than ${size} bytes`, { connector: KIND }) : null, chunk);
      },
    }));
    body.once('error', (err) => stream.destroy(err));
    return { stream, seen: () => seen };
  }

  /** A whole small body (a Buffer) is sent as it is, its length checked before; a stream is counted on its way. */
  async function put(path: string, body: Readable | Buffer, meta: WriteMeta, signal: AbortSignal): Promise<void> {
    const { stream, seen } = Buffer.isBuffer(body) ? { stream: body, seen: () => body.length } : counted(body, meta.size, path);
    const headers: Record<string, string> = { 'content-length': String(meta.size), 'content-type': meta.contentType ?? 'application/octet-stream' };
    if (o.nextcloud && meta.sha256) headers['oc-checksum'] = `SHA256:${meta.sha256}`;
    if (o.nextcloud && meta.modTime) headers['x-oc-mtime'] = String(Math.floor(meta.modTime.getTime() / 1000));
    try {
      const res = await dav.send('PUT', url(path), { signal, headers, body: stream, ok: [200, 201, 204] });
      await res.body.dump();
    } catch (err) {
      // A 409 means a folder we cached vanished (deleted by someone else): forget the cache so a retry recreates it.
      if (err instanceof DavStatusError && err.status === 409) folders.clear();
      throw err instanceof DavStatusError && err.status === 409
        ? new TransferError('transient', `write ${path}: a parent folder disappeared on the server; it is recreated on retry`, { connector: KIND, cause: err })
        : err;
    }
    if (seen() !== meta.size) throw new TransferError('corrupted', `${path}: body ended after ${seen()} of ${meta.size} bytes`, { connector: KIND });
  }

  async function write(path: string, body: Readable | Buffer, meta: WriteMeta, signal: AbortSignal): Promise<StoredFile> {
    checkStorePath(path, KIND);
    if (Buffer.isBuffer(body)) checkWholeBody(path, body, meta, KIND);
    let staged: string | undefined;
    try {
      await ensureFolder(parentOf(path), signal);
      if (o.nextcloud && meta.size >= o.nextcloud.chunkThreshold) {
        const stream = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        await chunkedUpload({ dav, nextcloud: o.nextcloud, state: ctx.state, log: ctx.log }, url(path), path, stream, meta, signal);
      } else if (o.nextcloud) {
        await put(path, body, meta, signal); // Nextcloud writes a .part file and renames it: already atomic.
      } else {
        staged = tempNear(path);
        await put(staged, body, meta, signal);
        await move(staged, path, signal);
        staged = undefined;
      }
      return { path, size: meta.size, ...(meta.modTime ? { modTime: meta.modTime } : {}) };
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      if (staged) await dav.send('DELETE', url(staged), { signal: AbortSignal.timeout(10_000), ok: [200, 204, 404] }).then((r) => r.body.dump()).catch(() => undefined);
      throw toTransferError(err, `write ${path}`);
    }
  }

  async function* walk(folder: string, prefix: string, signal: AbortSignal): AsyncGenerator<StoredFile> {
    const queue = [folder];
    const depth = o.depthInfinity ? 'infinity' : '1';
    while (queue.length > 0) {
      signal.throwIfAborted();
      const dir = queue.shift()!;
      const entries = await dav.propfind(dav.urlOf(dir === '' ? '' : `${dir}/`), depth, signal);
      for (const e of entries ?? []) {
        if (e.path === dir) continue;
        if (e.isDirectory) { if (!o.depthInfinity) queue.push(e.path); continue; }
        if (e.path.startsWith(prefix) && !isHidden(baseName(e.path))) yield toStored(e);
      }
    }
  }

  const store: FileStore = {
    kind: KIND,
    capabilities: { atomicRename: o.atomicMove, atomicWrite: o.atomicMove || o.nextcloud !== undefined, hashes: [], serverSideCopy: true, read: true },
    async stat(path, signal) {
      try {
        const entries = await dav.propfind(url(path), '0', signal);
        const file = entries?.find((e) => !e.isDirectory);
        return file ? { ...toStored(file), path } : null;
      } catch (err) { throw toTransferError(err, `stat ${path}`); }
    },
    write,
    // A small file's whole body in one PUT (then the MOVE), without a counting stream and pipe of its own.
    writeBytes: write,
    async copy(from, to, signal) {
      // COPY to a temp name, then MOVE: the copy may take a while on the server and must not show half-done.
      const temp = tempNear(to);
      try {
        await ensureFolder(parentOf(to), signal);
        await dav.send('COPY', url(from), { signal, headers: { destination: url(temp), overwrite: 'T', depth: '0' }, ok: [201, 204] }).then((r) => r.body.dump());
        await move(temp, to, signal);
      } catch (err) {
        await dav.send('DELETE', url(temp), { signal: AbortSignal.timeout(10_000), ok: [200, 204, 404] }).then((r) => r.body.dump()).catch(() => undefined);
        throw toTransferError(err, `copy ${from} → ${to}`);
      }
    },
    async read(path, signal) {
      try { return (await dav.send('GET', url(path), { signal, ok: [200] })).body; } catch (err) { throw toTransferError(err, `read ${path}`); }
    },
    async remove(path, signal) {
      try { await (await dav.send('DELETE', url(path), { signal, ok: [200, 204, 404] })).body.dump(); } catch (err) { throw toTransferError(err, `remove ${path}`); }
    },
    async *list(prefix, signal) {
      try { yield* walk(parentOf(prefix.endsWith('/') ? `${prefix}x` : prefix), prefix, signal); } catch (err) { throw toTransferError(err, `list ${prefix}`); }
    },
    close: () => dav.close(),
  };
  if (o.atomicMove) store.rename = async (from, to, signal) => {
    try { await ensureFolder(parentOf(to), signal); await move(from, to, signal); } catch (err) { throw toTransferError(err, `rename ${from} → ${to}`); }
  };
  return store;
}
