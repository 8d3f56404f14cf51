/** @module Shapes of the server's JSON answers, as docs/api.md states them; the dashboard reads only these fields. */

export interface Session { setupNeeded: boolean; setupTokenRequired?: boolean; authenticated: boolean; csrfToken?: string }

/** The subset of JSON Schema the connector option schemas use (zod → JSON Schema on the server). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: (string | number)[];
  const?: string | number | boolean;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  /** Set by the server on secret options (passwords, keys): rendered as password inputs, never echoed back. */
  secret?: boolean;
}

export interface Connector { kind: string; title: string; options: JsonSchema }
export interface Connectors { sources: Connector[]; destinations: Connector[] }

export type AccountState = 'needs-code' | 'signed-in' | 'failed' | 'expired' | string;
export interface ConnectAnswer { id: string; appleId?: string; state: AccountState; hint?: string; message?: string }
export interface Account { id: string; appleId: string; state: AccountState; daysLeft?: number; trustAgeDays?: number; trusted?: boolean; message?: string; simulator?: boolean; authUrl?: string; setupUrl?: string }

export interface Destination { name: string; type: string; title?: string; options?: Record<string, unknown> }
export interface TestAnswer { ok: boolean; code?: string; message?: string }

export interface Bucket { assets: number; bytes: number }
export interface AlbumRef { id: string; path: string[]; kind: 'user' | 'smart' | 'shared' }
export interface LibraryStats {
  source: string; sourceId: string; assets: number; bytes: number;
  byYear: Record<string, Bucket>; byType: Record<string, Bucket>; byAlbum: Record<string, Bucket>;
  albums: AlbumRef[]; refreshedAt: string | null;
  services: ServiceCopies[];
}
/** A photo service's share of the library (src/app/library-copies.ts); `verified` null = unverifiable (Google Photos). */
export interface ServiceCopies {
  name: string; destinationId: string; kind: string; assets: number; albums: number;
  verified: { assets: number; albums: number } | null;
}
export interface RefreshAnswer { source: string; upserts: number; deletions: number; pages: number }

export type Schedule =
  | { type: 'once' }
  | { type: 'cron'; cron: string }
  | { type: 'preset'; preset: 'daily' | 'weekly' | 'monthly' };

export interface Filters {
  takenAfter?: string; takenBefore?: string; types?: string[]; minSize?: number; maxSize?: number;
  favoritesOnly?: boolean; includeHidden?: boolean; filename?: string; albums?: string[]; excludeAlbums?: string[];
}

export interface Fidelity { sidecars: 'xmp' | 'json' | 'both' | 'none'; albums: 'manifest' | 'links' | 'none'; convertHeic: boolean }

export interface Policy { liveVideo: boolean; raw: 'original' | 'alternative' | 'both'; edits: 'original' | 'edited' | 'both' }

export interface TaskInput {
  // `| undefined` because the form clears them; JSON.stringify drops undefined members anyway.
  name: string; source: string; destination: string; albums?: string[] | undefined; filters?: Filters;
  template?: string | undefined; policy?: Policy; fidelity?: Fidelity; bandwidth?: number | undefined; schedule: Schedule; paused?: boolean;
}

export interface Summary {
  assets: number;
  files: { copied: number; present: number; removed: number; failed: number; filtered: number };
  bytes: number; durationMs: number; status: 'ok' | 'partial' | 'failed' | 'cancelled';
}

export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'cancelled' | 'interrupted';
export type SnapshotState = 'listing' | 'running' | 'backing-off' | 'ok' | 'partial' | 'failed' | 'cancelled';

export interface RunView {
  id: string; taskId: string | null; sourceId: string; destinationId: string; command: string;
  startedAt: string; finishedAt: string | null; status: RunStatus; summary: Summary | null;
  error?: { code: string; message: string };
}

export interface Task extends TaskInput {
  id: string; paused: boolean; createdAt: string; updatedAt: string; nextRunAt: string | null;
  active: { runId: string | null; state: SnapshotState } | null;
  lastRun: RunView | null;
}

export interface Failure { assetId: string; role: string; path?: string; errorKind?: string; message?: string }
export interface RunDetail { run: RunView; failures: Failure[]; snapshot?: Snapshot }
export interface RunStarted { taskId: string; runId: string | null }

export interface Pace { concurrency: number; maxConcurrency: number; backoffSeconds: number; throttles: number }

/** The `snapshot` event the server sends every second while a run goes. */
export interface Snapshot {
  filesDone: number; files: number; bytesDone: number; bytes: number;
  bytesPerSecond: number; etaSeconds: number; pace?: Pace; state: SnapshotState;
  /** Held by the user (pause), and the run's bandwidth limit in bytes/s (null: none). */
  paused?: boolean; bandwidth?: number | null;
}

export interface LogLine { at: string; level: 'info' | 'warn' | 'error'; message: string }
export interface PlanReport {
  counts: { assets: number; originals: { files: number; bytes: number | null }; derived: { files: number } }; present: number; filtered: number; removes: number;
  byYear: Record<string, { files: number; bytes: number }>; byType: Record<string, { files: number; bytes: number }>;
  byAlbum: Record<string, { files: number; bytes: number }>;
}
export interface VerifyReport {
  destinationId: string; counts: { assets: number; originals: { files: number }; derived: { files: number } }; bytesRead: number; deep: boolean; problemCount: number;
  problems: { path: string; problem: string; detail: string }[];
}
export interface Usage { tasks: { id: string; name: string }[] }
export type NotificationEvent = 'run.finished' | 'run.partial' | 'run.failed' | 'icloud.signin-needed' | 'icloud.session-expiring' | 'icloud.session-expired' | 'destination.unreachable';
export interface NotificationSettings {
  webhook: { url: string; events?: NotificationEvent[] } | null;
  email: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string; to: string; events?: NotificationEvent[] } | null;
  expiringDays: number;
}

/** `GET /api/cluster`: workers and the job queue on a PostgreSQL catalog (empty lists on SQLite). */
export interface ClusterView { dialect: string; workers: WorkerView[]; queues: QueueFigures[] }
export interface WorkerView {
  id: string; host: string; pid: number; startedAt: string; heartbeatAt: string; currentJob: string | null;
  filesDone: number; bytesDone: number; alive: boolean; bytesPerSecond: number;
}
export interface QueueFigures {
  name: string; waiting: number; active: number; failed: number; total: number;
  recentFailures: { id: string; reason: string; at: string | null }[];
}
