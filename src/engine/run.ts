/** @module Executes a Plan: bounded concurrency, retries, cancellation, outcomes and a summary. The only place with concurrency. */
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';
import type { TransferError } from '../core/transfer-error.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';
import type { Plan, ResourcePolicy } from './plan.ts';
import type { StreamedPlan } from './plan-stream.ts';
import { WorkFeed, type StepState, type WorkItem } from './run-feed.ts';
import { SMALL_FILE_BYTES, transfer } from './transfer.ts';
import { releaseSmallBuffers } from './small-buffers.ts';
import { endStage, startStage, timeStage } from '../core/stages.ts';
import type { RunGate } from './gate.ts';
import { asTransferError, type RetryPolicy } from './retry.ts';
import { createDerivedRunner } from './derived/execute.ts';
import { writeLibraryFiles } from './derived/library-files.ts';
import { baseRoleOf, isAlbumRole, type FidelityOptions } from './derived/types.ts';
import { CountsBuilder } from '../core/counts.ts';
import { collectPhaseGarbage, copyPhaseHeapGrowth } from '../core/heap-growth.ts';

export interface RunDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly catalog: Catalog;
  readonly events: EventSink;
  readonly concurrency: number;
  readonly retry?: RetryPolicy;
  /** Rewrites the library manifest and album manifests at the end of a run that was not stopped. */
  readonly library?: { readonly fidelity: FidelityOptions; readonly policy: ResourcePolicy };
  /**
   * One batch of a run spread over workers: other batches are in flight on other machines, so no staging cleanup
   * (it would delete their half-written files) and no finishing of the run (the coordinator does that once).
   */
  readonly batch?: boolean;
  readonly gate?: RunGate;
}

/** Small files in flight per unit of the run's concurrency. */
const SMALL_FANOUT = 8;

export interface RunResult {
  readonly runId: RunId;
  readonly summary: RunSummary;
  /** The error that stopped the run early (auth needed, destination full, cancelled), if any. */
  readonly fatal?: TransferError;
}

/** Executes a whole plan already in memory: one step. */
export function executePlan(runId: RunId, planned: Plan, deps: RunDeps, signal: AbortSignal): Promise<RunResult> {
  return executeSteps(runId, { totals: planned.totals, present: planned.present, filtered: planned.filtered, steps: [planned] }, deps, signal);
}

/**
 * Executes a plan step by step as its steps come (a few held at once), each step's derived outputs after its copies,
 * every step's removes at the end.
 */
