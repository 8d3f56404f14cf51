/** @module The copy/sync/plan use cases: refresh the source into the catalog, plan, then execute. */
import type { RunSummary } from '../core/outcome.ts';
import { compileFilters, type Filters } from '../engine/filters.ts';
import { plan, type Plan, type ResourcePolicy, DEFAULT_POLICY } from '../engine/plan.ts';
import { checkTemplate } from '../engine/path-template.ts';
import { refresh } from '../engine/refresh.ts';
import { executePlan } from '../engine/run.ts';
import { ignoreEvents, type EventSink } from '../engine/events.ts';
import { DEFAULT_FIDELITY, type FidelityOptions } from '../engine/derived/types.ts';
import type { SourceInteraction } from '../sources/define.ts';
import type { Source } from '../sources/source.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { AppContext } from './context.ts';
import { openDestination, openSource } from './connect.ts';
import { openArchiveSource } from './archive.ts';
import { recordSettled, settingsOf, settledRun } from './settled.ts';
import { recordFailedRun } from './runs.ts';
import { plannedLibraryFiles } from './plan-report.ts';
import { EMPTY_COUNTS } from '../core/counts.ts';
import { TransferError, isTransferError } from '../core/transfer-error.ts';

export type { FidelityOptions } from '../engine/derived/types.ts';
export { DEFAULT_FIDELITY } from '../engine/derived/types.ts';

export interface CopyRequest {
  readonly source: string;
  readonly destination: string;
  readonly command: 'copy' | 'sync' | 'plan';
  readonly template?: string;
  readonly filters?: Filters;
  readonly policy?: ResourcePolicy;
  readonly concurrency?: number;
  /** sync --delete: remove from the destination what the source deleted. */
  readonly propagateDeletes?: boolean;
  readonly events?: EventSink;
  readonly interaction?: SourceInteraction;
  /** Conversions, sidecars, album strategy, library manifest (default: XMP sidecars, album manifests, library manifest). */
  readonly fidelity?: FidelityOptions;
  /** The id of the run recorded for a failure before the plan ran (the error is still thrown). */
  readonly onFailedRun?: (runId: string) => void;
}

export interface CopyResult {
  readonly plan: Plan;
  readonly runId?: string;
  readonly summary?: RunSummary;
  readonly fatal?: TransferError;
  /** plan only: library manifests the run would rewrite (see plannedLibraryFiles). */
  readonly libraryFiles?: number;
}

export async function copyLibrary(ctx: AppContext, request: CopyRequest, signal: AbortSignal): Promise<CopyResult> {
  const template = checkTemplate(request.template ?? ctx.config.defaults.template);
  const ids = { sourceId: request.source, destinationId: request.destination };
  let source: Source | undefined;
  let destination: Destination | undefined;
  try {
    source = await openArchiveSource(ctx, request.source) ?? await openSource(ctx, request.source, request.interaction);
    ids.sourceId = source.id;
    destination = await openDestination(ctx, request.destination);
  } catch (err) {
    // A source or destination that cannot even be opened is still a run the user asked for: it goes in the history.
    if (request.command !== 'plan') await recordFailedRun(ctx.catalog, { ...ids, command: request.command }, err, signal, request.onFailedRun);
    await source?.close();
    throw err;
  }
  try {
    return await copyBetween(ctx.catalog, source, destination, {
      ...request, template, concurrency: request.concurrency ?? ctx.config.defaults.concurrency,
    }, signal);
  } finally {
    await Promise.allSettled([source.close(), destination.close()]);
  }
}

