/** @module The copy/sync/plan use cases: refresh the source into the catalog, plan, then execute. */
import type { RunSummary } from '../core/outcome.ts';
import { compileFilters, type Filters } from '../engine/filters.ts';
import { plan, type Plan, type PlanOptions, type ResourcePolicy, DEFAULT_POLICY } from '../engine/plan.ts';
import { collectPlan, planSteps, streamChanges, streamPlan, type RunPlan } from '../engine/plan-stream.ts';
import { checkTemplate } from '../engine/path-template.ts';
import { refresh } from '../engine/refresh.ts';
import { executeSteps } from '../engine/run.ts';
import type { RunGate } from '../engine/gate.ts';

export { RunGate, parseBandwidth } from '../engine/gate.ts';
import { ignoreEvents, type EventSink } from '../engine/events.ts';
import { DEFAULT_FIDELITY, type FidelityOptions } from '../engine/derived/types.ts';
import type { SourceInteraction } from '../sources/define.ts';
import type { LibraryCount } from '../sources/source.ts';
import type { Source } from '../sources/source.ts';
import type { Destination } from '../destinations/destination.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { AppContext } from './context.ts';
import { openSource, openTarget } from './connect.ts';
import { isLibraryDestination, type LibraryDestination } from '../destinations/library-destination.ts';
import { executeLibraryPlan } from '../engine/library/run-library.ts';
import { openArchiveSource } from './archive.ts';
import { recordSettled, settingsOf, settledBase, settledRun } from './settled.ts';
import { endStage, startStage } from '../core/stages.ts';
import { usesWorkers, workersExecutor, type PlanExecutor } from './workers-run.ts';
import { recordFailedRun } from './runs.ts';
import { PlanTally } from './plan-report.ts';
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
  /** Hand the copies to `photoferry worker` processes (default: yes on a PostgreSQL catalog, no on SQLite). */
  readonly workers?: boolean;
  /** How the plan is executed: in this process (default) or by workers. */
  readonly execute?: PlanExecutor;
  /** Bandwidth limit and pause/resume of this run. */
  readonly gate?: RunGate;
  /** The id of the run recorded for a failure before the plan ran (the error is still thrown). */
  readonly onFailedRun?: (runId: string) => void;
}

export interface CopyResult {
  /** The plan run (copy, sync); for the plan command its counts only, the actions summed into `report` as planned. */
  readonly plan: Plan;
  /** plan only: what the run would do, counted as planned (the plan command's report and the dashboard's plan counts). */
  readonly tally?: PlanTally;
  /** Per-library counts (the service's and the listing's) when this run listed the whole library. */
  readonly libraries?: readonly LibraryCount[];
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
  let destination: Destination | LibraryDestination | undefined;
  try {
    source = await openArchiveSource(ctx, request.source) ?? await openSource(ctx, request.source, request.interaction);
    ids.sourceId = source.id;
    destination = await openTarget(ctx, request.destination);
  } catch (err) {
    // A source or destination that cannot even be opened is still a run the user asked for: it goes in the history.
    if (request.command !== 'plan') await recordFailedRun(ctx.catalog, { ...ids, command: request.command }, err, signal, request.onFailedRun);
    await source?.close();
    throw err;
  }
  try {
    const workers = request.command !== 'plan' && usesWorkers(ctx, request.workers);
    return await copyBetween(ctx.catalog, source, destination, {
      ...request, template, concurrency: request.concurrency ?? ctx.config.defaults.concurrency,
      ...(workers ? { execute: workersExecutor(ctx, { source: request.source, destination: request.destination }) } : {}),
    }, signal);
  } finally {
    await Promise.allSettled([source.close(), destination.close()]);
  }
}

