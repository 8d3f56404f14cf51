/** @module `free-up --undo RUN`: brings every asset a run moved to Recently Deleted back (within Apple's 30 days), in paced batches, and records it in the audit. */
import type { AssetId } from '../../core/asset.ts';
import { UsageError } from '../../core/usage-error.ts';
import { refresh } from '../../engine/refresh.ts';
import { ignoreEvents } from '../../engine/events.ts';
import type { AppContext } from '../context.ts';
import { noInteraction, openDestination, openSource } from '../connect.ts';
import type { SourceInteraction } from '../../sources/define.ts';
import { auditRepository, writeAuditFile, type AuditState } from './audit.ts';
import { asTrashingSource } from './trash-source.ts';
import type { FreeUpEvent } from './events.ts';

export interface UndoResult {
  readonly runId: string;
  readonly recovered: number;
  readonly failed: readonly { asset: string; reason: string }[];
  /** Destinations whose audit file could not be rewritten (the catalog still has every entry). */
  readonly notices: readonly string[];
}

export async function undoFreeUp(
  ctx: AppContext, runId: string, options: { batchSize?: number; events?: (e: FreeUpEvent) => void; interaction?: SourceInteraction }, signal: AbortSignal,
): Promise<UndoResult> {
  const audit = auditRepository(ctx.catalog);
  const run = await audit.run(runId);
  if (run === undefined) throw new UsageError(`no free-up run "${runId}" in the catalog — list them with: photoferry free-up --runs`);
  const toRecover = (await audit.entries(runId)).filter((e) => e.state === 'deleted').map((e) => e.asset as AssetId);
  const source = asTrashingSource(await openSource(ctx, run.sourceSpec, options.interaction ?? noInteraction), run.sourceSpec);
  const failed: { asset: string; reason: string }[] = [];
  let recovered = 0;
  try {
    await source.connect(signal);
    const size = options.batchSize ?? 25;
    for (let k = 0; k < toRecover.length; k += size) {
      const outcomes = await source.recoverBatch(toRecover.slice(k, k + size), signal);
      const changes = new Map<AssetId, { state: AuditState; reason?: string }>();
      for (const o of outcomes) {
        if (o.ok) { recovered += 1; changes.set(o.id, { state: 'recovered' }); } else failed.push({ asset: o.id, reason: o.reason ?? 'refused' });
      }
      await audit.setState(runId, changes);
      options.events?.({ type: 'free-up-undo', runId, recovered, failed: failed.length, of: toRecover.length });
    }
    await refresh(source, ctx.catalog, ignoreEvents, signal);
  } finally {
    await source.close();
  }
  await audit.finishRun(runId, failed.length === 0 ? 'undone' : 'partly undone', failed.length === 0 ? null : `${failed.length} assets could not be recovered`);
  const notices: string[] = [];
  const entries = await audit.entries(runId);
  for (const d of run.destinations) {
    try {
      const destination = await openDestination(ctx, d.spec);
      try { await writeAuditFile(destination, runId, entries, signal); } finally { await destination.close(); }
    } catch (err) {
      notices.push(`${d.id}: audit file not updated (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { runId, recovered, failed, notices };
}
