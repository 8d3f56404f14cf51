/**
 * @module The free-up audit trail: rows in the catalog (migration 0006) and, at each destination's root, a JSONL
 * file per run regenerated from those rows. Entries are written as `pending` before their batch is sent to Apple.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Asset, AssetId } from '../../core/asset.ts';
import type { CatalogDatabase } from '../../catalog/schema.ts';
import type { FreeUpTables } from '../../catalog/migrations/0006-free-up-audit.ts';
import type { Destination } from '../../destinations/destination.ts';
import { mediaTypesOf } from '../../engine/filters.ts';
import { putBytes } from '../../engine/derived/put-bytes.ts';
import type { Decision } from './select.ts';

export type AuditState = 'pending' | 'deleted' | 'failed' | 'not-sent' | 'recovered';

/** One line of the audit: the asset, each resource's SHA-256, and where each copy verified. */
export interface AuditEntry {
  readonly run: string;
  readonly batch: number;
  readonly state: AuditState;
  readonly asset: string;
  readonly filename: string;
  readonly takenAt: string;
  readonly type: string;
  readonly bytes: number;
  readonly resources: readonly { role: string; size: number; sha256: string }[];
  readonly verified: readonly { destination: string; role: string; path: string; sha256: string }[];
  readonly at: string;
  readonly updatedAt: string;
  readonly reason?: string;
}

export interface FreeUpRunRow {
  readonly id: string;
  readonly sourceId: string;
  readonly sourceSpec: string;
  readonly destinations: readonly { id: string; spec: string }[];
  readonly criteria: unknown;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly status: string;
  readonly message: string | null;
}

export const bytesOf = (asset: Asset): number => asset.resources.reduce((n, r) => n + r.size, 0);
/** The one type an asset is counted under in reports (a Live Photo is "live", not also "photo"). */
export const typeOf = (asset: Asset): string => {
  const t = mediaTypesOf(asset);
  return t.has('video') ? 'video' : t.has('live') ? 'live' : t.has('raw') ? 'raw' : t.has('screenshot') ? 'screenshot' : 'photo';
};

export function auditEntry(run: string, batch: number, d: Decision, at: Date): AuditEntry {
  const a = d.asset;
  const ok = d.checks.filter((c) => c.result === 'ok');
  return {
    run, batch, state: 'pending', asset: a.id, filename: a.filename, takenAt: a.takenAt.toISOString(), type: typeOf(a), bytes: bytesOf(a),
    resources: a.resources.map((r) => ({ role: r.role, size: r.size, sha256: ok.find((c) => c.role === r.role)?.sha256 ?? '' })),
    verified: ok.map((c) => ({ destination: c.destinationId, role: c.role, path: c.path ?? '', sha256: c.sha256 ?? '' })),
    at: at.toISOString(), updatedAt: at.toISOString(),
  };
}

type Db = Kysely<CatalogDatabase & FreeUpTables>;

export function auditRepository(base: Kysely<CatalogDatabase>) {
  const db: Db = base.withTables<FreeUpTables>();
  const toRun = (r: FreeUpTables['free_up_runs']): FreeUpRunRow => ({
    id: r.id, sourceId: r.source_id, sourceSpec: r.source_spec, destinations: JSON.parse(r.destinations) as FreeUpRunRow['destinations'],
    criteria: JSON.parse(r.criteria) as unknown, startedAt: new Date(Number(r.started_at)),
    finishedAt: r.finished_at === null ? null : new Date(Number(r.finished_at)), status: r.status, message: r.message,
  });
  return {
    async startRun(run: Omit<FreeUpRunRow, 'finishedAt' | 'status' | 'message'>): Promise<void> {
      await db.insertInto('free_up_runs').values({
        id: run.id, source_id: run.sourceId, source_spec: run.sourceSpec, destinations: JSON.stringify(run.destinations),
        criteria: JSON.stringify(run.criteria), started_at: run.startedAt.getTime(), finished_at: null, status: 'running', message: null,
      }).execute();
    },
    async finishRun(id: string, status: string, message: string | null): Promise<void> {
      await db.updateTable('free_up_runs').set({ status, message, finished_at: Date.now() }).where('id', '=', id).execute();
    },
    async run(id: string): Promise<FreeUpRunRow | undefined> {
      const row = await db.selectFrom('free_up_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toRun(row);
    },
    async runs(limit: number): Promise<FreeUpRunRow[]> {
      return (await db.selectFrom('free_up_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute()).map(toRun);
    },
    /** Writes a batch's entries as pending, in one transaction, before the batch goes to Apple. */
    async addPending(entries: readonly AuditEntry[]): Promise<void> {
      if (entries.length === 0) return;
      await db.transaction().execute(async (tx) => {
        for (const e of entries) {
          await tx.insertInto('free_up_audit').values({
            run_id: e.run, asset_id: e.asset, batch: e.batch, state: e.state, entry: JSON.stringify(e), bytes: e.bytes,
            at: Date.parse(e.at), updated_at: Date.parse(e.updatedAt),
          }).execute();
        }
      });
    },
    async setState(run: string, changes: ReadonlyMap<AssetId, { state: AuditState; reason?: string }>): Promise<void> {
      const now = Date.now();
      await db.transaction().execute(async (tx) => {
        for (const [asset, { state, reason }] of changes) {
          const row = await tx.selectFrom('free_up_audit').select('entry').where('run_id', '=', run).where('asset_id', '=', asset).executeTakeFirst();
          if (row === undefined) continue;
          const entry = { ...JSON.parse(row.entry) as AuditEntry, state, updatedAt: new Date(now).toISOString(), ...(reason === undefined ? {} : { reason }) };
          await tx.updateTable('free_up_audit').set({ state, entry: JSON.stringify(entry), updated_at: now })
            .where('run_id', '=', run).where('asset_id', '=', asset).execute();
        }
      });
    },
    async entries(run: string): Promise<AuditEntry[]> {
      const rows = await db.selectFrom('free_up_audit').select('entry').where('run_id', '=', run).orderBy('batch').orderBy('at').orderBy('asset_id').execute();
      return rows.map((r) => JSON.parse(r.entry) as AuditEntry);
    },
    /** Entries of earlier runs of this source still `pending`: their batch was sent (or not) when the process died. */
    async pendingOf(sourceId: string): Promise<{ run: string; asset: AssetId }[]> {
      const rows = await db.selectFrom('free_up_audit').innerJoin('free_up_runs', 'free_up_runs.id', 'free_up_audit.run_id')
        .select(['free_up_audit.run_id', 'free_up_audit.asset_id']).where('free_up_runs.source_id', '=', sourceId)
        .where('free_up_audit.state', '=', 'pending').execute();
      return rows.map((r) => ({ run: r.run_id, asset: r.asset_id as AssetId }));
    },
  };
}
export type AuditRepository = ReturnType<typeof auditRepository>;

export const auditFileOf = (run: string): string => `photoferry-free-up-${run}.jsonl`;

/** Rewrites the run's JSONL at the destination root from the catalog rows (staged and verified like any file). */
export async function writeAuditFile(destination: Destination, run: string, entries: readonly AuditEntry[], signal: AbortSignal): Promise<void> {
  if (destination.writeFile === undefined) return;
  const body = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
  await putBytes(destination, { asset: null, role: 'original', path: auditFileOf(run), body: Readable.from([body]), size: body.length, contentType: 'application/x-ndjson' }, () => undefined, signal);
}
