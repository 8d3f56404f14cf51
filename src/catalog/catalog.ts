/** @module The Catalog contract: the only persistent state (sources, assets, placements, runs, outcomes). */
import type { Asset, AssetId } from '../core/asset.ts';
import type { Outcome, RunId, RunSummary } from '../core/outcome.ts';
import type { Placement, PlacementRole } from '../destinations/destination.ts';
import type { Album, ChangePage } from '../sources/source.ts';
import type { ConnectorState } from '../connectors/context.ts';
import type { LibraryRecords } from './library-records.ts';
import type { SettingsStore, TaskStore } from './repositories/tasks.ts';
import type { StatsStore } from './repositories/stats.ts';
import type { JobStore } from './repositories/jobs.ts';
import type { PacerStore } from './repositories/pacer.ts';
import type { RunLogStore } from './repositories/run-log.ts';
import type { RunOwnerStore } from './repositories/run-owners.ts';
import type { AdminSessionStore } from './repositories/admin-sessions.ts';
import type { FreeUpAuditStore } from './repositories/free-up-audit.ts';

/** Which database holds the catalog; only the composition root and ops pages care. */
export type CatalogDialect = 'sqlite' | 'postgres';

export interface RunRecord {
  readonly id: RunId;
  readonly sourceId: string;
  readonly destinationId: string;
  readonly command: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly status: string;
  readonly summary: RunSummary | null;
}

export interface Catalog {
  /** Registers a source (idempotent). */
  ensureSource(sourceId: string, kind: string): Promise<void>;
  /** The saved change cursor, null before the first complete listing. */
  cursor(sourceId: string): Promise<string | null>;
  /**
   * Applies one page in one transaction, cursor included, so a crash leaves either all of it or none.
   * A `reset` page starts a full listing; its `done` page marks every asset it did not mention deleted.
   */
  applyChanges(sourceId: string, page: ChangePage): Promise<void>;
  /** Assets of a source that are not deleted. */
  assets(sourceId: string): Promise<Asset[]>;
  /** The same assets page by page (same order), so a 1M-asset library is never one array. */
  assetPages(sourceId: string, pageSize?: number): AsyncIterable<Asset[]>;
  /** These assets of a source (the ones not deleted; unknown ids are left out), in the order of `assetPages`. */
  assetsById(sourceId: string, ids: readonly AssetId[]): Promise<Asset[]>;
  albums(sourceId: string): Promise<Album[]>;
  /** Verified placements on a destination (for one source's assets, or all). */
  placements(destinationId: string, sourceId?: string): Promise<Placement[]>;
  /** The placements of some assets (one page of them), in path order: what the streamed plan reads beside each page. */
  placementsFor(destinationId: string, sourceId: string, assetIds: readonly AssetId[]): Promise<Placement[]>;
  /** Which asset holds each of these path keys among one source's placements on a destination (absent: free). */
  pathOwners(destinationId: string, sourceId: string, pathKeys: readonly string[]): Promise<Map<string, string>>;
  /** The sources with placements on a destination. */
  placementSources(destinationId: string): Promise<string[]>;
  /** Changes whenever a placement on the destination is recorded, replaced or removed (an opaque string). */
  placementStamp(destinationId: string): Promise<string>;
  /**
   * The latest change number: every write of assets or placements takes the next one. Saved with something built
   * from the catalog, it lets `assetsChangedSince` say what to rebuild.
   */
  changeSeq(): Promise<number>;
  /**
   * Assets of a source whose listing (upsert, deletion) or placements on the destination (recorded, replaced,
   * removed) were written after change `since`; deleted assets included, each id once, in no particular order.
   */
  assetsChangedSince(destinationId: string, sourceId: string, since: number): Promise<AssetId[]>;
  /** Placements whose asset the source no longer lists (what sync --delete removes), in path order. */
  orphanPlacements(destinationId: string, sourceId: string): Promise<Placement[]>;
  /** Records (or replaces) where one resource now verifiably is. */
  recordPlacement(placement: Placement): Promise<void>;
  removePlacement(destinationId: string, sourceId: string, assetId: AssetId, role: PlacementRole): Promise<void>;
  /** A new run, owned by this catalog's process (see `runOwners`): its lease is renewed from now until close. */
  startRun(spec: { sourceId: string; destinationId: string; command: string }): Promise<RunId>;
  recordOutcome(runId: RunId, outcome: Outcome): Promise<void>;
  finishRun(runId: RunId, summary: RunSummary): Promise<void>;
  runs(limit: number): Promise<RunRecord[]>;
  run(runId: string): Promise<RunRecord | null>;
  outcomes(runId: string, filter?: { status?: Outcome['status'] }): Promise<Outcome[]>;
  /** Remote albums and album memberships of a library destination (one source's assets on it). */
  library(destinationId: string, sourceId: string): LibraryRecords;
  /** Durable key-value state for one connector instance. */
  state(scope: string): ConnectorState;
  /** Saved tasks and which task started which run. */
  readonly tasks: TaskStore;
  /** Server-wide settings. */
  readonly settings: SettingsStore;
  /**
   * This process as the owner of the runs it starts (a lease renewed while it lives, dropped at close), runs whose
   * owner is gone, and one lease per task so at most one run of a task is live across every process.
   */
  readonly runOwners: RunOwnerStore;
  /** Run logs (the dashboard). */
  readonly runLog: RunLogStore;
  /** Aggregate figures (metrics, library dates). */
  readonly stats: StatsStore;
  /** Run batches and workers, for runs spread over worker processes. */
  readonly jobs: JobStore;
  /** One token bucket, throttle cooldown and sign-in lease per source account, shared by every process. */
  readonly pacer: PacerStore;
  /** Commits queued per-file records now (a worker does before it reports a batch done). */
  flush(): Promise<void>;
  /**
   * The same database with its own queue of per-file records: a worker gives each batch one, so a write that failed
   * (database restarting) stops that batch only. Closing it commits its queue and leaves the database open.
   */
  fork(): Catalog;
  /** Dashboard admin sessions (app/admin-sessions.ts gives them meaning). */
  readonly adminSessions: AdminSessionStore;
  /** Free-up runs and their audit trail (app/free-up gives them meaning). */
  readonly freeUpAudit: FreeUpAuditStore;
  readonly dialect: CatalogDialect;
  close(): Promise<void>;
}
