/** @module Executes derived actions (convert, sidecar, album entry) with retries, recording each as a placement. */
import { createReadStream } from 'node:fs';
import type { ExifTool } from 'exiftool-vendored';
import type { AssetId } from '../../core/asset.ts';
import type { Outcome } from '../../core/outcome.ts';
import { trimOldest } from '../../core/trim-oldest.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Destination, Placement, StreamDigest } from '../../destinations/destination.ts';
import type { Source } from '../../sources/source.ts';
import type { EventSink } from '../events.ts';
import { DEFAULT_RETRY, asTransferError, isFatal, retryDelay, sleep, type RetryPolicy } from '../retry.ts';
import { convertHeic } from './convert.ts';
import { metadataOf, renderJsonSidecar } from './metadata.ts';
import { putBytes } from './put-bytes.ts';
import { giveBack, takeBuffer } from '../small-buffers.ts';
import { baseRoleOf, pathsOf, type DerivedAction, type LinkAction } from './types.ts';
import { renderXmp } from './xmp.ts';
import { endStage, startStage, timeStage } from '../../core/stages.ts';

export interface DerivedDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly catalog: Catalog;
  readonly events: EventSink;
  readonly retry?: RetryPolicy;
  readonly onBytes: (n: number) => void;
}

export interface DerivedRunner {
  /** Tells the runner the actions it is about to be given (a settled step's): album entries look their files up together. */
  prepare(actions: readonly DerivedAction[]): void;
  /** Always ends in an Outcome; fatal errors (auth, quota, cancel) are rethrown. */
  run(action: DerivedAction, signal: AbortSignal): Promise<Outcome>;
  close(): Promise<void>;
}

/** Assets whose placements the album-entry lookups keep (a few steps' worth). */
const KNOWN_ASSETS = 4096;

export function createDerivedRunner(deps: DerivedDeps): DerivedRunner {
  let exiftool: ExifTool | undefined;
  /**
   * The placements of the assets whose album entries are about to be linked, read from the catalog once their
   * step's copies have settled (`prepare`): one read for a whole step. (A snapshot of every placement taken at the
   * first link held the whole destination in memory and missed the files later steps copied: their entries failed as
   * not recorded.)
   */
  const known = new Map<AssetId, Promise<ReadonlyMap<string, readonly Placement[]>>>();
  const prepare = (actions: readonly DerivedAction[]) => {
    const ids = [...new Set(actions.filter((a) => a.type === 'link').map((a) => a.asset.id))].filter((id) => !known.has(id));
    if (ids.length === 0) return;
    // Older steps' assets make room before these come in: a step's own are all kept, however many it has.
    trimOldest(known, KNOWN_ASSETS);
    const read = deps.catalog.placementsFor(deps.destination.id, deps.source.id, ids).then((all) => {
      const byAsset = new Map<string, Placement[]>();
      for (const p of all) { const list = byAsset.get(p.assetId); if (list) list.push(p); else byAsset.set(p.assetId, [p]); }
      return byAsset;
    });
    // A failed read is met by the links that wait on it (and read again when retried), never left unhandled.
    read.catch(() => { for (const id of ids) known.delete(id); });
    for (const id of ids) known.set(id, read);
  };
  const placementAt = async (action: LinkAction): Promise<Placement | undefined> => {
    if (!known.has(action.asset.id)) prepare([action]);
    const byAsset = await known.get(action.asset.id)!;
    return byAsset.get(action.asset.id)?.find((p) => p.path === action.from);
  };

  async function attempt(action: DerivedAction, onBytes: (n: number) => void, signal: AbortSignal): Promise<{ size: number; sha256: string }> {
    const role = baseRoleOf(action.role);
    switch (action.type) {
      case 'sidecar': {
        const rendering = startStage();
        const meta = metadataOf(action.asset, pathsOf(action.files));
        const text = action.format === 'xmp' ? renderXmp(meta, action.subject) : renderJsonSidecar(action.asset, meta);
        const buffer = takeBuffer(Buffer.byteLength(text));
        const data = buffer.subarray(0, buffer.write(text));
        endStage('sidecar-render', rendering);
        const contentType = action.format === 'xmp' ? 'application/rdf+xml' : 'application/json';
        const d = await timeStage('sidecar-write', () => putBytes(deps.destination, { asset: action.asset, role, path: action.path, body: data, size: data.length, contentType }, onBytes, signal));
        giveBack(buffer);
        return { size: d.bytes, sha256: d.sha256 };
      }
      case 'convert': {
        const meta = metadataOf(action.asset, new Map());
        const { ExifTool: Tool } = await import('exiftool-vendored'); // loaded by the first conversion, not by every run
        const converted = await convertHeic(action, meta, { source: deps.source, exiftool: () => (exiftool ??= new Tool()) }, signal);
        try {
          const d: StreamDigest = await putBytes(deps.destination, {
            asset: action.asset, role, path: action.path, body: createReadStream(converted.file), size: converted.size, contentType: 'image/jpeg',
          }, onBytes, signal);
          return { size: d.bytes, sha256: d.sha256 };
        } finally {
          await converted.dispose();
        }
      }
      case 'link': return link(action, signal);
    }
  }

  async function link(action: LinkAction, signal: AbortSignal): Promise<{ size: number; sha256: string }> {
    if (!deps.destination.copy) throw new TransferError('unsupported', `${deps.destination.kind} cannot copy server-side`, { connector: 'engine' });
    const from = await placementAt(action);
    if (!from) throw new TransferError('not-found', `${action.from}: not recorded at the destination`, { connector: 'engine' });
    await deps.destination.copy(action.from, action.path, signal);
    const stored = await deps.destination.stat(action.path, signal);
    if (!stored || stored.size !== from.size) {
      throw new TransferError('corrupted', `${action.path}: server-side copy holds ${stored?.size ?? 'nothing'}, expected ${from.size} bytes`, { connector: 'engine' });
    }
    return { size: from.size, sha256: from.sha256 };
  }

  return {
    prepare,
    async run(action, signal) {
      const policy = deps.retry ?? DEFAULT_RETRY;
      const base = { assetId: action.asset.id, role: baseRoleOf(action.role), path: action.path } as const;
      for (let tries = 1; ; tries++) {
        let sent = 0;
        try {
          const done = await attempt(action, (n) => { sent += n; deps.onBytes(n); }, signal);
          await deps.catalog.recordPlacement({
            destinationId: deps.destination.id, sourceId: deps.source.id, assetId: action.asset.id, role: action.role,
            path: action.path, size: done.size, sha256: done.sha256, fingerprint: action.fingerprint,
            version: action.asset.version, verifiedAt: new Date(),
          });
          if (action.type === 'link' && action.replaces && action.replaces !== action.path) await deps.destination.remove(action.replaces, signal);
          // a server-side copy sends nothing, yet the file it makes is counted like any other (verify sees its size)
          return { ...base, status: 'done', code: 'copied', bytes: done.size };
        } catch (raw) {
          deps.onBytes(-sent);
          const err = signal.aborted ? new TransferError('cancelled', 'cancelled', { connector: 'engine', cause: raw }) : asTransferError(raw);
          if (isFatal(err)) throw err;
          const delay = retryDelay(err, tries, policy);
          if (delay === null) return { ...base, status: 'failed', code: 'failed', bytes: 0, errorKind: err.kind, message: err.message };
          deps.events({ type: 'retry', path: action.path, attempt: tries, delayMs: Math.round(delay), reason: err.message });
          await sleep(delay, signal);
        }
      }
    },
    async close() {
      await exiftool?.end();
    },
  };
}
