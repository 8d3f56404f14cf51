/**
 * @module The free-up use case: refresh the library, pick candidates, verify each one's copies by re-reading them at
 * delete time, write the audit, then move small paced batches to Recently Deleted. A dry run stops before the audit.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Asset, AssetId } from '../../core/asset.ts';
import { refresh } from '../../engine/refresh.ts';
import { ignoreEvents } from '../../engine/events.ts';
import type { SourceInteraction } from '../../sources/define.ts';
import type { AppContext } from '../context.ts';
import { noInteraction, openSource } from '../connect.ts';
import { auditEntry, auditRepository, writeAuditFile, type AuditRepository, type AuditState } from './audit.ts';
import { excludedBy, type Criteria } from './criteria.ts';
import { placementIndex, placementKey, requiredDestinations, unopened, type RequiredDestination } from './destinations.ts';
import { emptySummary, merge, summarize, type FreeUpSummary } from './report.ts';
import { selectForRemoval, type ResourceCheck } from './select.ts';
import { accountOf, asTrashingSource, type TrashingSource } from './trash-source.ts';
import { checkAsset, DestinationUnreachable } from './verify-copies.ts';
import type { FreeUpEvent } from './events.ts';

export interface FreeUpRequest {
  readonly source: string;
  /** Destinations every copy must verify on; default every destination holding the asset. */
  readonly require?: readonly string[];
  readonly criteria: Criteria;
  readonly execute: boolean;
  /** Asked before anything is deleted with the Apple ID to type; false stops the run. Absent = confirmed (scripts). */
  readonly confirm?: (appleId: string, plan: FreeUpSummary) => Promise<boolean>;
  /** Assets per records/modify call (default 25) and pause between calls (default 2 s): Apple throttles delete bursts. */
  readonly batchSize?: number;
  readonly batchPauseMs?: number;
  readonly events?: (e: FreeUpEvent) => void;
  readonly interaction?: SourceInteraction;
}

export interface FreeUpResult {
  readonly runId?: string;
  readonly executed: boolean;
  readonly summary: FreeUpSummary;
  /** Assets Apple confirmed in Recently Deleted, and bytes they held. */
  readonly deleted: { assets: number; bytes: number };
  readonly failed: readonly { asset: string; reason: string }[];
  /** Set when the run stopped early (destination unreachable): nothing further was deleted. */
  readonly stopped?: Error;
}

interface World {
  readonly source: TrashingSource;
  readonly audit: AuditRepository;
  readonly destinations: readonly RequiredDestination[];
  readonly candidates: readonly Asset[];
  readonly check: (assets: readonly Asset[]) => Promise<Map<AssetId, ResourceCheck[]>>;
  readonly requiredOf: (asset: Asset) => readonly string[];
}

async function prepare(ctx: AppContext, req: FreeUpRequest, signal: AbortSignal): Promise<World> {
  const source = asTrashingSource(await openSource(ctx, req.source, req.interaction ?? noInteraction), req.source);
  await source.connect(signal);
  await refresh(source, ctx.catalog, ignoreEvents, signal);
  const audit = auditRepository(ctx.catalog);
  const assets = await ctx.catalog.assets(source.id);
  await reconcile(audit, new Set(assets.map((a) => a.id)), source.id);
  const destinations = await requiredDestinations(ctx, source.id, req.require);
  const placements = await placementIndex(ctx, source.id, destinations);
  const explicit = req.require !== undefined && req.require.length > 0;
  const opened = destinations.map((d) => d.destination ?? unopened(d));
  const requiredOf = (a: Asset) => destinations.filter((d) => explicit || a.resources.some((r) => placements.has(placementKey(d.id, a.id, r.role)))).map((d) => d.id);
  const check = async (batch: readonly Asset[]) => {
    const out = new Map<AssetId, ResourceCheck[]>();
    for (const a of batch) {
      const required = new Set(requiredOf(a));
      out.set(a.id, await checkAsset(a, opened.filter((d) => required.has(d.id)), (d, asset, role) => placements.get(placementKey(d, asset.id, role)), signal));
    }
    return out;
  };
  const candidates = assets.filter((a) => excludedBy(a, req.criteria) === null);
  return { source, audit, destinations, candidates, check, requiredOf };
}

/**
 * Entries left `pending` by a run that died between writing its audit and hearing Apple's answer: the refreshed
 * catalog says whether each asset left the library (it is in Recently Deleted) or is still there (never sent).
 */
async function reconcile(audit: AuditRepository, present: ReadonlySet<string>, sourceId: string): Promise<void> {
  const byRun = new Map<string, Map<AssetId, { state: AuditState }>>();
  for (const p of await audit.pendingOf(sourceId)) {
    const m = byRun.get(p.run) ?? byRun.set(p.run, new Map()).get(p.run)!;
    m.set(p.asset, { state: present.has(p.asset) ? 'not-sent' : 'deleted' });
  }
  for (const [run, changes] of byRun) {
    await audit.setState(run, changes);
    await audit.finishRun(run, 'stopped', 'interrupted; reconciled by a later run');
  }
}

