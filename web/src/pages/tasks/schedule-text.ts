/** @module One-line description of a task's schedule and state for lists. */
import type { Schedule, Task } from '../../api/types.ts';
import { formatDate } from '../../lib/format.ts';

export function scheduleText(s: Schedule): string {
  if (s.type === 'once') return 'On demand';
  if (s.type === 'cron') return `cron ${s.cron}`;
  return s.preset.charAt(0).toUpperCase() + s.preset.slice(1);
}

export function nextRunText(t: Task): string {
  if (t.paused) return 'Paused';
  return t.nextRunAt ? formatDate(t.nextRunAt) : '—';
}
