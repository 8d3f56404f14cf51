/** @module The copy/sync/plan use cases: refresh the source into the catalog, plan, then execute. */
import type { RunSummary } from '../core/outcome.ts';
import type { TransferError } from '../core/transfer-error.ts';
import { compileFilters, type Filters } from '../engine/filters.ts';
import { plan, type Plan, type ResourcePolicy, DEFAULT_POLICY } from '../engine/plan.ts';
import { checkTemplate } from '../engine/path-template.ts';
import { refresh } from '../engine/refresh.ts';
import { executePlan } from '../engine/run.ts';
import { ignoreEvents, type EventSink } from '../engine/events.ts';
import type { SourceInteraction } from '../sources/define.ts';
import type { AppContext } from './context.ts';
import { openDestination, openSource } from './connect.ts';

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
}

export interface CopyResult {
  readonly plan: Plan;
  readonly runId?: string;
  readonly summary?: RunSummary;
  readonly fatal?: TransferError;
}

export async function copyLibrary(ctx: AppContext, request: CopyRequest, signal: AbortSignal): Promise<CopyResult> {
  const events = request.events ?? ignoreEvents;
  const template = checkTemplate(request.template ?? ctx.config.defaults.template);
  const source = await openSource(ctx, request.source, request.interaction);
  const destination = await openDestination(ctx, request.destination);
  try {
    await source.connect(signal);
    if (request.command !== 'plan') await destination.check(signal);
    await refresh(source, ctx.catalog, events, signal);
    const planned = plan({
      assets: await ctx.catalog.assets(source.id),
      placements: await ctx.catalog.placements(destination.id, source.id),
      template,
      include: compileFilters(request.filters ?? {}),
      policy: request.policy ?? DEFAULT_POLICY,
      propagateDeletes: request.command === 'sync' && request.propagateDeletes === true,
    });
    if (request.command === 'plan') return { plan: planned };
    const runId = await ctx.catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: request.command });
    events({
      type: 'planned', runId, files: planned.totals.files, bytes: planned.totals.bytes,
      present: planned.present, filtered: planned.filtered, removes: planned.removes.length,
    });
    const result = await executePlan(runId, planned, {
      source, destination, catalog: ctx.catalog, events, concurrency: request.concurrency ?? ctx.config.defaults.concurrency,
    }, signal);
    return { plan: planned, runId: result.runId, summary: result.summary, ...(result.fatal ? { fatal: result.fatal } : {}) };
  } finally {
    await Promise.allSettled([source.close(), destination.close()]);
  }
}