/** The copy use case on an opened source and destination (which the caller closes). */
export async function copyBetween(
  catalog: Catalog, source: Source, destination: Destination,
  request: Omit<CopyRequest, 'source' | 'destination'> & { template: string; concurrency: number }, signal: AbortSignal,
): Promise<CopyResult> {
  const events = request.events ?? ignoreEvents;
  const fidelity = request.fidelity ?? DEFAULT_FIDELITY;
  const policy = request.policy ?? DEFAULT_POLICY;
  const settings = settingsOf({
    template: request.template, filters: request.filters ?? {}, policy, fidelity, command: request.command,
    propagateDeletes: request.propagateDeletes === true,
  });
  let refreshed: Awaited<ReturnType<typeof refresh>>;
  try {
    await source.connect(signal);
    if (request.command !== 'plan') await checkDestination(destination, signal);
    refreshed = await refresh(source, catalog, events, signal);
    if (request.command !== 'plan') {
      const settled = await settledRun(catalog, source.id, destination.id, settings, refreshed);
      if (settled) return nothingChanged(catalog, source, destination, request.command, settled, events);
    }
  } catch (err) {
    if (request.command !== 'plan') {
      await recordFailedRun(catalog, { sourceId: source.id, destinationId: destination.id, command: request.command }, err, signal, request.onFailedRun);
    }
    throw err;
  }
  if (fidelity.albums === 'links' && !destination.copy) {
    events({ type: 'notice', message: `${destination.kind} cannot copy server-side: albums are written as manifests instead of folders` });
  }
  const planned = plan({
    assets: await catalog.assets(source.id),
    placements: await catalog.placements(destination.id, source.id),
    template: request.template,
    include: compileFilters(request.filters ?? {}),
    policy,
    propagateDeletes: request.command === 'sync' && request.propagateDeletes === true,
    fidelity,
    destination: { heic: destination.capabilities.heic, serverSideCopy: destination.copy !== undefined },
  });
  if (request.command === 'plan') {
    const libraryFiles = plannedLibraryFiles(planned, fidelity, { writesFiles: destination.writeFile !== undefined, serverSideCopy: destination.copy !== undefined },
      (await catalog.albums(source.id)).map((a) => a.id));
    return { plan: planned, libraryFiles };
  }
  const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: request.command });
  events({
    type: 'planned', runId, files: planned.totals.files, bytes: planned.totals.bytes,
    present: planned.present, filtered: planned.filtered, removes: planned.removes.length,
  });
  const result = await executePlan(runId, planned, {
    source, destination, catalog, events, concurrency: request.concurrency, library: { fidelity, policy },
  }, signal);
  await recordSettled(catalog, source.id, destination.id, settings, result.summary, result.fatal !== undefined);
  return { plan: planned, runId: result.runId, summary: result.summary, ...(result.fatal ? { fatal: result.fatal } : {}) };
}

const EMPTY_PLAN: Plan = {
  copies: [], derived: [], removes: [], derivedPresent: 0, present: 0, filtered: 0, totals: { assets: 0, files: 0, bytes: 0 },
};

/** The fast path's run: recorded like any other, with the counts of the clean run it settled on. */
async function nothingChanged(
  catalog: Catalog, source: Source, destination: Destination, command: 'copy' | 'sync',
  settled: { present: number; filtered: number }, events: EventSink,
): Promise<CopyResult> {
  const started = Date.now();
  const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command });
  events({ type: 'planned', runId, files: 0, bytes: 0, present: settled.present, filtered: settled.filtered, removes: 0 });
  const summary: RunSummary = {
    assets: 0, files: { copied: 0, present: settled.present, removed: 0, failed: 0, filtered: settled.filtered },
    bytes: 0, counts: EMPTY_COUNTS, durationMs: Date.now() - started, status: 'ok',
  };
  await catalog.finishRun(runId, summary);
  events({ type: 'finished', runId, summary });
  return { plan: { ...EMPTY_PLAN, present: settled.present, filtered: settled.filtered }, runId, summary };
}

/** A destination that fails its write check names itself and the path it tried. */
async function checkDestination(destination: Destination, signal: AbortSignal): Promise<void> {
  try {
    await destination.check(signal);
  } catch (err) {
    if (!isTransferError(err) || err.message.startsWith(destination.id)) throw err;
    throw new TransferError(err.kind, `destination ${destination.id}: ${err.message}`, { connector: err.connector, cause: err });
  }
}
