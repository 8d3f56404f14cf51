/** @module A finished run's summary (one outcome per file, counted), its failures with reasons, and report downloads. */
import type { Failure, RunView } from '../../api/types.ts';
import { enc } from '../../api/client.ts';
import { formatBytes, formatCount, formatDate, formatDuration } from '../../lib/format.ts';
import { Notice } from '../../components/notice.tsx';

export function RunSummary({ run, failures }: { run: RunView; failures: Failure[] }) {
  const s = run.summary;
  const base = `/api/runs/${enc(run.id)}`;
  return (
    <section aria-label="Summary" data-testid="run-summary">
      {run.error && <Notice kind="error" testId="run-error">{run.error.message}</Notice>}
      {s && (
        <dl class="stats">
          <div><dt>Copied</dt><dd data-testid="summary-copied">{formatCount(s.files.copied)}</dd></div>
          <div><dt>Already there</dt><dd data-testid="summary-present">{formatCount(s.files.present)}</dd></div>
          <div><dt>Failed</dt><dd data-testid="summary-failed">{formatCount(s.files.failed)}</dd></div>
          <div><dt>Filtered out</dt><dd data-testid="summary-filtered">{formatCount(s.files.filtered)}</dd></div>
          {s.files.removed > 0 && <div><dt>Removed</dt><dd>{formatCount(s.files.removed)}</dd></div>}
          <div><dt>Assets</dt><dd data-testid="summary-assets">{formatCount(s.assets)}</dd></div>
          <div><dt>Bytes</dt><dd data-testid="summary-bytes">{formatBytes(s.bytes)}</dd></div>
          <div><dt>Took</dt><dd>{formatDuration(s.durationMs / 1000)}</dd></div>
        </dl>
      )}
      <p class="muted small">Started {formatDate(run.startedAt)}{run.finishedAt ? ` · finished ${formatDate(run.finishedAt)}` : ''}</p>
      <div class="row">
        <a class="button secondary small" href={`${base}/report.csv`} download data-testid="report-csv">Report (CSV)</a>
        <a class="button secondary small" href={`${base}/report.json`} download data-testid="report-json">Report (JSON)</a>
      </div>
      {failures.length > 0 && (
        <table class="list" data-testid="failure-list">
          <caption>Failed files</caption>
          <thead><tr><th>File</th><th>Reason</th><th>Message</th></tr></thead>
          <tbody>
            {failures.map((f, i) => (
              <tr key={i}><td><code>{f.path ?? `${f.assetId} (${f.role})`}</code></td><td>{f.errorKind ?? 'failed'}</td><td>{f.message ?? ''}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
