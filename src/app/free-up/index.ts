/** @module Free up iCloud: the use cases and request helpers the CLI and the server call. */
import { UsageError } from '../../core/usage-error.ts';
import { criteriaSchema, cutoffOf, type Criteria } from './criteria.ts';

export { freeUp, type FreeUpRequest, type FreeUpResult } from './free-up.ts';
export { undoFreeUp, type UndoResult } from './undo.ts';
export { summaryText, type FreeUpSummary } from './report.ts';
export { auditRepository, auditFileOf, type AuditEntry } from './audit.ts';
export type { FreeUpEvent } from './events.ts';
export type { Criteria } from './criteria.ts';

/** Flags (CLI or dashboard form) → validated criteria; bad input is a UsageError in the user's words. */
export function criteriaFrom(flags: { olderThan?: string; before?: string; album?: string[]; type?: string[]; keepFavorites?: boolean; keepAlbums?: boolean }, now: Date): Criteria {
  const takenBefore = cutoffOf(flags.olderThan, flags.before, now);
  const parsed = criteriaSchema.safeParse({
    ...(takenBefore === undefined ? {} : { takenBefore }), albums: flags.album, types: flags.type,
    keepFavorites: flags.keepFavorites ?? true, keepAlbums: flags.keepAlbums ?? false,
  });
  if (!parsed.success) throw new UsageError('invalid free-up options:', parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`));
  return parsed.data;
}
