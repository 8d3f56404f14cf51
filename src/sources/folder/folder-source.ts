/** @module Folder source: an export folder (iCloud.com download, osxphotos, Photos export) read as a photo library. */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ExifTool } from 'exiftool-vendored';
import { resourceOf, type Asset, type Resource, type ResourceRole } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import { ChunkPool } from '../../core/read-chunks.ts';
import type { Logger } from '../../connectors/context.ts';
import type { Album, ChangePage, OpenOptions, Source } from '../source.ts';
import { CONNECTOR, throwIfCancelled, toTransferError } from './errors.ts';
import { walk, type FileEntry } from './walk.ts';
import { underRoot } from '../../core/under-root.ts';
import { extOf, groupFiles, type Group } from './group.ts';
import { toAsset } from './to-asset.ts';
import { readCaptureFast, type CaptureInfo } from './metadata.ts';
import { readWithExiftool } from './exiftool-batch.ts';

export interface FolderSourceOptions {
  readonly path: string;
  readonly foldersAsAlbums: boolean;
  readonly pageSize: number;
  /** Files whose metadata is read at once. */
  readonly concurrency: number;
}

const READ_CHUNK = 1 << 18;

/**
 * Read chunks reused across files, one pool per chunk size, keeping at most POOL_BYTES of free chunks (16 of
 * 256 KiB): a file in flight has about 6 out at once (the stream's buffers, the tap's, the writer's). A writer that
 * never gives chunks back (WebDAV, Immich: their HTTP clients tell nobody when the socket is done with a chunk)
 * just gets fresh ones, which the GC frees as before.
 */
const POOL_BYTES = 4 << 20;
const pools = new Map<number, ChunkPool>();
const poolOf = (size: number): ChunkPool => {
  let pool = pools.get(size);
  if (!pool) { pool = new ChunkPool(size, Math.min(64, Math.max(4, Math.floor(POOL_BYTES / size)))); pools.set(size, pool); }
  return pool;
};

export class FolderSource implements Source {
  readonly kind = CONNECTOR;
  readonly id: string;
  readonly capabilities;
  readonly #o: FolderSourceOptions;
  readonly #log: Logger;
  /** On-disk path of each resource seen in this process, since ids are NFC and names on disk may not be. */
  readonly #paths = new Map<string, string>();
  #exiftool: Promise<ExifTool> | undefined;

  constructor(options: FolderSourceOptions, log: Logger) {
    this.#o = options;
    this.#log = log;
    this.id = `folder:${options.path}`;
    this.capabilities = { changeFeed: false, albums: options.foldersAsAlbums } as const;
  }

  async connect(signal: AbortSignal): Promise<void> {
    throwIfCancelled(signal);
    const s = await stat(this.#o.path).catch((err: unknown) => {
      throw toTransferError(err, `folder source ${this.#o.path}`);
    });
    if (!s.isDirectory()) throw new TransferError('permanent', `folder source ${this.#o.path}: not a folder`, { connector: CONNECTOR });
    await readdir(this.#o.path).catch((err: unknown) => { throw toTransferError(err, `folder source ${this.#o.path}`); });
  }

