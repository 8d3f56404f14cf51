/** @module Shapes of the /api/free-up answers (the app's CostPlan, FreeUpSummary and audit summary, as JSON). */
export interface Tally { assets: number; bytes: number }
export interface TierCost { tier: string; tierBytes: number; monthly: number }
export interface CostPlan {
  source: string; pricesDate: string; pricesFile: string; currency: string; icloudSource: string;
  library: Tally & { byYear: Record<string, Record<string, Tally>> };
  today: TierCost;
  afterFreeing: (TierCost & { throughYear: string; freedBytes: number; remainingBytes: number })[];
  destinations: { name: string; option: string; monthly: number }[];
  options: { id: string; name: string; monthly: number; source: string; note?: string }[];
}
export interface FreeUpSummary {
  candidates: number; remove: Tally; keep: Tally;
  byYear: Record<string, Record<string, Tally>>;
  kept: { asset: string; filename: string; takenAt: string; reasons: string[] }[];
}
export interface FreeUpRun {
  runId: string; status: string; message: string | null;
  byState: Record<string, Tally>;
  live: { finished: boolean; error?: string; last?: { type: string; done?: number; of?: number; totalDeleted?: number; totalBytes?: number } } | null;
}
