/** @module A task's runs, newest first, each with its outcome counts. */
import type { RunView } from '../../api/types.ts';
import { enc } from '../../api/client.ts';
import { formatBytes, formatCount, formatDate } from '../../lib/format.ts';
import { RunStatus } from './run-status.tsx';

export function RunHistory({ runs }: { runs: RunView[] }) {
  if (runs.length === 0) return <p class="muted">No run yet.</p>;
  return (
    <table class="list" data-testid="run-history">
      <thead><tr><th>Started</th><th>Status</th><th>Copied</th><th>Already there</th><th>Failed</th><th>Bytes</th></tr></thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.id} data-testid="run-row">
            <td><a href={`#/runs/${enc(r.id)}`}>{formatDate(r.startedAt)}</a></td>
            <td><RunStatus status={r.status} /></td>
            <td>{r.summary ? formatCount(r.summary.files.copied) : '—'}</td>
            <td>{r.summary ? formatCount(r.summary.files.present) : '—'}</td>
            <td>{r.summary ? formatCount(r.summary.files.failed) : '—'}</td>
            <td>{r.summary ? formatBytes(r.summary.bytes) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
