/**
 * @module One worker thread that hashes for the main thread (the engine's streams, the S3 store's part MD5s). SHA-256 and MD5 are the largest CPU cost of
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
  if (m.op === 'once') {
    parentPort.postMessage({ id: m.id, once: createHash(m.algorithm).update(new Uint8Array(m.sab, m.offset, m.length)).digest() });
    return;
  }
  if (m.op === 'start') { streams.set(m.id, { ring: m.ring, sha256: createHash('sha256'), md5: m.md5 ? createHash('md5') : null }); return; }
  const s = streams.get(m.id);
  if (!s) return;
  if (m.op === 'data') {
    const bytes = new Uint8Array(s.ring, m.offset, m.length);
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
  /** The worker took one more piece off the stream's ring. */
  acked: () => void;
  waiter?: () => void;
  result?: (digest: WorkerDigest) => void;
  fail: (err: Error) => void;
}

/**
 * Each stream hands its bytes over through a ring of shared memory: one copy per byte (≈10 GB/s), a fixed
 * budget per stream however far the worker falls behind, and no garbage. (Posting each chunk instead, or reading
 * into shared memory at the source, left V8 unaware of hundreds of MB of buffers waiting to be freed.)
 */
const RING_BYTES = 4 * 1024 * 1024;
const PIECE_BYTES = 256 * 1024;
const spareRings: SharedArrayBuffer[] = [];

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();
const onceWaiting = new Map<number, { resolve: (digest: Buffer) => void; reject: (err: Error) => void }>();

/** The worker keeps the process alive only while someone waits on it. */
function refresh(): void {
  if (pending.size + onceWaiting.size === 0) worker?.unref();
  else worker?.ref();
}

function ensureWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true, name: 'photoferry-hash' });
  // Referenced only while a stream waits on it, so an idle worker never keeps the process alive.
  w.unref();
  w.on('message', (m: { id: number; acked?: number; sha256?: string; md5?: string; once?: Uint8Array }) => {
    if (m.once) {
      onceWaiting.get(m.id)?.resolve(Buffer.from(m.once.buffer, m.once.byteOffset, m.once.length));
      onceWaiting.delete(m.id);
      refresh();
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    if (m.acked !== undefined) {
      p.acked();
      if (p.waiter) { const wake = p.waiter; delete p.waiter; wake(); }
      return;
    }
    forget(m.id);
    p.result?.({ sha256: m.sha256!, ...(m.md5 ? { md5: m.md5 } : {}) });
  });
  const die = (err: Error) => {
    worker = undefined;
    for (const p of pending.values()) p.fail(err);
    for (const o of onceWaiting.values()) o.reject(err);
    pending.clear();
    onceWaiting.clear();
  };
  w.on('error', die);
  w.on('exit', (code) => die(new Error(`hash worker exited with code ${code}`)));
  worker = w;
  return w;
}

function forget(id: number): boolean {
  const had = pending.delete(id);
  refresh();
  return had;
}

/** Whether the worker has been started (and has not died): a caller that only wants it when it is already there asks. */
export const hashWorkerRunning = (): boolean => worker !== undefined;

/** One digest of bytes in shared memory (an S3 part buffer), computed in the worker without a copy. */
export function digestOfShared(algorithm: 'md5' | 'sha256', bytes: Uint8Array & { buffer: SharedArrayBuffer }): Promise<Buffer> {
  const w = ensureWorker();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    onceWaiting.set(id, { resolve, reject });
    refresh();
    w.postMessage({ op: 'once', id, algorithm, sab: bytes.buffer, offset: bytes.byteOffset, length: bytes.length });
  });
}

export function startWorkerHash(md5: boolean): WorkerHash {
  const w = ensureWorker();
  const id = nextId++;
  let failure: Error | undefined;
  const ring = spareRings.pop() ?? new SharedArrayBuffer(RING_BYTES);
  // The ring holds [oldest unhashed piece, head) circularly; `held` records each piece's share (with any tail
  // skipped to keep it contiguous), freed in order as the worker acknowledges pieces.
  let head = 0;
  let used = 0;
  const held: number[] = [];
  const p: Pending = {
    acked: () => { used -= held.shift() ?? 0; if (used === 0) head = 0; },
    fail: (err) => { failure = err; p.waiter?.(); },
  };
  pending.set(id, p);
  refresh();
  w.postMessage({ op: 'start', id, md5, ring });

  const skipOf = (len: number) => (head + len > RING_BYTES ? RING_BYTES - head : 0);
  const fits = (len: number) => used + skipOf(len) + len <= RING_BYTES;
  const put = (piece: Uint8Array) => {
    const skip = skipOf(piece.length);
    const at = head + piece.length > RING_BYTES ? 0 : head;
    new Uint8Array(ring, at, piece.length).set(piece);
    head = at + piece.length;
    used += skip + piece.length;
    held.push(skip + piece.length);
    w.postMessage({ op: 'data', id, offset: at, length: piece.length });
  };
  const ackWait = () => new Promise<void>((resolve) => { p.waiter = resolve; });
  return {
    update(chunk) {
      if (failure) throw failure;
      if (chunk.length <= PIECE_BYTES && fits(chunk.length)) { put(chunk); return undefined; }
      return (async () => {
        for (let off = 0; off < chunk.length; off += PIECE_BYTES) {
          const piece = chunk.subarray(off, off + PIECE_BYTES);
          while (!fits(piece.length)) {
            await ackWait();
            if (failure) throw failure;
          }
          put(piece);
        }
      })();
    },
    digest() {
      if (failure) return Promise.reject(failure);
      return new Promise<WorkerDigest>((resolve, reject) => {
        // Every piece is hashed once the result arrives, so the ring can serve the next stream.
        p.result = (d) => { if (spareRings.length < 8) spareRings.push(ring); resolve(d); };
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
