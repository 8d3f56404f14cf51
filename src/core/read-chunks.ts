/**
 * @module Reusable read chunks. A source that reads a large file into a fresh 256 KiB buffer per read leaves
 * every chunk, once written, as garbage that only a GC frees; V8 lets tens of MB of such dead buffers wait
 * (the copy's own RSS grew by that much). A source may instead lend chunks from a `ChunkPool`, and the last
 * holder of a chunk (the destination's writer, when it knows the bytes are written or copied away) hands it
 * back with `releaseChunk`, so the next read reuses the same memory.
 *
 * The contract, which keeps every byte safe:
 * - Only the exact Buffer object a source yielded can be released, and only once: a view cut from it
 *   (`subarray`, a gate's slices) releases nothing, and a second release of the same object is a no-op, so a
 *   stale reference can never give back a buffer lent again since.
 * - Release only what nobody will read again: not the hash tap (it copies or hashes before passing a chunk on),
 *   not any stage that passes the chunk on, only the end of the pipeline, after its write completed (local
 *   disk) or after the bytes were copied into its own buffers (S3 parts, SFTP packets).
 * - A chunk never released is simply garbage, as before: forgetting to release costs memory, never data.
 *   On failure paths writers do not release (a failed request may still read).
 */

/**
 * Lent chunk → its pool. Keyed by the yielded object itself, see the contract above. The value must not reach the
 * chunk's memory: a WeakMap keeps its values until a full GC, which would hold every chunk never given back.
 */
const lent = new WeakMap<object, ChunkPool>();

/**
 * For tests (and PHOTOFERRY_POISON_CHUNKS=1 for a whole run): released memory is overwritten at once, so a reader
 * that was still using it sends garbage, which a comparison of the stored bytes then shows.
 */
let poison = process.env['PHOTOFERRY_POISON_CHUNKS'] === '1';
export function poisonReleasedChunks(on: boolean): void { poison = on; }

export class ChunkPool {
  readonly #free: ArrayBuffer[] = [];
  /**
   * @param size bytes of each chunk.
   * @param keep most free chunks kept for reuse; more in flight at once are allocated and left to the GC.
   */
  constructor(readonly size: number, private readonly keep: number) {}

  /**
   * `fill(buf)` reads into a chunk of `size` bytes and returns how many it read; the result is a new view of
   * those bytes, lent: `releaseChunk(view)` returns the memory. Nothing read (0 bytes): the chunk goes straight back.
   */
  async read(fill: (buf: Buffer) => Promise<number>): Promise<Buffer> {
    const spare = this.#free.pop();
    const buf = spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(this.size);
    let n: number;
    try {
      n = await fill(buf);
    } catch (err) {
      this.give(buf.buffer);
      throw err;
    }
    // Always a fresh object, even for a full chunk: the release key must differ on every lending.
    const view = buf.subarray(0, n);
    if (n === 0) this.give(buf.buffer);
    else lent.set(view, this);
    return view;
  }

  /** Free chunks held for reuse (tests). */
  get spare(): number { return this.#free.length; }

  /** Takes back a chunk's memory (only releaseChunk and read call this). */
  give(memory: ArrayBufferLike): void {
    // A chunk of another size or kind (never made here) is not kept.
    if (!(memory instanceof ArrayBuffer) || memory.byteLength !== this.size) return;
    if (poison) new Uint8Array(memory).fill(0xa5);
    if (this.#free.length < this.keep) this.#free.push(memory);
  }
}

/**
 * Hands a chunk a source lent back to its pool: call it only as the chunk's last reader (see the module's contract).
 * Anything else (a chunk not lent, a view of one, one already released) is ignored.
 */
export function releaseChunk(chunk: unknown): void {
  if (typeof chunk !== 'object' || chunk === null) return;
  const pool = lent.get(chunk);
  if (!pool) return;
  lent.delete(chunk);
  pool.give((chunk as Buffer).buffer);
}

/** Whether `chunk` is a lent chunk not yet released (tests). */
export const isLent = (chunk: object): boolean => lent.has(chunk);
