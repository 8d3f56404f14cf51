/** @module Every asset a run touches ends in exactly one Outcome with a reason code from a closed list. */
import type { AssetId, ResourceRole } from './asset.ts';
import type { TransferErrorKind } from './transfer-error.ts';
import type { Counts } from './counts.ts';

export const OUTCOME_CODES = [
  'copied',             // bytes sent, verified, recorded
  'already-present',    // the destination verifiably holds this version already
  'removed',            // deleted at the destination because the source deleted it (sync --delete)
  'filtered',           // excluded by a filter
  'failed',             // see error kind
] as const;
export type OutcomeCode = (typeof OUTCOME_CODES)[number];

export type OutcomeStatus = 'done' | 'skipped' | 'failed';

export interface Outcome {
  readonly assetId: AssetId;
  readonly role: ResourceRole;
  readonly status: OutcomeStatus;
  readonly code: OutcomeCode;
  readonly bytes: number;
  readonly path?: string;
  readonly errorKind?: TransferErrorKind;
  readonly message?: string;
}

export type RunId = string & { readonly __brand: 'RunId' };

export interface RunSummary {
  /** Assets this run wrote an original file of (= counts.assets). */
  readonly assets: number;
  /** Outcomes of library files: `copied` = counts.originals.files. */
  readonly files: { readonly copied: number; readonly present: number; readonly removed: number; readonly failed: number; readonly filtered: number };
  /** Every byte written: counts.originals.bytes + counts.derived.bytes. */
  readonly bytes: number;
  /** What this run wrote, labelled (absent in runs recorded before counts existed). */
  readonly counts?: Counts;
  /** Why a failed or cancelled run stopped (recorded even when it failed before transferring anything). */
  readonly reason?: string;
  readonly durationMs: number;
  readonly status: 'ok' | 'partial' | 'failed' | 'cancelled';
}
