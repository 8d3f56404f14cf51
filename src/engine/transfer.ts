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
import { hashTap, wantsMd5 } from './hash-tap.ts';
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

async function attempt(action: CopyAction, deps: TransferDeps, signal: AbortSignal): Promise<StreamDigest> {
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
      deps.events({ type: 'file-start', path: action.path, size: action.resource.size });
      const digest = await attempt(action, counted, signal);
      await deps.catalog.recordPlacement({
        destinationId: deps.destination.id, sourceId: deps.source.id, assetId: action.asset.id, role: action.resource.role,
        path: action.path, size: digest.bytes, sha256: digest.sha256, fingerprint: action.fingerprint,
        version: action.asset.version, verifiedAt: new Date(),
      });
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
