/** @module Stores derived bytes of known size through the same hash tap and verify as a copied resource. */
import { pipeline } from 'node:stream';
import type { Asset, ResourceRole } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { Body, Destination, StreamDigest } from '../../destinations/destination.ts';
import type { StoredFile } from '../../destinations/file-store.ts';
import { digestBytes, hashTap, wantsMd5 } from '../hash-tap.ts';
import { checkStoredHashes } from '../transfer.ts';

export interface DerivedBytes {
  /** The asset the bytes belong to, or null for a library file (manifests). */
  readonly asset: Asset | null;
  readonly role: ResourceRole;
  readonly path: string;
  readonly body: Body;
  readonly size: number;
  readonly contentType: string;
}

function check(path: string, size: number, stored: StoredFile, digest: StreamDigest): StreamDigest {
  const bad = (why: string) => new TransferError('corrupted', `${path}: ${why}`, { connector: 'engine' });
  if (digest.bytes !== size) throw bad(`made ${size} bytes but ${digest.bytes} streamed`);
  if (stored.size !== size) throw bad(`destination holds ${stored.size} bytes, sent ${size}`);
  checkStoredHashes(stored, digest, bad);
  return digest;
}

/** Puts `item` staged and verified; returns the digest of what is now visible at `item.path`. */
export async function putBytes(destination: Destination, item: DerivedBytes, onBytes: (n: number) => void, signal: AbortSignal): Promise<StreamDigest> {
  const md5 = wantsMd5(destination.capabilities, item.size);
  let body: Body;
  let streamed: () => Promise<StreamDigest>;
  if (Buffer.isBuffer(item.body)) {
    // Already in memory (a sidecar): hashed in one call and written in one, no stream.
    const whole = digestBytes(item.body, md5);
    onBytes(whole.bytes);
    body = item.body;
    streamed = () => Promise.resolve(whole);
  } else {
    // Derived bodies (manifests, conversions) are made here, mostly once per run: the worker only if it already runs.
    const tap = hashTap({ md5, size: item.size, onBytes, offload: 'if-running' });
    body = pipeline(item.body, tap.stream, () => undefined);
    streamed = () => tap.digest();
  }
  let digest: StreamDigest | undefined;
  const verify = async (stored: StoredFile) => (digest = check(item.path, item.size, stored, await streamed()));
  try {
    if (item.asset) {
      const resource = { role: item.role, filename: item.path.slice(item.path.lastIndexOf('/') + 1), size: item.size, contentType: item.contentType };
      await destination.put({ asset: item.asset, resource, path: item.path, body, verify }, signal);
    } else {
      if (!destination.writeFile) throw new TransferError('unsupported', `${destination.kind} holds no library files`, { connector: 'engine' });
      await destination.writeFile({ path: item.path, body, size: item.size, contentType: item.contentType, verify }, signal);
    }
  } catch (err) {
    if (!Buffer.isBuffer(item.body)) item.body.destroy();
    throw err;
  }
  if (!digest) throw new TransferError('permanent', `${destination.kind} did not verify ${item.path}`, { connector: 'engine' });
  return digest;
}
