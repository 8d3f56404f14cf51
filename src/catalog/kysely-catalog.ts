/** @module Catalog implemented once over Kysely, so the SQLite default and PostgreSQL share every query. */
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Asset, AssetId, ResourceRole } from '../core/asset.ts';
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';
import type { Placement } from '../destinations/destination.ts';
import type { Album, ChangePage } from '../sources/source.ts';
import type { ConnectorState } from '../connectors/context.ts';
import type { Catalog, CatalogDialect, RunRecord } from './catalog.ts';
import type { CatalogDatabase, CatalogTables } from './schema.ts';
import { createSettingsStore, createTaskStore } from './repositories/tasks.ts';
import { createStatsStore } from './repositories/stats.ts';
import { createJobStore } from './repositories/jobs.ts';
import { createPacerStore } from './repositories/pacer.ts';
import { createRunLogStore } from './repositories/run-log.ts';
import { createRunOwnerStore, type RunOwnerStore } from './repositories/run-owners.ts';
import { newOwnerIdentity } from './owner-identity.ts';
import { createAdminSessionStore } from './repositories/admin-sessions.ts';
import { createFreeUpAuditStore } from './repositories/free-up-audit.ts';
import { assetFromJson, assetToJson, totalBytes } from './asset-json.ts';
import { pathKey } from './path-key.ts';
import { paddedIn, shapedBatches } from './statement-shapes.ts';
import { insertBound } from './bound-insert.ts';
import { createWriteBehind } from './write-behind.ts';
import { createLibraryRecords } from './library-records.ts';
import { assetsChangedSince, currentChangeSeq, nextChangeSeq } from './change-seq.ts';
import { chunked, orphanPlacements, pathOwners, placementOfRow, placementSources, placementStamp, placementsFor } from './placement-reads.ts';

type Db = Kysely<CatalogTables>;
const BATCH = 200;
const PAGE = 1000;

