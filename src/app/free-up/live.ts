/** @module Free-up runs started from the dashboard: run in the background, with their latest progress and the audit summary read from the catalog. */
import type { AppContext } from '../context.ts';
import { withFreshRemotes } from '../live-config.ts';
import { targetOf } from '../tasks.ts';
import { UsageError } from '../../core/usage-error.ts';
import { auditRepository, type AuditEntry } from './audit.ts';
import type { FreeUpEvent } from './events.ts';
import { freeUp } from './free-up.ts';
import { criteriaFrom } from './index.ts';
import type { FreeUpSummary } from './report.ts';
import { undoFreeUp } from './undo.ts';

export interface FreeUpForm {
  readonly source: string;
  readonly olderThan?: string | undefined;
  readonly before?: string | undefined;
  readonly require?: readonly string[] | undefined;
  readonly keepFavorites?: boolean | undefined;
  readonly keepAlbums?: boolean | undefined;
}

export interface LiveFreeUp { readonly runId: string; readonly last: FreeUpEvent | undefined; readonly error?: string; readonly finished: boolean }

export interface AuditSummary {
  readonly runId: string;
  readonly status: string;
  readonly message: string | null;
  /** Entries by state (deleted, failed, recovered, …) with their bytes. */
  readonly byState: Record<string, { assets: number; bytes: number }>;
  readonly entries: readonly AuditEntry[];
}

const requestOf = (form: FreeUpForm) => ({
  source: targetOf(form.source), criteria: criteriaFrom({ ...(form.olderThan ? { olderThan: form.olderThan } : {}), ...(form.before ? { before: form.before } : {}), ...(form.keepFavorites === undefined ? {} : { keepFavorites: form.keepFavorites }), ...(form.keepAlbums === undefined ? {} : { keepAlbums: form.keepAlbums }) }, new Date()),
  ...(form.require !== undefined && form.require.length > 0 ? { require: form.require.map(targetOf) } : {}),
});

export function freeUpService(base: AppContext) {
  const live = new Map<string, { last: FreeUpEvent | undefined; error?: string; finished: boolean }>();
  return {
    /** The dry run: what would go and what is kept, verified now. */
    async plan(form: FreeUpForm, signal: AbortSignal): Promise<FreeUpSummary> {
      const ctx = withFreshRemotes(base);
      return (await freeUp(ctx, { ...requestOf(form), execute: false }, signal)).summary;
    },
    /** Starts an executed run once the typed Apple ID matches; resolves with its id when it has started. */
    start(form: FreeUpForm & { readonly appleId: string }): Promise<string> {
      const ctx = withFreshRemotes(base);
      return new Promise((resolve, reject) => {
        let runId: string | undefined;
        const events = (e: FreeUpEvent) => {
          if (e.type === 'free-up-started') { runId = e.runId; live.set(e.runId, { last: e, finished: false }); resolve(e.runId); }
          else if (runId !== undefined) live.set(runId, { ...live.get(runId)!, last: e, finished: e.type === 'free-up-finished' });
        };
        const confirm = async (appleId: string) => appleId.toLowerCase() === form.appleId.trim().toLowerCase();
        freeUp(ctx, { ...requestOf(form), execute: true, confirm, events }, new AbortController().signal).then((r) => {
          if (runId === undefined) reject(new UsageError('nothing was deleted: the Apple ID typed does not match this account'));
          else if (r.stopped !== undefined) live.set(runId, { ...live.get(runId)!, error: r.stopped.message, finished: true });
        }, (err: unknown) => {
          if (runId === undefined) reject(err instanceof Error ? err : new Error(String(err)));
          else live.set(runId, { ...live.get(runId)!, error: err instanceof Error ? err.message : String(err), finished: true });
        });
      });
    },
    progress(runId: string): LiveFreeUp | undefined {
      const l = live.get(runId);
      return l === undefined ? undefined : { runId, ...l };
    },
    async audit(runId: string): Promise<AuditSummary> {
      const repo = auditRepository(base.catalog);
      const run = await repo.run(runId);
      if (run === undefined) throw new UsageError(`no free-up run "${runId}"`);
      const entries = await repo.entries(runId);
      const byState: Record<string, { assets: number; bytes: number }> = {};
      for (const e of entries) { const b = (byState[e.state] ??= { assets: 0, bytes: 0 }); b.assets += 1; b.bytes += e.bytes; }
      return { runId, status: run.status, message: run.message, byState, entries };
    },
    async undo(runId: string, signal: AbortSignal) { return undoFreeUp(withFreshRemotes(base), runId, {}, signal); },
  };
}
export type FreeUpService = ReturnType<typeof freeUpService>;
