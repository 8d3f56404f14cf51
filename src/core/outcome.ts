/** @module Every asset a run touches ends in exactly one Outcome with a reason code from a closed list. */
import type { AssetId, ResourceRole } from './asset.ts';
import type { TransferErrorKind } from './transfer-error.ts';

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
  readonly assets: number;
  readonly files: { readonly copied: number; readonly present: number; readonly removed: number; readonly failed: number; readonly filtered: number };
  readonly bytes: number;
  readonly durationMs: number;
  readonly status: 'ok' | 'partial' | 'failed' | 'cancelled';
}
