/** @module Part buffers shared by a store's multipart uploads (a fixed budget, reused part after part) and their MD5s, hashed off the main thread. */
import { createHash } from 'node:crypto';
import { digestOfShared } from '../../core/hash-worker.ts';

export interface PartPool {
  /** A buffer of at least `size` bytes; waits while every buffer of the budget is out. */
  take(size: number, signal: AbortSignal): Promise<Buffer>;
  /** Returns a buffer nobody reads any more. */
  give(buf: Buffer): void;
  /** Frees the budget of a buffer a failed request may still be reading; it is never handed out again. */
  forget(buf: Buffer): void;
  /** MD5 of `buf` (a view of a pool buffer), computed in a worker thread unless it is small. */
  md5(buf: Buffer): Promise<Buffer>;
  close(): Promise<void>;
}

const INLINE_MD5 = 256 * 1024;

/**
 * Every part of every upload passes through one of at most `max` buffers. A fresh buffer per part made
 * each part a long-lived external allocation, which drives V8 into full mark-compacts (measured: a third
 * of the CPU of a large upload), and with several big files at once the parts alone held 4 × 4 × part size.
 * The buffers are SharedArrayBuffers so the hashing worker reads them without a copy. The MD5 (Content-MD5,
 * ~800 MB/s) is the one full pass over a part's bytes the upload itself needs; in the worker it overlaps
 * with the main thread's own work (the engine's hash tap, HTTP). Buffers live as long as the store: the
 * worker's handle on a SharedArrayBuffer keeps its memory until that thread collects garbage, which it
 * rarely does, so a pool that dropped and re-made buffers would grow (only a part size larger than all
 * free buffers, or a failed request, drops one).
 */
export function createPartPool(max: number, slotSize: number): PartPool {
  const free: Buffer[] = [];
  const waiting: (() => void)[] = [];
  let out = 0;
  const wake = () => waiting.shift()?.();

  let broken = false;

  return {
    async take(size, signal) {
      for (;;) {
        signal.throwIfAborted();
        const fit = free.findIndex((b) => b.length >= size);
        if (fit >= 0) { out++; return free.splice(fit, 1)[0]!; }
        // Over budget only by buffers of the wrong size (a file with bigger parts): drop one for a new one.
        if (out + free.length >= max && free.length > 0) free.pop();
        // Every buffer has room for the usual part: a buffer per size would be re-made all the time.
        if (out + free.length < max) { out++; return Buffer.from(new SharedArrayBuffer(Math.max(size, slotSize))); }
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => { waiting.splice(waiting.indexOf(go), 1); reject(signal.reason); };
          const go = () => { signal.removeEventListener('abort', onAbort); resolve(); };
          waiting.push(go);
          signal.addEventListener('abort', onAbort, { once: true });
        });
      }
    },

    give(buf) {
      out--;
      free.push(Buffer.from(buf.buffer as SharedArrayBuffer));
      wake();
    },

    forget() {
      out--;
      wake();
    },

    async md5(buf) {
      // A small part (a file's last) costs less to hash here than a round trip to the worker.
      if (buf.length < INLINE_MD5 || broken || !(buf.buffer instanceof SharedArrayBuffer)) return createHash('md5').update(buf).digest();
      return digestOfShared('md5', buf as Buffer & { buffer: SharedArrayBuffer }).catch(() => {
        // Hash on the main thread from now on; this part gets its answer that way too.
        broken = true;
        return createHash('md5').update(buf).digest();
      });
    },

    async close() {
      free.length = 0;
    },
  };
}
