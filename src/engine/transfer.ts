/** @module One copy: open the source → hash tap → destination put (staged, verified, made visible) → record. */
import { pipeline } from 'node:stream';
import type { Outcome, RunId } from '../core/outcome.ts';
import { TransferError } from '../core/transfer-error.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Destination, StreamDigest } from '../destinations/destination.ts';
import type { StoredFile } from '../destinations/file-store.ts';
import type { Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';
import type { CopyAction } from './plan.ts';
import { digestBytes, hashTap, wantsMd5 } from './hash-tap.ts';
import { endStage, startStage } from '../core/stages.ts';
import { giveBack, takeBuffer } from './small-buffers.ts';
import type { RunGate } from './gate.ts';
import { DEFAULT_RETRY, asTransferError, isFatal, retryDelay, sleep, type RetryPolicy } from './retry.ts';

export interface TransferDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly catalog: Catalog;
  readonly runId: RunId;
  readonly events: EventSink;
  readonly retry?: RetryPolicy;
  /** Counts bytes as they stream (progress). */
  readonly onBytes: (n: number) => void;
  /** Bandwidth limit and pause of the run, shared by every file in flight. */
  readonly gate?: RunGate;
}

/** Compares what the destination says it stored with what streamed through the tap and what the source declared. */
export function verifyStored(action: CopyAction, stored: StoredFile, digest: StreamDigest): StreamDigest {
  const bad = (why: string) => new TransferError('corrupted', `${action.path}: ${why}`, { connector: 'engine' });
  if (digest.bytes !== action.resource.size) throw bad(`source sent ${digest.bytes} bytes, expected ${action.resource.size}`);
  // A source that vouches for a SHA-256 (an archive's manifest) is held to it: a restore never spreads a corrupted backup.
  const vouched = action.resource.checksum;
  if (vouched?.algorithm === 'sha256' && vouched.value.toLowerCase() !== digest.sha256) throw bad('source bytes do not match the SHA-256 the source recorded');
  if (stored.size !== digest.bytes) throw bad(`destination holds ${stored.size} bytes, sent ${digest.bytes}`);
  checkStoredHashes(stored, digest, bad);
  return digest;
}

/** Throws `bad(...)` when a hash the destination reports for what it stored differs from the one streamed. */
export function checkStoredHashes(stored: StoredFile, digest: StreamDigest, bad: (why: string) => Error): void {
  for (const h of stored.hashes ?? []) {
    const ours = h.algorithm === 'sha256' ? digest.sha256 : h.algorithm === 'md5' ? digest.md5 : undefined;
    if (ours !== undefined && ours !== h.value.toLowerCase()) throw bad(`${h.algorithm} mismatch after upload`);
  }
}

/**
 * Files up to this size are read whole into memory, hashed in one call and written in one call: for a 30 KB photo
 * the streams, hash tap and pipeline of the general path cost more than the bytes. The run keeps many of them in
 * flight (run.ts), so this also bounds the memory they hold.
 */
export const SMALL_FILE_BYTES = 1 << 20;

