/** @module Streaming helpers for the writers: pseudo-random filler written in chunks, never held whole. */
import type { FileHandle } from 'node:fs/promises';
import { CHUNK, type ByteStream } from './prng.ts';

export async function writeRandom(fh: FileHandle, bytes: ByteStream, n: number): Promise<void> {
  for (let left = n; left > 0;) {
    const take = Math.min(left, CHUNK);
    await fh.write(bytes.take(take));
    left -= take;
  }
}

const SEGMENT_PAYLOAD = 65535 - 2;
const PAD_ID = Buffer.from('PFPAD\0');
const PAD_MARKER = 0xe9; // APP9: unassigned in practice, so readers (exiftool included) skip it silently

/**
 * `n` bytes (give or take the last few) of JPEG APP9 segments filled with random data. Segments rather
 * than data after EOI keep the file a clean JPEG for strict readers.
 */
export async function writeJpegPadding(fh: FileHandle, bytes: ByteStream, n: number): Promise<void> {
  const minSegment = 4 + PAD_ID.length;
  let left = n;
  while (left >= minSegment) {
    const parts: Buffer[] = [];
    let batch = 0;
    while (left >= minSegment && batch < CHUNK - 65536) {
      const total = Math.min(left, SEGMENT_PAYLOAD + 2);
      const header = Buffer.from([0xff, PAD_MARKER, 0, 0]);
      header.writeUInt16BE(total - 2, 2);
      parts.push(header, PAD_ID, bytes.take(total - 4 - PAD_ID.length));
      left -= total;
      batch += total;
    }
    await fh.write(Buffer.concat(parts));
  }
}
