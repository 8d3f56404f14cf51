/** @module In-memory FileStore for engine tests and the conformance suite's reference run. */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore, FileStoreCapabilities, StoredFile } from '../file-store.ts';
import { checkStorePath } from '../store-path.ts';
import { Readable as NodeReadable } from 'node:stream';

const KIND = 'memory';

export interface MemoryStore extends FileStore {
  /** Direct view of the stored bytes, for assertions. */
  readonly files: Map<string, Buffer>;
}

export function createMemoryStore(capabilities: Partial<FileStoreCapabilities> = {}): MemoryStore {
  const files = new Map<string, Buffer>();
  const notFound = (path: string) => new TransferError('not-found', `${path}: not found`, { connector: KIND });
  const store: MemoryStore = {
    kind: KIND,
    files,
    capabilities: { atomicRename: true, atomicWrite: true, hashes: [], serverSideCopy: true, read: true, ...capabilities },
    async stat(path) {
      const data = files.get(checkStorePath(path, KIND));
      return data ? { path, size: data.length } : null;
    },
    async write(path, body: Readable, meta, signal) {
      checkStorePath(path, KIND);
      const chunks: Buffer[] = [];
      let seen = 0;
      const collect = new Transform({
        transform(chunk: Buffer, _e, done) {
          seen += chunk.length;
          chunks.push(chunk);
          done(seen > meta.size ? new TransferError('corrupted', `${path}: body too long`, { connector: KIND }) : null);
        },
      });
      try {
        await pipeline(body, collect, { signal });
      } catch (err) {
        throw err instanceof TransferError ? err : new TransferError('transient', `${path}: ${String(err)}`, { connector: KIND, cause: err });
      }
      if (seen !== meta.size) throw new TransferError('corrupted', `${path}: got ${seen} of ${meta.size} bytes`, { connector: KIND });
      files.set(path, Buffer.concat(chunks));
      return { path, size: seen } satisfies StoredFile;
    },
    async rename(from, to) {
      const data = files.get(checkStorePath(from, KIND));
      if (!data) throw notFound(from);
      files.delete(from);
      files.set(checkStorePath(to, KIND), data);
    },
    async copy(from, to) {
      const data = files.get(checkStorePath(from, KIND));
      if (!data) throw notFound(from);
      files.set(checkStorePath(to, KIND), data);
    },
    async read(path) {
      const data = files.get(checkStorePath(path, KIND));
      if (!data) throw notFound(path);
      return NodeReadable.from([data]);
    },
    async remove(path) { files.delete(checkStorePath(path, KIND)); },
    async *list(prefix) {
      for (const [path, data] of [...files]) if (path.startsWith(prefix)) yield { path, size: data.length };
    },
    async close() {},
  };
  return store;
}
