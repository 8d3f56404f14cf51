/** @module The warning before removing something tasks use: which tasks, and what happens to them. */
import type { Usage } from '../../api/types.ts';

export function usageWarning(usage: Usage, role: 'source' | 'destination'): string {
  if (usage.tasks.length === 0) return '';
  const names = usage.tasks.map((t) => `“${t.name}”`).join(', ');
  return `Warning: ${usage.tasks.length} task${usage.tasks.length === 1 ? ' uses' : 's use'} this ${role}: ${names}. ` +
    `They will fail until you edit them.\n\n`;
}