/** The copy use case on an opened source and destination (which the caller closes). */
export async function copyBetween(
  catalog: Catalog, source: Source, destination: Destination | LibraryDestination,
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
  const library = isLibraryDestination(destination) ? destination : undefined;
  const files = library ? undefined : destination as Destination;
  if (library && request.command === 'sync' && request.propagateDeletes === true) {
    events({ type: 'notice', message: `${destination.kind}: deletions are not propagated to a photo library (nothing is removed there)` });
  }
  if (files && fidelity.albums === 'links' && !files.copy) {
    events({ type: 'notice', message: `${destination.kind} cannot copy server-side: albums are written as manifests instead of folders` });
  }
  const planning = startStage();
  const options: PlanOptions = {
    template: request.template,
    include: compileFilters(request.filters ?? {}),
    policy,
    propagateDeletes: request.command === 'sync' && request.propagateDeletes === true,
    fidelity,
    ...(files ? { destination: { heic: files.capabilities.heic, serverSideCopy: files.copy !== undefined } } : {}),
  };
  const target = { sourceId: source.id, destinationId: destination.id };
  if (request.command === 'plan' && files) {
    // Counted as planned, page by page: a 1M-asset plan is never held (the report is what the plan command shows).
    const tally = new PlanTally();
    for await (const step of planSteps(options, catalog, target)) tally.add(step);
    endStage('plan', planning);
    const libraryFiles = tally.libraryFiles({
      fidelity, destination: { writesFiles: files.writeFile !== undefined, serverSideCopy: files.copy !== undefined },
      sourceAlbumIds: (await catalog.albums(source.id)).map((a) => a.id),
    });
    const libraries = refreshed.libraries === undefined ? {} : { libraries: refreshed.libraries };
    return { plan: tally.countsOnly(), tally, libraryFiles, ...libraries };
  }
  // File trees: counted in a first pass, then executed as the steps are made again (or held, when few).
  const base = files && request.command !== 'plan' && refreshed.changes
    ? await settledBase(catalog, source.id, destination.id, settings, refreshed) : undefined;
  const planned: RunPlan = files
    ? base && refreshed.changes ? await streamChanges(options, catalog, target, refreshed.changes, base) : await streamPlan(options, catalog, target)
    : wholePlan(plan({
      // Library destinations diff album membership over the whole library: not streamed (yet).
      ...options, assets: await catalog.assets(source.id), placements: await catalog.placements(destination.id, source.id),
      library: await libraryInput(catalog, source.id, library!),
    }));
  endStage('plan', planning);
  if (request.command === 'plan') {
    const tally = new PlanTally();
    tally.add(planned.plan);
    return { plan: planned.plan, tally, libraryFiles: 0,
      ...(refreshed.libraries === undefined ? {} : { libraries: refreshed.libraries }) };
  }
  const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: request.command });
  events({
    type: 'planned', runId, files: planned.totals.files, bytes: planned.totals.bytes,
    present: planned.present, filtered: planned.filtered, removes: planned.removes,
  });
  const runDeps = {
    source, destination: files!, catalog, events, concurrency: request.concurrency, library: { fidelity, policy },
    ...(request.gate === undefined ? {} : { gate: request.gate }),
  };
  const result = !files
    ? await executeLibraryPlan(runId, planned.plan, { source, destination: library!, catalog, events, concurrency: request.concurrency }, signal)
    // Workers get batches cut from the whole plan; in this process the steps stream.
    : request.execute
      ? await request.execute(runId, await collectPlan(planned.steps), runDeps, signal)
      : await executeSteps(runId, planned, runDeps, signal);
  await recordSettled(catalog, source.id, destination.id, settings, result.summary, result.fatal !== undefined);
  return { plan: planned.plan, runId: result.runId, summary: result.summary, ...(result.fatal ? { fatal: result.fatal } : {}) };
}

/** A plan made whole in memory, as a run plan of one step. */
function wholePlan(whole: Plan): RunPlan {
  return { totals: whole.totals, present: whole.present, filtered: whole.filtered, removes: whole.removes.length, steps: [whole], plan: whole };
}

const EMPTY_PLAN: Plan = {
  copies: [], derived: [], removes: [], derivedPresent: 0, present: 0, filtered: 0, totals: { assets: 0, files: 0, bytes: 0 },
};

/** The fast path's run: recorded like any other, with the counts of the clean run it settled on. */
/** What plan() needs to diff a library destination's albums. */
async function libraryInput(catalog: Catalog, sourceId: string, library: LibraryDestination) {
  const records = catalog.library(library.id, sourceId);
  return { capabilities: library.capabilities, albums: await catalog.albums(sourceId), remoteAlbums: await records.albums(), members: await records.members() };
}

async function nothingChanged(
  catalog: Catalog, source: Source, destination: { id: string }, command: 'copy' | 'sync',
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
async function checkDestination(destination: Destination | LibraryDestination, signal: AbortSignal): Promise<void> {
  try {
    await destination.check(signal);
  } catch (err) {
    if (!isTransferError(err) || err.message.startsWith(destination.id)) throw err;
    throw new TransferError(err.kind, `destination ${destination.id}: ${err.message}`, { connector: err.connector, cause: err });
  }
}
