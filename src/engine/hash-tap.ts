/** @module A pass-through stream that hashes and counts the bytes flowing to a destination. */
import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { StreamDigest } from '../destinations/destination.ts';

export interface HashTap {
  readonly stream: Transform;
  /** Digest of every byte that has passed through so far (final once the stream has ended). */
  digest(): StreamDigest;
}

export function hashTap(options: { md5: boolean; onBytes?: (n: number) => void }): HashTap {
  const sha256 = createHash('sha256');
  const md5: Hash | undefined = options.md5 ? createHash('md5') : undefined;
  let bytes = 0;
  let result: StreamDigest | undefined;
  const stream = new Transform({
    highWaterMark: 1 << 18,
    transform(chunk: Buffer, _enc, done) {
      sha256.update(chunk);
      md5?.update(chunk);
      bytes += chunk.length;
      options.onBytes?.(chunk.length);
      done(null, chunk);
    },
    flush(done) {
      result = { bytes, sha256: sha256.digest('hex'), ...(md5 ? { md5: md5.digest('hex') } : {}) };
      done();
    },
  });
  return {
    stream,
    digest() {
      // A store may finish (S3 PUT of exactly `size` bytes) before the source's end reaches our flush; every
      // byte it could have stored has passed through transform() by then, so the running hash is the answer.
      return result ?? { bytes, sha256: sha256.copy().digest('hex'), ...(md5 ? { md5: md5.copy().digest('hex') } : {}) };
    },
  };
}
