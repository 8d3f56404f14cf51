/**
 * @module The free-up audit trail: rows in the catalog (migration 0006) and, at each destination's root, a JSONL
 * file per run regenerated from those rows. Entries are written as `pending` before their batch is sent to Apple.
 */
import { Readable } from 'node:stream';
import type { Asset, AssetId } from '../../core/asset.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { FreeUpRunRow } from '../../catalog/repositories/free-up-audit.ts';
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

export interface FreeUpRunView {
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

/** The audit trail over the catalog's free-up store, in the app's terms (runs and typed entries). */
export function auditRepository(catalog: Catalog) {
  const store = catalog.freeUpAudit;
  const toRun = (r: FreeUpRunRow): FreeUpRunView => ({
    id: r.id, sourceId: r.source_id, sourceSpec: r.source_spec, destinations: JSON.parse(r.destinations) as FreeUpRunView['destinations'],
    criteria: JSON.parse(r.criteria) as unknown, startedAt: new Date(r.started_at),
    finishedAt: r.finished_at === null ? null : new Date(r.finished_at), status: r.status, message: r.message,
  });
  return {
    startRun: (run: Omit<FreeUpRunView, 'finishedAt' | 'status' | 'message'>) => store.insertRun({
      id: run.id, source_id: run.sourceId, source_spec: run.sourceSpec, destinations: JSON.stringify(run.destinations),
      criteria: JSON.stringify(run.criteria), started_at: run.startedAt.getTime(), finished_at: null, status: 'running', message: null,
    }),
    finishRun: (id: string, status: string, message: string | null) => store.finishRun(id, status, message),
    run: async (id: string) => { const r = await store.run(id); return r === undefined ? undefined : toRun(r); },
    runs: async (limit: number) => (await store.runs(limit)).map(toRun),
    /** Writes a batch's entries as pending, in one transaction, before the batch goes to Apple. */
    addPending: (entries: readonly AuditEntry[]) => store.insertEntries(entries),
    setState: (run: string, changes: ReadonlyMap<AssetId, { state: AuditState; reason?: string }>) =>
      store.setStates(run, new Map([...changes].map(([asset, c]) => [asset, { state: c.state, ...(c.reason === undefined ? {} : { extra: { reason: c.reason } }) }]))),
    entries: async (run: string) => (await store.entries(run)) as AuditEntry[],
    pendingOf: async (sourceId: string) => (await store.pendingOf(sourceId)).map((p) => ({ run: p.run, asset: p.asset as AssetId })),
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
