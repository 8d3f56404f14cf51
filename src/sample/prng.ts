/** @module Deterministic randomness for the sample library: a small PRNG for choices, AES-CTR for bulk bytes. */
import { createCipheriv, createHash } from 'node:crypto';

/** mulberry32: tiny, fast and good enough for picking names, sizes and dates. */
export class Rng {
  #state: number;
  constructor(seed: string | number) {
    this.#state = createHash('sha256').update(String(seed)).digest().readUInt32LE(0);
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

const ZEROS = Buffer.alloc(4 * 1024 * 1024);

/**
 * Pseudo-random bytes for file payloads. AES-128-CTR over zeros runs at GB/s in OpenSSL, where a JS
 * PRNG would make the generator CPU-bound; the key depends on the seed and the stream name only.
 */
export class ByteStream {
  readonly #cipher;
  constructor(seed: string | number, name: string) {
    const digest = createHash('sha256').update(`${seed}\0${name}`).digest();
    this.#cipher = createCipheriv('aes-128-ctr', digest.subarray(0, 16), digest.subarray(16, 32));
  }
  /** The next `n` bytes (at most 4 MiB per call). */
  take(n: number): Buffer {
    if (n > ZEROS.length) throw new RangeError(`ByteStream.take: ${n} > ${ZEROS.length}`);
    return this.#cipher.update(ZEROS.subarray(0, n));
  }
}

export const CHUNK = ZEROS.length;