/** The whole body of a source resource: the source's own one-call read when it has one, else its stream collected. */
async function readWhole(action: CopyAction, source: Source, signal: AbortSignal, into: Buffer): Promise<Buffer> {
  if (source.readAll) return source.readAll(action.asset, action.resource.role, signal, into);
  const chunks: Buffer[] = [];
  for await (const chunk of await source.open(action.asset, action.resource.role, signal)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function attemptSmall(action: CopyAction, deps: TransferDeps, signal: AbortSignal): Promise<StreamDigest> {
  let started = startStage();
  const buffer = takeBuffer(action.resource.size);
  const bytes = await readWhole(action, deps.source, signal, buffer).catch((err: unknown) => { throw asTransferError(err); });
  endStage('source-read', started);
  // The run's bandwidth limit and pause hold for whole-file writes too: the body is let through in one piece.
  if (deps.gate !== undefined) await deps.gate.take(bytes.length, signal);
  started = startStage();
  const digest = digestBytes(bytes, wantsMd5(deps.destination.capabilities, bytes.length));
  endStage('hash', started);
  deps.onBytes(bytes.length);
  let verified: StreamDigest | undefined;
  await deps.destination.put({
    asset: action.asset, resource: action.resource, path: action.path, body: bytes,
    verify: async (stored) => (verified = verifyStored(action, stored, digest)),
  }, signal);
  // Reused only after a put that succeeded: a failed one may have left a request behind that still reads it.
  giveBack(buffer);
  if (!verified) throw new TransferError('permanent', `${deps.destination.kind} did not verify ${action.path}`, { connector: 'engine' });
  return verified;
}

/** The SHA-256 a store read back from what it stored (FileStore.copyIn), as the digest of the copy. */
function readBackDigest(action: CopyAction, stored: StoredFile): StreamDigest {
  const sha256 = stored.hashes?.find((h) => h.algorithm === 'sha256')?.value;
  if (sha256 === undefined) throw new TransferError('permanent', `${action.path}: the store reported no SHA-256 for its copy`, { connector: 'engine' });
  return { bytes: stored.size, sha256: sha256.toLowerCase() };
}

/**
 * A file on this machine to a store on a local file system: the kernel copies it (copy_file_range, a reflink where
 * the file system has them) and the store hashes what it wrote. Against read + write through the engine's streams
 * that spares two thread-pool hops and a copy through user memory per 256 KB, and the recorded SHA-256 is that of
 * the bytes at the destination. A bandwidth limit needs the bytes metered, so then the stream path is taken.
 */
async function attemptLocalCopy(action: CopyAction, deps: TransferDeps, signal: AbortSignal, from: string): Promise<StreamDigest> {
  // Holds the file while the run is paused; the copy itself is one call.
  if (deps.gate !== undefined) await deps.gate.take(0, signal);
  let verified: StreamDigest | undefined;
  await deps.destination.putLocal!({
    asset: action.asset, resource: action.resource, path: action.path, localPath: from, onBytes: deps.onBytes,
    verify: async (stored) => (verified = verifyStored(action, stored, readBackDigest(action, stored))),
  }, signal);
  if (!verified) throw new TransferError('permanent', `${deps.destination.kind} did not verify ${action.path}`, { connector: 'engine' });
  return verified;
}

const kernelCopyable = (deps: TransferDeps): boolean =>
  deps.source.localFile !== undefined && deps.destination.putLocal !== undefined && (deps.gate?.bytesPerSecond ?? null) === null;

async function attempt(action: CopyAction, deps: TransferDeps, signal: AbortSignal): Promise<StreamDigest> {
  if (action.resource.size <= SMALL_FILE_BYTES) return attemptSmall(action, deps, signal);
  if (kernelCopyable(deps)) {
    const from = await deps.source.localFile!(action.asset, action.resource.role, signal).catch((err: unknown) => { throw asTransferError(err); });
    return attemptLocalCopy(action, deps, signal, from);
  }
  const body = await deps.source.open(action.asset, action.resource.role, signal);
  const tap = hashTap({ md5: wantsMd5(deps.destination.capabilities, action.resource.size), size: action.resource.size, onBytes: deps.onBytes });
  let sourceError: unknown;
  const piped = deps.gate === undefined
    ? pipeline(body, tap.stream, (err) => { if (err) sourceError = err; })
    : pipeline(body, deps.gate.stream(signal), tap.stream, (err) => { if (err) sourceError = err; });
  let digest: StreamDigest | undefined;
  try {
    await deps.destination.put({
      asset: action.asset, resource: action.resource, path: action.path, body: piped,
      verify: async (stored) => (digest = verifyStored(action, stored, await tap.digest())),
    }, signal);
  } catch (err) {
    body.destroy();
    // A source failure surfaces at the destination as a broken body; report the source's own error.
    throw asTransferError(sourceError ?? err);
  }
  if (!digest) throw new TransferError('permanent', `${deps.destination.kind} did not verify ${action.path}`, { connector: 'engine' });
  return digest;
}

/** Copies one resource with retries by error kind; always ends in an Outcome (fatal errors are rethrown). */
export async function transfer(action: CopyAction, deps: TransferDeps, signal: AbortSignal): Promise<Outcome> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  const base = { assetId: action.asset.id, role: action.resource.role, path: action.path } as const;
  let sentThisFile = 0;
  const counted: TransferDeps = { ...deps, onBytes: (n) => { sentThisFile += n; deps.onBytes(n); } };
  for (let tries = 1; ; tries++) {
    try {
      let started = startStage();
      deps.events({ type: 'file-start', path: action.path, size: action.resource.size });
      endStage('events', started);
      const digest = await attempt(action, counted, signal);
      started = startStage();
      await deps.catalog.recordPlacement({
        destinationId: deps.destination.id, sourceId: deps.source.id, assetId: action.asset.id, role: action.resource.role,
        path: action.path, size: digest.bytes, sha256: digest.sha256, fingerprint: action.fingerprint,
        version: action.asset.version, verifiedAt: new Date(),
      });
      endStage('catalog-record', started);
      return { ...base, status: 'done', code: 'copied', bytes: digest.bytes };
    } catch (raw) {
      const err = signal.aborted ? new TransferError('cancelled', 'cancelled', { connector: 'engine', cause: raw }) : asTransferError(raw);
      deps.onBytes(-sentThisFile);
      sentThisFile = 0;
      if (isFatal(err)) throw err;
      const delay = retryDelay(err, tries, policy);
      if (delay === null) {
        return { ...base, status: 'failed', code: 'failed', bytes: 0, errorKind: err.kind, message: err.message };
      }
      deps.events({ type: 'retry', path: action.path, attempt: tries, delayMs: Math.round(delay), reason: err.message });
      await sleep(delay, signal);
    }
  }
}
