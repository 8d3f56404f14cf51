/** @module Archive source: a photoferry backup (any destination with a library manifest) read back as a library, for restores. */
import type { Readable } from 'node:stream';
import type { Asset, ResourceRole } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { ChangePage, Source } from '../source.ts';
import { CONNECTOR } from './errors.ts';
import { parseManifest, type ArchiveLibrary } from './manifest.ts';

export const MANIFEST = 'photoferry-manifest.jsonl';

/** Read access to the archive: a local folder, or any destination that can stream files back. */
export interface ArchiveReader {
  read(path: string, signal: AbortSignal): Promise<Readable>;
  close(): Promise<void>;
}

const PAGE = 500;

export class ArchiveSource implements Source {
  readonly kind = CONNECTOR;
  readonly capabilities = { changeFeed: false, albums: true } as const;
  #library: ArchiveLibrary | undefined;

  constructor(readonly id: string, private readonly reader: ArchiveReader) {}

  async connect(signal: AbortSignal): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.reader.read(MANIFEST, signal)) chunks.push(chunk as Buffer);
    this.#library = parseManifest(Buffer.concat(chunks).toString('utf8'));
  }

  /** Always the whole manifest; the catalog marks what a newer manifest no longer lists as deleted. */
  async *changes(_cursor: string | null, signal: AbortSignal): AsyncIterable<ChangePage> {
    const lib = this.#library;
    if (!lib) throw new TransferError('permanent', 'archive source used before connect()', { connector: CONNECTOR });
    for (let start = 0; start === 0 || start < lib.assets.length; start += PAGE) {
      signal.throwIfAborted();
      yield {
        upserts: lib.assets.slice(start, start + PAGE), deletions: [], cursor: null,
        reset: start === 0, done: start + PAGE >= lib.assets.length, ...(start === 0 ? { albums: lib.albums } : {}),
      };
    }
  }

  async open(asset: Asset, role: ResourceRole, signal: AbortSignal): Promise<Readable> {
    const path = this.#library?.paths.get(`${asset.id}\u0000${role}`);
    if (!path) throw new TransferError('not-found', `${asset.filename}: the archive has no ${role}`, { connector: CONNECTOR });
    return this.reader.read(path, signal);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
