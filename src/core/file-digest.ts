/**
 * @module SHA-256 of a file on this machine, read back in large pieces through reused buffers: how a store that
 * copied a file with the kernel (local → local) proves what it now holds without the bytes ever streaming through
 * the engine.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Large enough that a 4 GB video costs 4k reads, small enough to stay in the CPU's cache while it is hashed. */
const PIECE_BYTES = 1 << 20;
/** A few files are read back at once; more than this many spare buffers would only pin memory. */
const SPARE_MAX = 4;
const spare: Buffer[] = [];

export interface FileDigest {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Reads `handle` from its start to its end and hashes every byte, after `prefix` when given (a header sent before the
 * file, counted in `bytes`); `onBytes` sees each piece of the file as it is hashed.
 */
export async function digestFile(
  handle: FileHandle, signal: AbortSignal, options: { readonly onBytes?: ((n: number) => void) | undefined; readonly prefix?: Buffer } = {},
): Promise<FileDigest> {
  const buf = spare.pop() ?? Buffer.allocUnsafeSlow(PIECE_BYTES);
  const hash = createHash('sha256');
  if (options.prefix) hash.update(options.prefix);
  let position = 0;
  try {
    for (;;) {
      signal.throwIfAborted();
      const { bytesRead } = await handle.read(buf, 0, PIECE_BYTES, position);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      position += bytesRead;
      options.onBytes?.(bytesRead);
    }
  } finally {
    // The hash has consumed every piece read into it, so the buffer is free whatever happened.
    if (spare.length < SPARE_MAX) spare.push(buf);
  }
  return { bytes: (options.prefix?.length ?? 0) + position, sha256: hash.digest('hex') };
}
