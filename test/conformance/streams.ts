/** @module Deterministic byte streams for tests: any size without holding it in memory. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** Pseudo-random bytes from a seed (xorshift), produced in 64 KiB chunks. */
export function patternStream(size: number, seed = 1, options: { failAfter?: number; chunk?: number } = {}): Readable {
  let state = (seed * 2654435761) >>> 0 || 1;
  let sent = 0;
  const chunkSize = options.chunk ?? 65536;
  return new Readable({
    read() {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        this.destroy(new Error('source broke mid-stream (test)'));
        return;
      }
      if (sent >= size) { this.push(null); return; }
      const n = Math.min(chunkSize, size - sent, options.failAfter !== undefined ? Math.max(1, options.failAfter - sent) : Infinity);
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
        buf[i] = state & 0xff;
      }
      sent += n;
      this.push(buf);
    },
  });
}

export async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) { hash.update(chunk as Buffer); size += (chunk as Buffer).length; }
  return { sha256: hash.digest('hex'), size };
}

export const bufferStream = (data: Buffer | string): Readable => Readable.from([Buffer.from(data)]);
