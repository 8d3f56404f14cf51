/** @module Byte-level helpers for uploads: a length-checking pass-through and an exact-size reader that cuts parts. */
import { Transform, type Readable } from 'node:stream';
import { TransferError } from '../../core/transfer-error.ts';
import { releaseChunk } from '../../core/read-chunks.ts';

const EMPTY = Buffer.alloc(0);
const corrupted = (path: string, text: string) => new TransferError('corrupted', `${path}: ${text}`, { connector: 's3' });

/** The source's own TransferError passes through; anything else its stream throws is worth another try. */
export function sourceFailure(err: unknown, path: string): unknown {
  if (err instanceof TransferError || (err as Error | undefined)?.name === 'AbortError') return err;
  return new TransferError('transient', `${path}: reading the source failed: ${(err as Error).message}`, { connector: 's3', cause: err });
}

/** Passes bytes through and fails when the body is longer or shorter than declared. */
export class MeteredBody extends Transform {
  seen = 0;
  constructor(private readonly size: number, private readonly path: string) { super(); }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    if (this.seen > this.size) { done(corrupted(this.path, `body longer than the declared ${this.size} bytes`)); return; }
    done(null, chunk);
  }

  override _flush(done: (err?: Error | null) => void): void {
    done(this.seen === this.size ? null : corrupted(this.path, `body ended after ${this.seen} of ${this.size} bytes`));
  }
}

/**
 * Reads a stream in pieces of exactly the asked size (parts), failing when it holds more or fewer bytes than expected.
 * It copies every chunk into the part, so a chunk the source lent (core/read-chunks.ts) is given back once copied.
 */
export class PartReader {
  private readonly it: AsyncIterator<unknown>;
  private pending: Buffer = EMPTY;
  /** The chunk `pending` is the rest of, as the stream yielded it. */
  private current: unknown;
  private ended = false;
  constructor(body: Readable, private readonly path: string) { this.it = body[Symbol.asyncIterator](); }

  /** Exactly `n` bytes, into `into` (reused across parts) when given; a shorter body is TransferError('corrupted'). */
  async read(n: number, expectedTotal: number, readSoFar: number, into?: Buffer): Promise<Buffer> {
    const out = into && into.length >= n ? into.subarray(0, n) : Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.pending.length === 0) {
        const next = this.ended ? { done: true as const, value: undefined } : await this.next();
        if (next.done) {
          this.ended = true;
          throw corrupted(this.path, `body ended after ${readSoFar + filled} of ${expectedTotal} bytes`);
        }
        this.current = next.value;
        this.pending = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
      }
      const take = Math.min(n - filled, this.pending.length);
      this.pending.copy(out, filled, 0, take);
      this.pending = this.pending.subarray(take);
      filled += take;
      if (this.pending.length === 0) this.done();
    }
    return out;
  }

  /** Every byte of the current chunk is copied out: nobody reads it any more. */
  private done(): void {
    const chunk = this.current;
    this.current = undefined;
    this.pending = EMPTY;
    releaseChunk(chunk);
  }

  private async next(): Promise<IteratorResult<unknown>> {
    try { return await this.it.next(); } catch (err) { throw sourceFailure(err, this.path); }
  }

  /** Fails when bytes remain after the last part. */
  async expectEnd(expectedTotal: number): Promise<void> {
    while (this.pending.length === 0 && !this.ended) {
      const next = await this.next();
      if (next.done) this.ended = true;
      else this.pending = Buffer.from(next.value as Uint8Array);
    }
    if (this.pending.length > 0) throw corrupted(this.path, `body longer than the declared ${expectedTotal} bytes`);
  }

  /** Stops the underlying stream (on failure); the caller's body is consumed either way. */
  async close(): Promise<void> { await this.it.return?.(); }
}
