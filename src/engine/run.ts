/** @module Executes a Plan: bounded concurrency, retries, cancellation, outcomes and a summary. The only place with concurrency. */
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';
import type { TransferError } from '../core/transfer-error.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';
import type { Plan, ResourcePolicy } from './plan.ts';
import { transfer } from './transfer.ts';
import { asTransferError, type RetryPolicy } from './retry.ts';
import { createDerivedRunner } from './derived/execute.ts';
import { writeLibraryFiles } from './derived/library-files.ts';
import { baseRoleOf, isAlbumRole, type FidelityOptions } from './derived/types.ts';
import { CountsBuilder } from '../core/counts.ts';

export interface RunDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly catalog: Catalog;
  readonly events: EventSink;
  readonly concurrency: number;
  readonly retry?: RetryPolicy;
  /** Rewrites the library manifest and album manifests at the end of a run that was not stopped. */
  readonly library?: { readonly fidelity: FidelityOptions; readonly policy: ResourcePolicy };
}

export interface RunResult {
  readonly runId: RunId;
  readonly summary: RunSummary;
  /** The error that stopped the run early (auth needed, destination full, cancelled), if any. */
  readonly fatal?: TransferError;
}

export async function executePlan(runId: RunId, planned: Plan, deps: RunDeps, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  const inner = new AbortController();
  const stop = () => inner.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const files = { copied: 0, present: planned.present, removed: 0, failed: 0, filtered: planned.filtered };
  let bytesDone = 0;
  let filesDone = 0;
  let fatal: TransferError | undefined;
  // Never past the announced totals: a file larger than its listing said, or a removal, must not show 2.8 MB/2.7 MB.
  const progress = () => deps.events({
    type: 'progress', bytesDone: Math.min(bytesDone, planned.totals.bytes), filesDone: Math.min(filesDone, planned.totals.files),
  });

  let derivedWritten = 0;
  const counts = new CountsBuilder();
  /** `derived`: a sidecar, conversion or album entry; counted apart so "copied N files" still means library files. */
  const finish = async (outcome: Outcome, derived = false) => {
    await deps.catalog.recordOutcome(runId, outcome);
    if (outcome.status === 'done' && outcome.code === 'copied') counts.addFile(derived ? 'derived' : 'original', outcome.assetId, outcome.bytes);
    if (outcome.status === 'failed') files.failed += 1;
    else if (derived) derivedWritten += 1;
    else if (outcome.code === 'copied') files.copied += 1;
    else if (outcome.code === 'removed') files.removed += 1;
    if (!derived) filesDone += 1;
    deps.events({ type: 'file-done', outcome });
    progress();
  };

  /** Runs `work` over `items` with the run's concurrency; a fatal error stops every worker. */
  const pool = async <T>(items: readonly T[], work: (item: T) => Promise<Outcome>, derived = false) => {
    let next = 0;
    const worker = async () => {
      while (!inner.signal.aborted && next < items.length) {
        const item = items[next++]!;
        try {
          await finish(await work(item), derived);
        } catch (err) {
          fatal ??= asTransferError(err);
          inner.abort(fatal);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));
  };
  // Progress counts original bytes only, the ones the plan announced: derived bytes would push it past the total.
  const onBytes = (n: number) => { bytesDone += n; };
  // Derived bytes are counted from their outcomes and the manifests written, not from the stream.
  const onDerivedBytes = () => {};

  await deps.destination.cleanup(inner.signal);
  let lastPace = '';
  const ticker = setInterval(() => {
    progress();
    const pace = deps.source.pace?.();
    if (!pace) return;
    const backoffMs = Math.max(0, pace.pausedUntil - Date.now());
    const key = `${pace.concurrency}/${pace.throttles}/${backoffMs > 0}`;
    if (key === lastPace) return;
    lastPace = key;
    deps.events({
      type: 'pace', concurrency: pace.concurrency, backoffMs,
      reason: pace.throttles > 0 ? `${pace.throttles} throttled request(s); ${pace.concurrency}/${pace.maxConcurrency} in flight` : 'calm',
    });
  }, 250);
  const failedAssets = new Set<string>();
  await pool(planned.copies, async (action) => {
    const outcome = await transfer(action, { ...deps, runId, onBytes }, inner.signal);
    if (outcome.status === 'failed') failedAssets.add(action.asset.id);
    return outcome;
  });

  // Derived outputs only once every file of their asset is in place: a Live Photo with one half
  // missing gets no sidecar claiming the pair, and the asset's outcome stays failed.
  if (planned.derived.length > 0) {
    const derived = createDerivedRunner({ ...deps, onBytes: onDerivedBytes });
    try {
      await pool(planned.derived, async (action) => failedAssets.has(action.asset.id)
        ? { assetId: action.asset.id, role: baseRoleOf(action.role), path: action.path, status: 'failed', code: 'failed', bytes: 0,
          errorKind: 'permanent', message: 'not written: another file of this asset failed in this run' }
        : derived.run(action, inner.signal), true);
    } finally {
      await derived.close();
    }
  }

  for (const { placement } of planned.removes) {
    if (inner.signal.aborted) break;
    const base = { assetId: placement.assetId, role: baseRoleOf(placement.role), path: placement.path, bytes: 0 } as const;
    try {
      await deps.destination.remove(placement.path, inner.signal);
      await deps.catalog.removePlacement(placement.destinationId, placement.sourceId, placement.assetId, placement.role);
      await finish({ ...base, status: 'done', code: 'removed' }, isAlbumRole(placement.role));
    } catch (err) {
      const e = asTransferError(err);
      await finish({ ...base, status: 'failed', code: 'failed', errorKind: e.kind, message: e.message }, isAlbumRole(placement.role));
    }
  }
  if (derivedWritten > 0) deps.events({ type: 'notice', message: `wrote ${derivedWritten} sidecar(s), conversion(s) and album entries` });
  if (deps.library && !inner.signal.aborted) {
    try {
      const library = await writeLibraryFiles({ ...deps, ...deps.library, onBytes: onDerivedBytes }, inner.signal);
      for (const size of library.writtenSizes) counts.addManifest(size);
    } catch (err) {
      // The manifests are rebuilt from the catalog on the next run; their failure does not undo the copies.
      files.failed += 1;
      deps.events({ type: 'notice', message: `library manifests not written: ${asTransferError(err).message}` });
    }
  }
  clearInterval(ticker);
  signal.removeEventListener('abort', stop);

  const status: RunSummary['status'] = fatal?.kind === 'cancelled' ? 'cancelled' : fatal ? 'failed' : files.failed > 0 ? 'partial' : 'ok';
  const tallied = counts.build();
  const summary: RunSummary = {
    assets: tallied.assets, files, bytes: tallied.originals.bytes! + tallied.derived.bytes!, counts: tallied,
    durationMs: Date.now() - started, status, ...(fatal ? { reason: fatal.message } : {}),
  };
  await deps.catalog.finishRun(runId, summary);
  deps.events({ type: 'finished', runId, summary });
  return { runId, summary, ...(fatal ? { fatal } : {}) };
}