export async function executeSteps(runId: RunId, planned: StreamedPlan, deps: RunDeps, signal: AbortSignal): Promise<RunResult> {
  const started = Date.now();
  copyPhaseHeapGrowth();
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
  /** Steps with copied assets not yet added to `counts` (a stopped run's last steps never settle). */
  const uncounted = new Set<StepState>();
  const countAssets = (step: StepState) => {
    counts.addAssets(step.copiedAssets.size);
    step.copiedAssets.clear();
    uncounted.delete(step);
  };
  const finish = async (outcome: Outcome, derived = false, step?: StepState) => {
    const recording = startStage();
    await deps.catalog.recordOutcome(runId, outcome);
    endStage('catalog-record', recording);
    if (outcome.status === 'done' && outcome.code === 'copied') {
      counts.addFile(derived ? 'derived' : 'original', null, outcome.bytes);
      if (!derived && step) { step.copiedAssets.add(outcome.assetId); uncounted.add(step); }
    }
    if (outcome.status === 'failed') files.failed += 1;
    else if (derived) derivedWritten += 1;
    else if (outcome.code === 'copied') files.copied += 1;
    else if (outcome.code === 'removed') files.removed += 1;
    if (!derived) filesDone += 1;
    const started = startStage();
    deps.events({ type: 'file-done', outcome });
    progress();
    endStage('events', started);
  };

  // Progress counts original bytes only, the ones the plan announced: derived bytes would push it past the total.
  const onBytes = (n: number) => { bytesDone += n; };
  // Derived bytes are counted from their outcomes and the manifests written, not from the stream.
  const onDerivedBytes = () => {};

  if (deps.batch !== true) await deps.destination.cleanup(inner.signal);
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

  const derived = createDerivedRunner({ ...deps, onBytes: onDerivedBytes });
  // The source is told each page's assets as the page is pulled (iCloud then looks up their URLs together).
  const prefetch = deps.source.prefetch?.bind(deps.source);
  const feed = new WorkFeed(planned.steps, prefetch && ((step) => {
    // Only a hint: a source whose hint fails reads each file as it would have without it.
    if (step.copies.length > 0) void prefetch(step.copies.map((c) => c.asset), inner.signal).catch(() => undefined);
  }), (state, step) => {
    countAssets(state);
    derived.prepare(step.derived);
  });
  // Workers waiting for a step to settle must not wait on a run that was stopped.
  const closeFeed = () => { void feed.close(); };
  inner.signal.addEventListener('abort', closeFeed, { once: true });
  // Derived outputs only once every file of their asset is in place: a Live Photo with one half
  // missing gets no sidecar claiming the pair, and the asset's outcome stays failed.
  const work = async (item: WorkItem): Promise<Outcome> => {
    if (item.kind === 'copy') {
      const outcome = await transfer(item.action, { ...deps, runId, onBytes }, inner.signal);
      if (outcome.status === 'failed') item.step.failedAssets.add(item.action.asset.id);
      return outcome;
    }
    const action = item.action;
    return item.step.failedAssets.has(action.asset.id)
      ? { assetId: action.asset.id, role: baseRoleOf(action.role), path: action.path, status: 'failed', code: 'failed', bytes: 0,
        errorKind: 'permanent', message: 'not written: another file of this asset failed in this run' }
      : derived.run(action, inner.signal);
  };
  /**
   * Up to `concurrency` large items at once, and SMALL_FANOUT times as many small ones, since a small file's cost is
   * latency (open, rename, a round trip), not bandwidth. A fatal error stops every worker.
   */
  const slots = Math.max(1, deps.concurrency);
  let largeRunning = 0;
  const largeWaiting: (() => void)[] = [];
  const isLarge = (item: WorkItem) => item.kind === 'copy' ? item.action.resource.size > SMALL_FILE_BYTES : item.action.type === 'convert';
  const worker = async () => {
    while (!inner.signal.aborted) {
      let item: WorkItem | undefined;
      try {
        item = await feed.next();
      } catch (err) {
        fatal ??= asTransferError(err);
        inner.abort(fatal);
        return;
      }
      if (item === undefined) return;
      const large = isLarge(item);
      if (large) {
        while (largeRunning >= slots) await new Promise<void>((resolve) => largeWaiting.push(resolve));
        largeRunning += 1;
      }
      try {
        await finish(await work(item), item.kind === 'derived', item.step);
      } catch (err) {
        fatal ??= asTransferError(err);
        inner.abort(fatal);
      } finally {
        if (large) { largeRunning -= 1; largeWaiting.shift()?.(); }
        feed.settled(item);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: slots * SMALL_FANOUT }, worker));
  } finally {
    inner.signal.removeEventListener('abort', closeFeed);
    releaseSmallBuffers();
    await Promise.allSettled([feed.close(), derived.close()]);
    for (const step of [...uncounted]) countAssets(step);
  }

  for (const { placement } of feed.removes) {
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
      const libraryDeps = deps.library;
      // The copies' promoted garbage goes before the manifest walk adds its own (see core/heap-growth.ts).
      collectPhaseGarbage();
      const library = await timeStage('library-files', () => writeLibraryFiles({ ...deps, ...libraryDeps, onBytes: onDerivedBytes }, inner.signal));
      for (const size of library.writtenSizes) counts.addManifest(size);
    } catch (err) {
      // The manifests are rebuilt from the catalog on the next run; their failure does not undo the copies.
      files.failed += 1;
      deps.events({ type: 'notice', message: `library manifests not written: ${asTransferError(err).message}` });
    }
  }
  clearInterval(ticker);
  signal.removeEventListener('abort', stop);

  return closeRun(runId, { files, counts, started }, fatal, deps);
}

/** The run's status from its counts and fatal error, recorded and announced (file trees and libraries alike). */
export async function closeRun(
  runId: RunId, c: { files: RunSummary['files']; counts: CountsBuilder; started: number }, fatal: TransferError | undefined,
  deps: { readonly catalog: Catalog; readonly events: EventSink; readonly batch?: boolean },
): Promise<RunResult> {
  const status: RunSummary['status'] = fatal?.kind === 'cancelled' ? 'cancelled' : fatal ? 'failed' : c.files.failed > 0 ? 'partial' : 'ok';
  const tallied = c.counts.build();
  const summary: RunSummary = {
    assets: tallied.assets, files: c.files, bytes: tallied.originals.bytes! + tallied.derived.bytes!, counts: tallied,
    durationMs: Date.now() - c.started, status, ...(fatal ? { reason: fatal.message } : {}),
  };
  if (deps.batch !== true) {
    await deps.catalog.finishRun(runId, summary);
    deps.events({ type: 'finished', runId, summary });
  }
  return { runId, summary, ...(fatal ? { fatal } : {}) };
}
