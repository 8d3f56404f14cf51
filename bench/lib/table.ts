/** @module Plain-text table of bench rows (also fine pasted into Markdown). */
import type { Row } from './types.ts';

const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '' : n.toFixed(digits));

export function formatTable(rows: readonly Row[]): string {
  const header = ['section', 'what', 'tool', 'seconds', 'MB/s', 'items/s', 'peak RSS MB', 'note'];
  const body = rows.map((r) => [
    r.section, r.what, r.tool, r.tool.startsWith('ratio') ? `${fmt(r.seconds, 2)}×` : fmt(r.seconds, 2),
    fmt(r.mbPerSec, 0), fmt(r.itemsPerSec, 0), fmt(r.peakRssMb, 0), r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
