/**
 * @module Whole-body buffers for small files and sidecars, reused by power-of-two size class. A fresh buffer per file
 * is a malloc'd backing store freed only when V8 collects it: 10k small-file reads fragmented the heap by tens of
 * MB of RSS, and 10k rendered sidecars (2 KB each, cut from Node's shared 8 KB pool slabs) raised a copy's peak by
 * 10–25 MiB while they waited for a collection.
 */

const spare = new Map<number, Buffer[]>();
const SPARE_PER_CLASS = 64;
/** At least size + 1 bytes: a whole-file read asks for one byte more than it expects, to see a file that grew. */
const classOf = (size: number) => Math.max(1 << 14, 2 ** Math.ceil(Math.log2(size + 1)));

/** A buffer of at least `size` + 1 bytes, spare or new. */
export const takeBuffer = (size: number): Buffer => spare.get(classOf(size))?.pop() ?? Buffer.allocUnsafeSlow(classOf(size));

/** Hands back a buffer from takeBuffer once nothing reads it: after a put that succeeded, not a failed one. */
export function giveBack(buf: Buffer): void {
  const list = spare.get(buf.length) ?? [];
  if (list.length < SPARE_PER_CLASS) list.push(buf);
  spare.set(buf.length, list);
}

/**
 * Lets the spare buffers go once a run's copies are over: several MB (61 of 64 KiB after 10k small files) that
 * the manifests written next, when a copy peaks, would otherwise hold for nothing.
 */
export function releaseSmallBuffers(): void {
  spare.clear();
}
