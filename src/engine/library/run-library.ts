/**
 * @module Executes a library Plan: per batch of assets, a checksum look-up for bodies a killed run already streamed,
 * then uploads with bounded concurrency and retries, then album renames and membership changes (no bytes).
 */
import type { AssetId } from '../../core/asset.ts';
import type { Outcome, RunId } from '../../core/outcome.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { LibraryDestination } from '../../destinations/library-destination.ts';
import type { Source } from '../../sources/source.ts';
import type { EventSink } from '../events.ts';
import type { CopyAction, Plan } from '../plan.ts';
import { DEFAULT_RETRY, asTransferError, isFatal, retryDelay, sleep, type RetryPolicy } from '../retry.ts';
import { closeRun, type RunResult } from '../run.ts';
import { CountsBuilder } from '../../core/counts.ts';
import { journalKey, placementOf, uploadAsset, type JournalEntry, type LibraryTransferDeps } from './upload-asset.ts';
import { applyAlbums } from './apply-albums.ts';
import { copyPhaseHeapGrowth } from '../../core/heap-growth.ts';

export interface LibraryRunDeps {
  readonly source: Source;
  readonly destination: LibraryDestination;
  readonly catalog: Catalog;
  readonly events: EventSink;
  readonly concurrency: number;
  readonly retry?: RetryPolicy;
  /** Assets per checksum look-up (Immich bulk-upload-check). */
  readonly batchSize?: number;
}

const groupByAsset = (copies: readonly CopyAction[]) => {
  const out = new Map<AssetId, CopyAction[]>();
  for (const c of copies) {
    let list = out.get(c.asset.id);
    if (!list) out.set(c.asset.id, list = []);
    list.push(c);
  }
  return [...out.values()];
};

export async function executeLibraryPlan(runId: RunId, planned: Plan, deps: LibraryRunDeps, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  copyPhaseHeapGrowth();
  const inner = new AbortController();
  const stop = () => inner.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const files = { copied: 0, present: planned.present, removed: 0, failed: 0, filtered: planned.filtered };
  let bytesDone = 0;
  let filesDone = 0;
  let fatal: TransferError | undefined;
  const policy = deps.retry ?? DEFAULT_RETRY;
  const journal = deps.catalog.state(`library-journal:${deps.destination.id}`);
  const transferDeps: LibraryTransferDeps = { ...deps, runId, journal, onBytes: (n) => { bytesDone += n; } };

  const counts = new CountsBuilder();
  const finish = async (outcome: Outcome) => {
    await deps.catalog.recordOutcome(runId, outcome);
    if (outcome.status === 'done' && outcome.code === 'copied') counts.addFile('original', outcome.assetId, outcome.bytes);
    if (outcome.status === 'failed') files.failed += 1;
    else if (outcome.code === 'copied') files.copied += 1;
    else files.present += 1;
    filesDone += 1;
    deps.events({ type: 'file-done', outcome });
    deps.events({ type: 'progress', bytesDone, filesDone });
  };

  const placements = new Map((await deps.catalog.placements(deps.destination.id, deps.source.id)).map((p) => [`${p.assetId}/${p.role}`, p]));
  /** Bodies a killed run streamed: the service may hold them though nothing was recorded. */
  const recover = async (batch: readonly CopyAction[]): Promise<Set<CopyAction>> => {
    const known = new Map<string, { action: CopyAction; entry: JournalEntry }>();
    for (const action of batch) {
      const entry = await journal.get<JournalEntry>(journalKey(action));
      if (entry) known.set(entry.sha1, { action, entry });
    }
    const done = new Set<CopyAction>();
    if (known.size === 0) return done;
    const found = await deps.destination.findByChecksum([...known.keys()], inner.signal);
    for (const [sha1, remoteId] of found) {
      const { action, entry } = known.get(sha1)!;
      await deps.catalog.recordPlacement(placementOf(transferDeps, action, { remoteId, sha1, bytes: entry.bytes, duplicate: true }, entry.sha256));
      await finish({ assetId: action.asset.id, role: action.resource.role, path: action.path, status: 'done', code: 'already-present', bytes: 0 });
      done.add(action);
    }
    return done;
  };

  const uploadWithRetries = async (actions: CopyAction[]) => {
    const asset = actions[0]!.asset;
    for (let tries = 1; ; tries++) {
      try {
        const video = placements.get(`${asset.id}/live-video`)?.remoteId;
        for (const outcome of await uploadAsset(asset, actions, transferDeps, video, inner.signal)) await finish(outcome);
        return;
      } catch (raw) {
        const err = inner.signal.aborted ? new TransferError('cancelled', 'cancelled', { connector: 'engine', cause: raw }) : asTransferError(raw);
        if (isFatal(err)) throw err;
        const delay = retryDelay(err, tries, policy);
        if (delay === null) {
          for (const a of actions) await finish({ assetId: asset.id, role: a.resource.role, path: a.path, status: 'failed', code: 'failed', bytes: 0, errorKind: err.kind, message: err.message });
          return;
        }
        deps.events({ type: 'retry', path: actions[0]!.path, attempt: tries, delayMs: Math.round(delay), reason: err.message });
        await sleep(delay, inner.signal);
      }
    }
  };

  const groups = groupByAsset(planned.copies);
  const batchSize = deps.batchSize ?? 100;
  const bulk = groups.length > 0 ? deps.destination.bulk : undefined;
  const notify = (messages: string[]) => { for (const message of messages) deps.events({ type: 'notice', message, show: true }); };
  try {
    if (bulk) notify(await bulk.begin(inner.signal));
    for (let i = 0; i < groups.length && !inner.signal.aborted; i += batchSize) {
      const batch = groups.slice(i, i + batchSize);
      const recovered = await recover(batch.flat());
      const todo = batch.map((g) => g.filter((a) => !recovered.has(a))).filter((g) => g.length > 0);
      let next = 0;
      await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, async () => {
        while (!inner.signal.aborted && next < todo.length) {
          try {
            await uploadWithRetries(todo[next++]!);
          } catch (err) {
            fatal ??= asTransferError(err);
            inner.abort(fatal);
          }
        }
      }));
    }
    if (!inner.signal.aborted && planned.albums && planned.albums.length > 0) {
      await applyAlbums(planned.albums, deps, inner.signal);
    }
  } catch (err) {
    fatal ??= asTransferError(err);
  } finally {
    signal.removeEventListener('abort', stop);
    if (bulk) notify(await bulk.end());
  }
  return closeRun(runId, { files, counts, started }, fatal, deps);
}