export async function freeUp(ctx: AppContext, req: FreeUpRequest, signal: AbortSignal): Promise<FreeUpResult> {
  const emit = req.events ?? (() => undefined);
  const w = await prepare(ctx, req, signal);
  try {
    if (!req.execute) {
      const checks = await w.check(w.candidates);
      const { remove, keep } = selectForRemoval(w.candidates, w.requiredOf, checks);
      const summary = summarize(remove, keep);
      emit({ type: 'free-up-plan', summary });
      return { executed: false, summary, deleted: { assets: 0, bytes: 0 }, failed: [] };
    }
    if (req.confirm !== undefined && !(await req.confirm(accountOf(w.source), emptySummary()))) {
      return { executed: false, summary: emptySummary(), deleted: { assets: 0, bytes: 0 }, failed: [] };
    }
    return await execute(w, req, emit, signal);
  } finally {
    await Promise.allSettled([w.source.close(), ...w.destinations.map((d) => d.destination?.close())]);
  }
}

async function execute(w: World, req: FreeUpRequest, emit: (e: FreeUpEvent) => void, signal: AbortSignal): Promise<FreeUpResult> {
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}`;
  await w.audit.startRun({ id: runId, sourceId: w.source.id, sourceSpec: req.source, destinations: w.destinations.map((d) => ({ id: d.id, spec: d.spec })), criteria: req.criteria, startedAt: new Date() });
  const size = req.batchSize ?? 25;
  let summary = emptySummary();
  const deleted = { assets: 0, bytes: 0 };
  const failed: { asset: string; reason: string }[] = [];
  const writeFiles = async () => {
    const entries = await w.audit.entries(runId);
    for (const d of w.destinations) if (d.destination !== undefined) await writeAuditFile(d.destination, runId, entries, signal);
  };
  emit({ type: 'free-up-started', runId, candidates: w.candidates.length });
  try {
    for (let start = 0, batch = 1; start < w.candidates.length; start += size) {
      const slice = w.candidates.slice(start, start + size);
      // Verified now, just before the batch goes: a copy damaged since the dry run keeps its asset.
      const { remove, keep } = selectForRemoval(slice, w.requiredOf, await w.check(slice));
      summary = merge(summary, summarize([], keep));
      if (remove.length > 0) {
        const at = new Date();
        await w.audit.addPending(remove.map((d) => auditEntry(runId, batch, d, at)));
        await writeFiles();
        const outcomes = await w.source.trashBatch(remove.map((d) => d.asset.id), signal);
        const changes = new Map(outcomes.map((o) => [o.id, o.ok ? { state: 'deleted' as const } : { state: 'failed' as const, reason: o.reason ?? 'refused' }]));
        await w.audit.setState(runId, changes);
        await writeFiles();
        const done = remove.filter((d) => changes.get(d.asset.id)?.state === 'deleted');
        summary = merge(summary, summarize(done, []));
        for (const d of done) { deleted.assets += 1; deleted.bytes += d.asset.resources.reduce((n, r) => n + r.size, 0); }
        for (const o of outcomes) if (!o.ok) failed.push({ asset: o.id, reason: o.reason ?? 'refused' });
        emit({ type: 'free-up-batch', runId, batch, deleted: done.length, failed: outcomes.length - done.length, kept: keep.length, totalDeleted: deleted.assets, totalBytes: deleted.bytes, done: Math.min(start + size, w.candidates.length), of: w.candidates.length });
        batch += 1;
        if (start + size < w.candidates.length) await sleep(req.batchPauseMs ?? 2000, undefined, { signal });
      } else {
        emit({ type: 'free-up-batch', runId, batch, deleted: 0, failed: 0, kept: keep.length, totalDeleted: deleted.assets, totalBytes: deleted.bytes, done: Math.min(start + size, w.candidates.length), of: w.candidates.length });
      }
    }
  } catch (err) {
    const stopped = err instanceof Error ? err : new Error(String(err));
    await w.audit.finishRun(runId, err instanceof DestinationUnreachable ? 'stopped' : 'failed', stopped.message);
    emit({ type: 'free-up-finished', runId, summary, deleted, failed, error: stopped.message });
    if (err instanceof DestinationUnreachable) return { runId, executed: true, summary, deleted, failed, stopped };
    throw err;
  }
  await w.audit.finishRun(runId, 'done', null);
  emit({ type: 'free-up-finished', runId, summary, deleted, failed });
  return { runId, executed: true, summary, deleted, failed };
}
