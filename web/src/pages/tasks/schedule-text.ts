/** @module A task's schedule, filters and fidelity options in words, for the task list and the task page. */
import type { Fidelity, Filters, Policy, Schedule, Task } from '../../api/types.ts';
import { formatBytes, formatDate } from '../../lib/format.ts';

const PRESET_WORDS = { daily: 'Every day at 03:00', weekly: 'Every Sunday at 03:00', monthly: 'On the 1st of every month at 03:00' } as const;

export function scheduleText(s: Schedule): string {
  if (s.type === 'once') return 'Only when you press Run';
  if (s.type === 'cron') return `On the cron schedule “${s.cron}” (server time)`;
  return PRESET_WORDS[s.preset];
}

export function nextRunText(t: Task): string {
  if (t.paused) return 'Paused';
  return t.nextRunAt ? formatDate(t.nextRunAt) : '—';
}

export function filterWords(f: Filters | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.takenAfter) out.push(`taken on or after ${f.takenAfter.slice(0, 10)}`);
  if (f.takenBefore) out.push(`taken before ${f.takenBefore.slice(0, 10)}`);
  if (f.types?.length) out.push(`only ${f.types.join(', ')}`);
  if (f.favoritesOnly) out.push('favourites only');
  if (f.filename) out.push(`file names matching ${f.filename}`);
  if (f.excludeAlbums?.length) out.push(`not in ${f.excludeAlbums.join(', ')}`);
  if (f.minSize !== undefined) out.push(`at least ${formatBytes(f.minSize)}`);
  if (f.maxSize !== undefined) out.push(`at most ${formatBytes(f.maxSize)}`);
  if (f.includeHidden) out.push('hidden photos included');
  return out;
}

export const DEFAULT_FIDELITY: Fidelity = { sidecars: 'xmp', albums: 'manifest', convertHeic: false };
export const DEFAULT_POLICY: Policy = { liveVideo: true, raw: 'both', edits: 'both' };

const SIDECARS = { xmp: 'an XMP sidecar beside each photo', json: 'a JSON sidecar beside each photo', both: 'XMP and JSON sidecars', none: 'no sidecars' };
const ALBUMS = { manifest: 'albums as lists (albums/<name>.json)', links: 'album folders with copies', none: 'no album information' };

export function fidelityWords(f: Fidelity | undefined, p: Policy | undefined): string {
  const fi = f ?? DEFAULT_FIDELITY;
  const po = p ?? DEFAULT_POLICY;
  const files = [
    po.edits === 'both' ? 'originals and edits' : po.edits === 'original' ? 'originals only' : 'edited versions only',
    po.raw === 'both' ? 'RAW and JPEG' : po.raw === 'original' ? 'no RAW' : 'RAW only',
    po.liveVideo ? 'Live Photo videos' : 'no Live Photo videos',
  ];
  return `${files.join(', ')}; ${SIDECARS[fi.sidecars]}; ${ALBUMS[fi.albums]}${fi.convertHeic ? '; HEIC also as JPEG' : ''}.`;
}
