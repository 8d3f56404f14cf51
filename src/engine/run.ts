/** @module Executes a Plan: bounded concurrency, retries, cancellation, outcomes and a summary. The only place with concurrency. */
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';
import type { TransferError } from '../core/transfer-error.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Source } from '../sources/source.ts';
import type { EventSink } from './events.ts';
import type { Plan } from './plan.ts';
import { transfer } from './transfer.ts';
import { asTransferError, type RetryPolicy } from './retry.ts';

export interface RunDeps {
  readonly source: Source;
  readonly destination: Destination;
  readonly catalog: Catalog;
  readonly events: EventSink;
  readonly concurrency: number;
  readonly retry?: RetryPolicy;
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
  const assets = new Set<string>();

  const finish = async (outcome: Outcome) => {
    await deps.catalog.recordOutcome(runId, outcome);
    assets.add(outcome.assetId);
    if (outcome.code === 'copied') files.copied += 1;
    else if (outcome.code === 'removed') files.removed += 1;
    else if (outcome.status === 'failed') files.failed += 1;
    filesDone += 1;
    deps.events({ type: 'file-done', outcome });
    deps.events({ type: 'progress', bytesDone, filesDone });
  };

  await deps.destination.cleanup(inner.signal);
  const ticker = setInterval(() => deps.events({ type: 'progress', bytesDone, filesDone }), 250);
  let next = 0;
  const worker = async () => {
    while (!inner.signal.aborted && next < planned.copies.length) {
      const action = planned.copies[next++]!;
      try {
        const outcome = await transfer(action, {
          ...deps, runId, onBytes: (n) => { bytesDone += n; },
        }, inner.signal);
        await finish(outcome);
      } catch (err) {
        fatal ??= asTransferError(err);
        inner.abort(fatal);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.concurrency) }, worker));

  for (const { placement } of planned.removes) {
    if (inner.signal.aborted) break;
    const base = { assetId: placement.assetId, role: placement.role, path: placement.path, bytes: 0 } as const;
    try {
      await deps.destination.remove(placement.path, inner.signal);
      await deps.catalog.removePlacement(placement.destinationId, placement.sourceId, placement.assetId, placement.role);
      await finish({ ...base, status: 'done', code: 'removed' });
    } catch (err) {
      const e = asTransferError(err);
      await finish({ ...base, status: 'failed', code: 'failed', errorKind: e.kind, message: e.message });
    }
  }
  clearInterval(ticker);
  signal.removeEventListener('abort', stop);

  const status: RunSummary['status'] = fatal?.kind === 'cancelled' ? 'cancelled' : fatal ? 'failed' : files.failed > 0 ? 'partial' : 'ok';
  const summary: RunSummary = { assets: assets.size, files, bytes: bytesDone, durationMs: Date.now() - started, status };
  await deps.catalog.finishRun(runId, summary);
  deps.events({ type: 'finished', runId, summary });
  return { runId, summary, ...(fatal ? { fatal } : {}) };
}
