/** @module Horizontal bar chart in plain SVG (no chart library, no CDN): one bar per key, length by assets or bytes. */
import type { Bucket } from '../api/types.ts';
import { formatBytes, formatCount } from '../lib/format.ts';

interface Props { title: string; data: Record<string, Bucket>; by: 'assets' | 'bytes'; testId?: string; sort?: 'key' | 'value' }

const ROW = 26;
const LABEL_W = 170;
const BAR_W = 340;
const VALUE_W = 150;

export function BarChart({ title, data, by, testId, sort = 'value' }: Props) {
  const rows = Object.entries(data);
  rows.sort(sort === 'key' ? (a, b) => a[0].localeCompare(b[0]) : (a, b) => b[1][by] - a[1][by]);
  const max = Math.max(1, ...rows.map(([, b]) => b[by]));
  const height = Math.max(ROW, rows.length * ROW);
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? <p class="muted">Nothing yet.</p> : (
        <svg role="img" aria-label={title} viewBox={`0 0 ${LABEL_W + BAR_W + VALUE_W} ${height}`} width="100%">
          {rows.map(([key, b], i) => {
            const w = Math.max(2, Math.round((b[by] / max) * BAR_W));
            const y = i * ROW;
            return (
              <g key={key} data-testid="chart-row" data-key={key}>
                <title>{`${key}: ${formatCount(b.assets)} assets, ${formatBytes(b.bytes)}`}</title>
                <text x={LABEL_W - 8} y={y + 17} text-anchor="end" class="chart-label">{truncate(key, 24)}</text>
                <rect x={LABEL_W} y={y + 5} width={w} height={ROW - 10} rx="3" class="chart-bar" />
                <text x={LABEL_W + w + 6} y={y + 17} class="chart-value">
                  {formatCount(b.assets)} · {formatBytes(b.bytes)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
