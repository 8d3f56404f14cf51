/** @module Folds a run's SSE messages (docs/api.md "Live progress") into the state the run view draws; pure, so easy to reason about. */
import type { Snapshot, Summary, SnapshotState } from '../api/types.ts';

export interface LiveFailure { path: string; kind: string; message: string }

export interface LiveRun {
  runId: string | null;
  snapshot: Snapshot | null;
  current: string | null;
  failures: LiveFailure[];
  /** The newest retry/back-off note from the engine, shown beside the pace. */
  note: string | null;
  summary: Summary | null;
  error: { code: string; message: string } | null;
  ended: boolean;
}

export const initialLive = (runId: string | null): LiveRun => ({
  runId, snapshot: null, current: null, failures: [], note: null, summary: null, error: null, ended: false,
});

export const TERMINAL: readonly SnapshotState[] = ['ok', 'partial', 'failed', 'cancelled'];
export const EVENT_TYPES = ['snapshot', 'listing', 'planned', 'file-start', 'file-done', 'retry', 'pace', 'finished', 'failed'] as const;

interface OutcomeLike { status?: string; path?: string; assetId?: string; errorKind?: string; code?: string; message?: string }

// The failure list is capped: a run of 100k files failing on a full disk must not grow the page without bound.
const MAX_FAILURES = 500;

export function foldEvent(state: LiveRun, type: string, data: unknown): LiveRun {
  const d = (data ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'snapshot': {
      const snapshot = d as unknown as Snapshot;
      return { ...state, snapshot, ended: state.ended || TERMINAL.includes(snapshot.state) };
    }
    case 'planned': return { ...state, runId: typeof d.runId === 'string' ? d.runId : state.runId };
    case 'file-start': return { ...state, current: typeof d.path === 'string' ? d.path : state.current };
    case 'file-done': {
      const o = (d.outcome ?? {}) as OutcomeLike;
      if (o.status !== 'failed' || state.failures.length >= MAX_FAILURES) return state;
      const failure = { path: o.path ?? o.assetId ?? '?', kind: o.errorKind ?? o.code ?? 'failed', message: o.message ?? '' };
      return { ...state, failures: [...state.failures, failure] };
    }
    case 'retry': return { ...state, note: `Retrying ${String(d.path)} (attempt ${String(d.attempt)}) in ${Math.round(Number(d.delayMs) / 100) / 10}s: ${String(d.reason)}` };
    case 'pace': return Number(d.backoffMs) > 0
      ? { ...state, note: `Apple asked to slow down: waiting ${Math.round(Number(d.backoffMs) / 1000)}s, ${String(d.concurrency)} at a time (${String(d.reason)})` }
      : state;
    case 'finished': return { ...state, summary: (d.summary ?? null) as Summary | null, current: null };
    case 'failed': return { ...state, error: { code: String(d.code ?? 'failed'), message: String(d.message ?? '') }, current: null };
    default: return state;
  }
}