  /** Always a full listing: a folder has no change feed, so `cursor` is ignored and pages carry `cursor: null`. */
  async *changes(_cursor: string | null, signal: AbortSignal): AsyncIterable<ChangePage> {
    const files = await walk(this.#o.path, signal);
    const groups = groupFiles(files).sort((a, b) => (a.primary.rel < b.primary.rel ? -1 : 1));
    const albums = this.#o.foldersAsAlbums ? albumsOf(groups) : undefined;
    this.#log.debug({ files: files.length, assets: groups.length }, 'folder listed');
    if (groups.length === 0) {
      yield { upserts: [], deletions: [], cursor: null, reset: true, done: true, ...(albums ? { albums } : {}) };
      return;
    }
    for (let start = 0; start < groups.length; start += this.#o.pageSize) {
      const page = groups.slice(start, start + this.#o.pageSize);
      const upserts = await this.#toAssets(page, signal);
      yield {
        upserts, deletions: [], cursor: null,
        reset: start === 0, done: start + this.#o.pageSize >= groups.length,
        ...(albums && start === 0 ? { albums } : {}),
      };
    }
  }

  /**
   * The page's assets: the fast readers run on `concurrency` files at a time, and the files they cannot parse go to
   * exiftool together once the page is read (readWithExiftool), never one request per file.
   */
  async #toAssets(groups: readonly Group<FileEntry>[], signal: AbortSignal): Promise<Asset[]> {
    const infos = new Array<CaptureInfo | null>(groups.length);
    const pathOf = (g: Group<FileEntry>) => underRoot(this.#o.path, g.primary.diskRel);
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        throwIfCancelled(signal);
        const i = next++;
        const p = groups[i]!.primary;
        infos[i] = await readCaptureFast(pathOf(groups[i]!), extOf(p.name), p.size);
      }
    };
    await Promise.all(Array.from({ length: this.#o.concurrency }, worker));
    const slow = groups.filter((_, i) => infos[i] === null).map(pathOf);
    const fromExiftool = slow.length > 0 ? await readWithExiftool(await this.#tool(), slow) : undefined;
    throwIfCancelled(signal);
    return groups.map((g, i) => {
      const asset = toAsset(g, this.#o, infos[i] ?? fromExiftool?.get(pathOf(g)) ?? {});
      for (const m of g.members) this.#paths.set(`${asset.id}\0${m.role}`, underRoot(this.#o.path, m.file.diskRel));
      return asset;
    });
  }

  #tool(): Promise<ExifTool> {
    // only formats the fast readers do not handle get here, so most runs never start (or even load) exiftool
    this.#exiftool ??= import('exiftool-vendored').then(({ ExifTool: Tool }) => new Tool({ maxProcs: 2 }));
    return this.#exiftool;
  }

  /** The resource and its path on disk. */
  async #locate(asset: Asset, role: ResourceRole, signal: AbortSignal): Promise<{ res: Resource; path: string }> {
    const res = resourceOf(asset, role);
    if (!res) throw new TransferError('not-found', `${asset.id} has no ${role} resource`, { connector: CONNECTOR });
    const path = this.#paths.get(`${asset.id}\0${role}`) ?? await this.#resolve(asset.id, res.filename);
    throwIfCancelled(signal);
    return { res, path };
  }

  /**
   * One buffer of the declared size + 1 (a file that grew shows as longer and fails verify), read with
   * synchronous calls: for a small file, three hops through libuv's thread pool cost more than the reads.
   * A read that asked for size + 1 bytes and stopped at exactly the declared size is at the end of the file, so no
   * second read is made to hear it say 0: that call was a third of a small file's source reads (10k per 10k files).
   */
  async readAll(asset: Asset, role: ResourceRole, signal: AbortSignal, into?: Buffer): Promise<Buffer> {
    const { res, path } = await this.#locate(asset, role, signal);
    let fd: number;
    try { fd = openSync(path, 'r'); } catch (err) { throw toTransferError(err, `opening ${asset.id} (${role})`); }
    try {
      const buf = into && into.length > res.size ? into.subarray(0, res.size + 1) : Buffer.allocUnsafe(res.size + 1);
      let filled = 0;
      while (filled < buf.length) {
        const bytesRead = readSync(fd, buf, filled, buf.length - filled, filled);
        filled += bytesRead;
        if (bytesRead === 0 || filled === res.size) break;
      }
      return buf.subarray(0, filled);
    } catch (err) {
      throw toTransferError(err, `reading ${asset.id} (${role})`);
    } finally {
      closeSync(fd);
    }
  }

  async localFile(asset: Asset, role: ResourceRole, signal: AbortSignal): Promise<string> {
    return (await this.#locate(asset, role, signal)).path;
  }

  async open(asset: Asset, role: ResourceRole, signal: AbortSignal, options: OpenOptions = {}): Promise<Readable> {
    const { res, path } = await this.#locate(asset, role, signal);
    const fh = await open(path, 'r').catch((err: unknown) => { throw toTransferError(err, `opening ${asset.id} (${role})`); });
    let position = options.offset ?? 0;
    const size = res.size;
    const chunk = options.chunkBytes ?? READ_CHUNK;
    const pool = poolOf(chunk);
    async function* chunks() {
      try {
        while (true) {
          throwIfCancelled(signal);
          // Sized to what is left (+1 to see the end) so a small file does not pin a whole chunk.
          const want = Math.min(chunk, Math.max(0, size - position) + 1);
          let read: Buffer;
          if (want === chunk) {
            // A whole chunk is lent from the pool; the writer that ends the pipeline may give it back (read-chunks.ts).
            read = await pool.read(async (buf) => (await fh.read(buf, 0, want, position)).bytesRead);
          } else {
            const buf = Buffer.allocUnsafeSlow(want);
            const { bytesRead } = await fh.read(buf, 0, want, position);
            read = bytesRead === want ? buf : buf.subarray(0, bytesRead);
          }
          if (read.length === 0) return;
          position += read.length;
          yield read;
        }
      } catch (err) {
        throw toTransferError(err, `reading ${asset.id} (${role})`);
      } finally {
        await fh.close();
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: 2 * chunk });
  }

  /** Finds the on-disk path of `dir-of(id)/filename` when this process has not listed it, matching names by NFC. */
  async #resolve(id: string, filename: string): Promise<string> {
    const segments = [...id.split('/').slice(0, -1), filename];
    let dir = this.#o.path;
    for (const seg of segments) {
      const direct = join(dir, seg);
      if (await stat(direct).then(() => true, () => false)) { dir = direct; continue; }
      const names = await readdir(dir).catch(() => [] as string[]);
      const match = names.find((n) => n.normalize('NFC') === seg);
      dir = join(dir, match ?? seg);
    }
    return dir;
  }

  async close(): Promise<void> {
    const tool = this.#exiftool;
    this.#exiftool = undefined;
    await (await tool)?.end();
  }
}

function albumsOf(groups: readonly Group<FileEntry>[]): Album[] {
  const dirs = [...new Set(groups.map((g) => g.primary.dir).filter((d) => d !== ''))].sort();
  return dirs.map((d) => ({ id: d, path: d.split('/'), kind: 'user' as const }));
}
