/**
 * @module One worker thread that hashes streams for the main thread. SHA-256 and MD5 are the largest CPU cost of
 * a copy on one core (≈1.5 s per 4 GB of SHA-256 alone, more with MD5); on a second core they overlap with the
 * reads, writes and protocol work the main thread has to do anyway.
 */
import { Worker } from 'node:worker_threads';

/**
 * The worker is plain CommonJS given as source text: it runs the same under the esbuild bundle and under tsx
 * (which does not register itself in workers), and needs nothing but node:crypto.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'start') { streams.set(m.id, { sha256: createHash('sha256'), md5: m.md5 ? createHash('md5') : null }); return; }
  const s = streams.get(m.id);
  if (!s) return;
  if (m.op === 'data') {
    const bytes = new Uint8Array(m.buf, m.offset, m.length);
    s.sha256.update(bytes);
    if (s.md5) s.md5.update(bytes);
    parentPort.postMessage({ id: m.id, acked: bytes.length });
  } else if (m.op === 'end') {
    streams.delete(m.id);
    parentPort.postMessage({ id: m.id, sha256: s.sha256.digest('hex'), md5: s.md5 ? s.md5.digest('hex') : undefined });
  } else if (m.op === 'drop') {
    streams.delete(m.id);
  }
});
`;

export interface WorkerDigest {
  readonly sha256: string;
  readonly md5?: string;
}

/** One stream being hashed in the worker. */
export interface WorkerHash {
  /** Copies `chunk` to the worker; resolves at once unless more than the allowed bytes are still unhashed. */
  update(chunk: Buffer): Promise<void> | undefined;
  digest(): Promise<WorkerDigest>;
  /** Forgets the stream (the copy failed); safe to call twice. */
  drop(): void;
}

interface Pending {
  unacked: number;
  waiter?: () => void;
  result?: (digest: WorkerDigest) => void;
  fail: (err: Error) => void;
}

/** Bytes a stream may have in the worker's queue before its producer waits: bounds memory if the worker falls behind. */
const MAX_UNACKED = 4 * 1024 * 1024;

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true, name: 'photoferry-hash' });
  // Referenced only while a stream waits on it, so an idle worker never keeps the process alive.
  w.unref();
  w.on('message', (m: { id: number; acked?: number; sha256?: string; md5?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.acked !== undefined) {
      p.unacked -= m.acked;
      if (p.waiter && p.unacked <= MAX_UNACKED) { const wake = p.waiter; delete p.waiter; wake(); }
      return;
    }
    forget(m.id);
    p.result?.({ sha256: m.sha256!, ...(m.md5 ? { md5: m.md5 } : {}) });
  });
  const die = (err: Error) => {
    worker = undefined;
    for (const p of pending.values()) p.fail(err);
    pending.clear();
  };
  w.on('error', die);
  w.on('exit', (code) => die(new Error(`hash worker exited with code ${code}`)));
  worker = w;
  return w;
}

function forget(id: number): boolean {
  const had = pending.delete(id);
  if (had && pending.size === 0) worker?.unref();
  return had;
}

export function startWorkerHash(md5: boolean): WorkerHash {
  const w = ensureWorker();
  const id = nextId++;
  let failure: Error | undefined;
  const p: Pending = { unacked: 0, fail: (err) => { failure = err; p.waiter?.(); } };
  if (pending.size === 0) w.ref();
  pending.set(id, p);
  w.postMessage({ op: 'start', id, md5 });
  return {
    update(chunk) {
      if (failure) throw failure;
      p.unacked += chunk.length;
      if (chunk.buffer instanceof SharedArrayBuffer) {
        // Shared memory (the folder source reads into it): the worker reads these very bytes, no copy.
        w.postMessage({ op: 'data', id, buf: chunk.buffer, offset: chunk.byteOffset, length: chunk.length });
      } else {
        // A copy the worker owns, since the chunk itself flows on to the destination.
        const copy = new Uint8Array(chunk);
        w.postMessage({ op: 'data', id, buf: copy.buffer, offset: 0, length: copy.length }, [copy.buffer]);
      }
      if (p.unacked <= MAX_UNACKED) return undefined;
      return new Promise<void>((resolve) => { p.waiter = resolve; }).then(() => { if (failure) throw failure; });
    },
    digest() {
      if (failure) return Promise.reject(failure);
      return new Promise<WorkerDigest>((resolve, reject) => {
        p.result = resolve;
        p.fail = reject;
        w.postMessage({ op: 'end', id });
      });
    },
    drop() {
      if (!forget(id)) return;
      w.postMessage({ op: 'drop', id });
    },
  };
}
