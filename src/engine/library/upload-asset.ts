/** @module One asset to a library destination: its parts through hash taps, one service upload per still, placements with remote ids. */
import { pipeline } from 'node:stream';
import type { Asset, Resource } from '../../core/asset.ts';
import type { Outcome, RunId } from '../../core/outcome.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Placement, StreamDigest } from '../../destinations/destination.ts';
import type { LibraryDestination, UploadPart, UploadedPart } from '../../destinations/library-destination.ts';
import type { Source } from '../../sources/source.ts';
import type { EventSink } from '../events.ts';
import type { CopyAction } from '../plan.ts';
import { hashTap } from '../hash-tap.ts';
import { metadataOf } from '../derived/metadata.ts';
import { renderXmp } from '../derived/xmp.ts';
import type { ConnectorState } from '../../connectors/context.ts';

export interface LibraryTransferDeps {
  readonly source: Source;
  readonly destination: LibraryDestination;
  readonly catalog: Catalog;
  readonly runId: RunId;
  readonly events: EventSink;
  readonly onBytes: (n: number) => void;
  /** SHA-1s of bodies streamed before the service answered, so a run killed meanwhile finds them by checksum. */
  readonly journal: ConnectorState;
}

/** What the journal keeps for a streamed part (written before the service answers). */
export interface JournalEntry { readonly sha1: string; readonly sha256: string; readonly bytes: number }
export const journalKey = (action: CopyAction): string => `${action.asset.id}/${action.resource.role}/${action.fingerprint}`;

/** A part whose bytes flow through the engine's tap; `digest()` once the connector has read it all. */
function tappedPart(action: CopyAction, deps: LibraryTransferDeps, counted: (n: number) => void): UploadPart & { digest(): Promise<StreamDigest> } {
  let digest: Promise<StreamDigest> | undefined;
  return {
    resource: action.resource,
    async open(signal) {
      // The source's usual 256 KiB reads. 64 KiB reads were once used here so that GCs came sooner, when V8 let ~70 MB
      // of dead read buffers wait; the launcher's young-buffer scavenge (bin/photoferry.js) does that now:
      // 2 GiB to the Immich fake peaked at 152–157 MB with 256 KiB reads, 149–151 MB with 64 KiB, and took 19% less CPU.
      const body = await deps.source.open(action.asset, action.resource.role, signal);
      const tap = hashTap({ md5: false, size: action.resource.size, onBytes: counted });
      digest = tap.digest();
      digest.catch(() => undefined);
      return pipeline(body, tap.stream, () => undefined);
    },
    onHashed(sha1) {
      void digest?.then((d) => deps.journal.set(journalKey(action), { sha1, sha256: d.sha256, bytes: d.bytes } satisfies JournalEntry)).catch(() => undefined);
    },
    digest: () => digest ?? Promise.reject(new TransferError('permanent', `${action.path}: never opened`, { connector: 'engine' })),
  };
}

export function placementOf(deps: LibraryTransferDeps, action: CopyAction, sent: UploadedPart, sha256: string): Placement {
  return {
    destinationId: deps.destination.id, sourceId: deps.source.id, assetId: action.asset.id, role: action.resource.role,
    path: action.path, size: sent.bytes, sha256, fingerprint: action.fingerprint, version: action.asset.version,
    verifiedAt: new Date(), remoteId: sent.remoteId, remoteChecksum: sent.sha1,
  };
}

/**
 * Uploads the stills of one asset (the original carrying its Live Photo video) and records each as it lands.
 * `liveVideoRemoteId`: the video already on the service when only the still is re-sent.
 */
export async function uploadAsset(
  asset: Asset, actions: readonly CopyAction[], deps: LibraryTransferDeps, liveVideoRemoteId: string | undefined, signal: AbortSignal,
): Promise<Outcome[]> {
  const pairing = deps.destination.capabilities.livePairing;
  const video = pairing ? actions.find((a) => a.resource.role === 'live-video' && actions.some((o) => o.resource.role === 'original')) : undefined;
  const outcomes: Outcome[] = [];
  for (const action of actions) {
    if (action === video) continue;
    let sent = 0;
    const counted = (n: number) => { sent += n; deps.onBytes(n); };
    const part = tappedPart(action, deps, counted);
    const videoPart = action.resource.role === 'original' && video ? tappedPart(video, deps, counted) : undefined;
    deps.events({ type: 'file-start', path: action.path, size: action.resource.size + (videoPart ? video!.resource.size : 0) });
    const sidecar = action.resource.role === 'original' && deps.destination.capabilities.sidecar
      ? renderXmp(metadataOf(asset, new Map<Resource['role'], string>(actions.map((a) => [a.resource.role, a.resource.filename]))), 'original')
      : undefined;
    try {
      const result = await deps.destination.upload({
        asset, part,
        ...(videoPart ? { liveVideo: videoPart } : {}),
        ...(!videoPart && action.resource.role === 'original' && liveVideoRemoteId ? { liveVideoRemoteId } : {}),
        ...(sidecar ? { sidecar } : {}),
      }, signal);
      if (videoPart && result.liveVideo) {
        const d = await videoPart.digest();
        await deps.catalog.recordPlacement(placementOf(deps, video!, result.liveVideo, d.sha256));
        outcomes.push({ assetId: asset.id, role: 'live-video', path: video!.path, status: 'done', code: 'copied', bytes: d.bytes });
      }
      const d = await part.digest();
      await deps.catalog.recordPlacement(placementOf(deps, action, result.still, d.sha256));
      outcomes.push({ assetId: asset.id, role: action.resource.role, path: action.path, status: 'done', code: 'copied', bytes: d.bytes });
    } catch (err) {
      deps.onBytes(-sent);
      throw err;
    }
  }
  return outcomes;
}