export function createKyselyCatalog(db: Db, dialect: CatalogDialect, onClose: () => Promise<void>, owners?: RunOwnerStore): Catalog {
  const pending = createWriteBehind(db);
  // A fork is the same process: it shares the owner (and its lease) of the catalog it came from.
  const runOwners = owners ?? createRunOwnerStore(db, newOwnerIdentity());
  return {
    dialect,
    tasks: createTaskStore(db),
    settings: createSettingsStore(db),
    stats: createStatsStore(db),
    jobs: createJobStore(db),
    pacer: createPacerStore(db, dialect),
    flush: () => pending.flush(),
    fork: () => createKyselyCatalog(db, dialect, async () => undefined, runOwners),
    runOwners,
    runLog: createRunLogStore(db),
    adminSessions: createAdminSessionStore(db),
    freeUpAudit: createFreeUpAuditStore(db),
    async ensureSource(sourceId, kind) {
      await db.insertInto('sources')
        .values({ id: sourceId, kind, cursor: null, listing_gen: 0, listing_open: 0, updated_at: Date.now() })
        .onConflict((oc) => oc.column('id').doNothing()).execute();
    },

    async cursor(sourceId) {
      const row = await db.selectFrom('sources').select('cursor').where('id', '=', sourceId).executeTakeFirst();
      return row?.cursor ?? null;
    },

    applyChanges: (sourceId, page) => db.transaction().execute(async (tx) => applyPage(tx, sourceId, page)),

    async assets(sourceId) {
      const rows = await db.selectFrom('assets').select('data')
        .where('source_id', '=', sourceId).where('deleted', '=', 0).orderBy('taken_at').orderBy('id').execute();
      return rows.map((r) => assetFromJson(r.data));
    },

    assetPages: (sourceId, pageSize = PAGE) => assetPages(db, sourceId, pageSize),

    async assetsById(sourceId, ids) {
      const rows = await chunked(ids, (chunk) => db.selectFrom('assets').select(['data', 'taken_at', 'id'])
        .where('source_id', '=', sourceId).where('deleted', '=', 0).where('id', 'in', chunk).execute());
      rows.sort((a, b) => Number(a.taken_at) - Number(b.taken_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return rows.map((r) => assetFromJson(r.data));
    },

    async albums(sourceId) {
      const rows = await db.selectFrom('albums').selectAll().where('source_id', '=', sourceId).orderBy('path').execute();
      return rows.map((r) => ({ id: r.id, path: JSON.parse(r.path) as string[], kind: r.kind as Album['kind'] }));
    },

    async placements(destinationId, sourceId) {
      await pending.flush();
      let q = db.selectFrom('placements').selectAll().where('destination_id', '=', destinationId);
      if (sourceId !== undefined) q = q.where('source_id', '=', sourceId);
      const rows = await q.orderBy('path').execute();
      return rows.map(placementOfRow);
    },

    async placementsFor(destinationId, sourceId, assetIds) {
      await pending.flush();
      return placementsFor(db, destinationId, sourceId, assetIds);
    },

    async pathOwners(destinationId, sourceId, keys) {
      await pending.flush();
      return pathOwners(db, destinationId, sourceId, keys);
    },

    async placementSources(destinationId) {
      await pending.flush();
      return placementSources(db, destinationId);
    },

    async placementStamp(destinationId) {
      await pending.flush();
      return placementStamp(db, destinationId);
    },

    async orphanPlacements(destinationId, sourceId) {
      await pending.flush();
      return orphanPlacements(db, destinationId, sourceId);
    },

    async recordPlacement(p: Placement) {
      const row = {
        destination_id: p.destinationId, source_id: p.sourceId, asset_id: p.assetId, role: p.role, path: p.path,
        path_key: pathKey(p.path), size: p.size, sha256: p.sha256, fingerprint: p.fingerprint, version: p.version,
        verified_at: p.verifiedAt.getTime(), remote_id: p.remoteId ?? null, remote_checksum: p.remoteChecksum ?? null,
      };
      await pending.enqueueRow(writePlacements, row);
    },

    async removePlacement(destinationId, sourceId, assetId, role) {
      await pending.flush();
      await db.transaction().execute(async (tx) => {
        // The counter first, as every writer takes it: two transactions never wait on each other the other way round.
        const seq = await nextChangeSeq(tx);
        await tx.deleteFrom('placements').where('destination_id', '=', destinationId).where('source_id', '=', sourceId)
          .where('asset_id', '=', assetId).where('role', '=', role).execute();
        // The row is gone, so the change is stamped on its asset: the library files see the asset changed.
        await tx.updateTable('assets').set({ changed_seq: seq }).where('source_id', '=', sourceId).where('id', '=', assetId).execute();
      });
    },

    async changeSeq() {
      await pending.flush();
      return currentChangeSeq(db);
    },

    async assetsChangedSince(destinationId, sourceId, since) {
      await pending.flush();
      return assetsChangedSince(db, destinationId, sourceId, since);
    },

    async startRun(spec) {
      const id = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}` as RunId;
      // The owner's lease lives before its first run does, so no other process ever sees the run without a live owner.
      await runOwners.live();
      await db.insertInto('runs').values({
        id, source_id: spec.sourceId, destination_id: spec.destinationId, command: spec.command,
        started_at: Date.now(), finished_at: null, status: 'running', summary: null, owner: runOwners.self.id,
      }).execute();
      return id;
    },

    async recordOutcome(runId, o) {
      await pending.enqueueRow(writeOutcomes, {
        run_id: runId, asset_id: o.assetId, role: o.role, status: o.status, code: o.code, bytes: o.bytes,
        path: o.path ?? null, error_kind: o.errorKind ?? null, message: o.message ?? null,
      });
    },

    async finishRun(runId, summary) {
      await pending.flush();
      await db.updateTable('runs').set({ finished_at: Date.now(), status: summary.status, summary: JSON.stringify(summary) })
        .where('id', '=', runId).execute();
    },

    async runs(limit) {
      await pending.flush();
      const rows = await db.selectFrom('runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
      return rows.map(toRunRecord);
    },

    async run(runId) {
      await pending.flush();
      const row = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
      return row ? toRunRecord(row) : null;
    },

    async outcomes(runId, filter = {}) {
      await pending.flush();
      let q = db.selectFrom('outcomes').selectAll().where('run_id', '=', runId);
      if (filter.status) q = q.where('status', '=', filter.status);
      const rows = await q.orderBy('seq').execute();
      return rows.map((r) => ({
        assetId: r.asset_id as AssetId, role: r.role as ResourceRole, status: r.status as Outcome['status'],
        code: r.code as Outcome['code'], bytes: Number(r.bytes),
        ...(r.path === null ? {} : { path: r.path }),
        ...(r.error_kind === null ? {} : { errorKind: r.error_kind as NonNullable<Outcome['errorKind']> }),
        ...(r.message === null ? {} : { message: r.message }),
      }));
    },

    library(destinationId, sourceId) {
      const records = createLibraryRecords(db, destinationId, sourceId);
      // Memberships refer to placements: commit queued placements first so a crash never leaves a member without its asset.
      return { ...records, albums: async () => { await pending.flush(); return records.albums(); },
        addMembers: async (albumId, ids) => { await pending.flush(); await records.addMembers(albumId, ids); } };
    },
    state: (scope) => connectorState(db, scope),
    async close() {
      // Whatever is queued is committed first; a failed batch still closes the database, then reports.
      const flushed = pending.flush().then(() => undefined, (err: unknown) => err);
      const failure = await flushed;
      // A fork leaves the owner to the catalog it came from; a database already gone cannot take the retirement.
      if (owners === undefined) await runOwners.stop().catch(() => undefined);
      await onClose();
      if (failure !== undefined) throw failure;
    },
  };
}

type PlacementRow = Insertable<CatalogDatabase['placements']>;
type OutcomeRow = Insertable<CatalogDatabase['outcomes']>;

/** Queued placements, BATCH rows per upsert; a key twice in one batch keeps its last row (PostgreSQL refuses to update one row twice in a statement). */
async function writePlacements(tx: Db, rows: PlacementRow[]): Promise<void> {
  const last = new Map<string, PlacementRow>();
  for (const r of rows) last.set(`${r.destination_id}\0${r.source_id}\0${r.asset_id}\0${r.role}`, r);
  const seq = await nextChangeSeq(tx);
  const unique = [...last.values()].map((r) => ({ ...r, changed_seq: seq }));
  for (const batch of shapedBatches(unique, BATCH)) {
    await insertBound(tx, 'placements', batch, (some) => tx.insertInto('placements').values(some)
      .onConflict((oc) => oc.columns(['destination_id', 'source_id', 'asset_id', 'role']).doUpdateSet((eb) => ({
        path: eb.ref('excluded.path'), path_key: eb.ref('excluded.path_key'), size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'), fingerprint: eb.ref('excluded.fingerprint'), version: eb.ref('excluded.version'),
        verified_at: eb.ref('excluded.verified_at'), changed_seq: eb.ref('excluded.changed_seq'),
      }))));
  }
}

async function writeOutcomes(tx: Db, rows: OutcomeRow[]): Promise<void> {
  for (const batch of shapedBatches(rows, BATCH)) await insertBound(tx, 'outcomes', batch, (some) => tx.insertInto('outcomes').values(some));
}

/** Keyset pages in (taken_at, id) order: each page starts after the last row of the one before, no OFFSET scans. */
async function* assetPages(db: Db, sourceId: string, pageSize: number): AsyncGenerator<Asset[]> {
  let after: { takenAt: number; id: string } | undefined;
  for (;;) {
    let q = db.selectFrom('assets').select(['data', 'taken_at', 'id'])
      .where('source_id', '=', sourceId).where('deleted', '=', 0);
    if (after !== undefined) {
      const { takenAt, id } = after;
      // A row-value comparison: both databases seek the (source_id, taken_at, id) index to it instead of scanning.
      q = q.where((eb) => eb(eb.refTuple('taken_at', 'id'), '>', eb.tuple(takenAt, id)));
    }
    const rows = await q.orderBy('taken_at').orderBy('id').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => assetFromJson(r.data));
    const last = rows[rows.length - 1]!;
    after = { takenAt: Number(last.taken_at), id: last.id };
    if (rows.length < pageSize) return;
  }
}

async function applyPage(tx: Db, sourceId: string, page: ChangePage): Promise<void> {
  const source = await tx.selectFrom('sources').select(['listing_gen', 'listing_open']).where('id', '=', sourceId).executeTakeFirstOrThrow();
  let gen = Number(source.listing_gen);
  let open = Number(source.listing_open);
  if (page.reset) { gen += 1; open = 1; }
  const seenGen = open ? gen : 0;
  const seq = await nextChangeSeq(tx);
  for (const batch of shapedBatches(page.upserts, BATCH)) {
    const rows = batch.map((a) => ({
      source_id: sourceId, id: a.id, version: a.version, kind: a.kind, taken_at: a.takenAt.getTime(),
      filename: a.filename, bytes: totalBytes(a), data: assetToJson(a), deleted: 0, seen_gen: seenGen, changed_seq: seq,
    }));
    // deleted as a literal, so the statement's parameters are its rows' values only (bound-insert.ts)
    await insertBound(tx, 'assets', rows, (some) => tx.insertInto('assets').values(some).onConflict((oc) => oc.columns(['source_id', 'id']).doUpdateSet((eb) => ({
      version: eb.ref('excluded.version'), kind: eb.ref('excluded.kind'), taken_at: eb.ref('excluded.taken_at'),
      filename: eb.ref('excluded.filename'), bytes: eb.ref('excluded.bytes'), data: eb.ref('excluded.data'),
      deleted: eb.lit(0), seen_gen: eb.ref('excluded.seen_gen'), changed_seq: eb.ref('excluded.changed_seq'),
    }))));
  }
  for (let i = 0; i < page.deletions.length; i += BATCH) {
    await tx.updateTable('assets').set({ deleted: 1, changed_seq: seq }).where('source_id', '=', sourceId)
      .where('id', 'in', paddedIn(page.deletions.slice(i, i + BATCH))).execute();
  }
  if (page.albums) {
    await tx.deleteFrom('albums').where('source_id', '=', sourceId).execute();
    for (let i = 0; i < page.albums.length; i += BATCH) {
      await tx.insertInto('albums').values(page.albums.slice(i, i + BATCH).map((a) => ({
        source_id: sourceId, id: a.id, path: JSON.stringify(a.path), kind: a.kind,
      }))).execute();
    }
  }
  if (page.done && open) {
    // Rows deleted before keep their change number: a full listing marks only what it newly found gone.
    await tx.updateTable('assets').set({ deleted: 1, changed_seq: seq }).where('source_id', '=', sourceId).where('seen_gen', '<', gen)
      .where('deleted', '=', 0).execute();
    open = 0;
  }
  await tx.updateTable('sources').set({ cursor: page.cursor, listing_gen: gen, listing_open: open, updated_at: Date.now() })
    .where('id', '=', sourceId).execute();
}

function toRunRecord(row: CatalogDatabase['runs']): RunRecord {
  return {
    id: row.id as RunId, sourceId: row.source_id, destinationId: row.destination_id, command: row.command,
    startedAt: new Date(Number(row.started_at)), finishedAt: row.finished_at === null ? null : new Date(Number(row.finished_at)),
    status: row.status, summary: row.summary === null ? null : JSON.parse(row.summary) as RunSummary,
  };
}

function connectorState(db: Db, scope: string): ConnectorState {
  return {
    async get<T>(key: string) {
      const row = await db.selectFrom('connector_state').select('value').where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      return row ? JSON.parse(row.value) as T : undefined;
    },
    async set(key, value) {
      const row = { scope, key, value: JSON.stringify(value) };
      await db.insertInto('connector_state').values(row).onConflict((oc) => oc.columns(['scope', 'key']).doUpdateSet({ value: row.value })).execute();
    },
    async delete(key) {
      await db.deleteFrom('connector_state').where('scope', '=', scope).where('key', '=', key).execute();
    },
    async keys(prefix) {
      const rows = await db.selectFrom('connector_state').select('key').where('scope', '=', scope).execute();
      return rows.map((r) => r.key).filter((k) => k.startsWith(prefix));
    },
  };
}
