/** @module A pass-through stream that hashes and counts the bytes flowing to a destination. */
import { createHash, hash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { DestinationCapabilities, StreamDigest } from '../destinations/destination.ts';
import { hashWorkerRunning, startWorkerHash, type WorkerHash } from '../core/hash-worker.ts';

export interface HashTap {
  readonly stream: Transform;
  /** Digest of every byte that passed through; resolves once the stream has ended, rejects if it failed first. */
  digest(): Promise<StreamDigest>;
}

export interface HashTapOptions {
  readonly md5: boolean;
  /** The declared size: files this large are hashed in the worker thread. */
  readonly size: number;
  /**
   * `by-size` (the default): a body of OFFLOAD_MIN_BYTES or more goes to the worker, which starts if it must.
   * `if-running`: only when the worker already runs. For a run's manifests, written once at its end: a worker
   * starting for a 6.5 MB manifest left the main thread idle ~100 ms, the time of hashing 150 MB here.
   */
  readonly offload?: 'by-size' | 'if-running';
  readonly onBytes?: (n: number) => void;
}

/** Below this, handing chunks to the worker costs more than hashing them here. */
export const OFFLOAD_MIN_BYTES = 4 * 1024 * 1024;

/** Hashes on this thread. */
function localHasher(md5: boolean) {
  const sha256 = createHash('sha256');
  const md5Hash: Hash | undefined = md5 ? createHash('md5') : undefined;
  return {
    update(chunk: Buffer) { sha256.update(chunk); md5Hash?.update(chunk); },
    final: () => ({ sha256: sha256.digest('hex'), ...(md5Hash ? { md5: md5Hash.digest('hex') } : {}) }),
    /** A store may finish (S3 PUT of exactly `size` bytes) before the source's end reaches flush: the running hash is the answer then. */
    running: () => ({ sha256: sha256.copy().digest('hex'), ...(md5Hash ? { md5: md5Hash.copy().digest('hex') } : {}) }),
  };
}

export function hashTap(options: HashTapOptions): HashTap {
  let bytes = 0;
  let result: StreamDigest | undefined;
  let failed: Error | undefined;
  const waiting: { resolve: (d: StreamDigest) => void; reject: (e: Error) => void }[] = [];
  const settle = () => {
    for (const w of waiting.splice(0)) if (result) w.resolve(result); else w.reject(failed ?? new Error('hash tap ended without a digest'));
  };
  const count = (chunk: Buffer) => { bytes += chunk.length; options.onBytes?.(chunk.length); };

  const offloading = options.size >= OFFLOAD_MIN_BYTES && (options.offload !== 'if-running' || hashWorkerRunning());
  const offload: WorkerHash | undefined = offloading ? startWorkerHash(options.md5) : undefined;
  const local = offload ? undefined : localHasher(options.md5);

  const stream = new Transform({
    highWaterMark: 1 << 18,
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      count(chunk);
      if (local) { local.update(chunk); done(null, chunk); return; }
      let wait: Promise<void> | undefined;
      try { wait = offload!.update(chunk); } catch (err) { done(err as Error); return; }
      if (!wait) done(null, chunk);
      else wait.then(() => done(null, chunk), (err: Error) => done(err));
    },
    flush(done: TransformCallback) {
      if (local) { result = { bytes, ...local.final() }; settle(); done(); return; }
      offload!.digest().then((d) => { result = { bytes, ...d }; settle(); done(); }, (err: Error) => { failed = err; settle(); done(err); });
    },
    destroy(err, done) {
      offload?.drop();
      if (!result) { failed = err ?? new Error('hash tap closed before the end of the body'); settle(); }
      done(err);
    },
  });
  return {
    stream,
    digest() {
      if (result) return Promise.resolve(result);
      if (local) return Promise.resolve({ bytes, ...local.running() });
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

/** Whether to compute an MD5 for a file of `size` bytes: only when the destination will report one to compare with. */
export const wantsMd5 = (caps: Pick<DestinationCapabilities, 'hashes' | 'hashesUpTo'>, size: number): boolean =>
  caps.hashes.includes('md5') && size <= (caps.hashesUpTo ?? Infinity);

/** The digest of a body held whole in memory (a small file): one-shot hashes, no stream. */
export const digestBytes = (bytes: Buffer, md5: boolean): StreamDigest => ({
  bytes: bytes.length, sha256: hash('sha256', bytes, 'hex'), ...(md5 ? { md5: hash('md5', bytes, 'hex') } : {}),
});
