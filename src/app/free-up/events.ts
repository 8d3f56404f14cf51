/** @module Progress events of free-up runs and undos (CLI --json lines, dashboard stream). */
import type { FreeUpSummary } from './report.ts';

export type FreeUpEvent =
  | { readonly type: 'free-up-plan'; readonly summary: FreeUpSummary }
  | { readonly type: 'free-up-started'; readonly runId: string; readonly candidates: number }
  | {
    readonly type: 'free-up-batch'; readonly runId: string; readonly batch: number; readonly deleted: number; readonly failed: number;
    readonly kept: number; readonly totalDeleted: number; readonly totalBytes: number; readonly done: number; readonly of: number;
  }
  | {
    readonly type: 'free-up-finished'; readonly runId: string; readonly summary: FreeUpSummary; readonly deleted: { assets: number; bytes: number };
    readonly failed: readonly { asset: string; reason: string }[]; readonly error?: string;
  }
  | { readonly type: 'free-up-undo'; readonly runId: string; readonly recovered: number; readonly failed: number; readonly of: number };
