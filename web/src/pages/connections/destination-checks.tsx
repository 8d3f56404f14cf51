/** @module Verify a destination against the catalog (missing or changed files), and restore a backup from it into another destination. */
import { useState } from 'preact/hooks';
import { post, enc, errorText } from '../../api/client.ts';
import type { Summary, VerifyReport } from '../../api/types.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { CheckField, SelectField, TextField } from '../../components/field.tsx';
import { ErrorNotice, Notice } from '../../components/notice.tsx';

export function VerifyPanel({ name }: { name: string }) {
  const [deep, setDeep] = useState(false);
  const [report, setReport] = useState<VerifyReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true); setError(undefined);
    try { setReport(await post<VerifyReport>(`/api/destinations/${enc(name)}/verify`, { deep })); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <div class="subform" data-testid="verify-panel">
      <h3>Verify {name}</h3>
      <CheckField label="Read every file back and compare its SHA-256 (slow)" checked={deep} onChange={setDeep} testId="verify-deep" />
      <button type="button" onClick={() => void run()} disabled={busy} data-testid="verify-run">{busy ? 'Verifying…' : 'Verify now'}</button>
      <ErrorNotice error={error} />
      {report && (
        <div data-testid="verify-report" data-problems={report.problemCount}>
          <Notice kind={report.problemCount === 0 ? 'ok' : 'error'}>
            {report.problemCount === 0 ? 'All files are there' : `${formatCount(report.problemCount)} problem(s)`}: checked {formatCount(report.counts.originals.files)} files
            {report.counts.derived.files > 0 ? ` and ${formatCount(report.counts.derived.files)} sidecars/album entries` : ''}{report.deep ? `, read ${formatBytes(report.bytesRead)}` : ''}.
          </Notice>
          {report.problems.length > 0 && (
            <ul class="failures" tabIndex={0} aria-label="Problems">{report.problems.map((p) => <li key={p.path}><code>{p.path}</code> — {p.problem}: {p.detail}</li>)}</ul>
          )}
        </div>
      )}
    </div>
  );
}

export function RestorePanel({ from, targets }: { from: string; targets: string[] }) {
  const [to, setTo] = useState(targets[0] ?? '');
  const [path, setPath] = useState('');
  const [result, setResult] = useState<{ runId: string | null; summary: Summary | null; error?: { message: string } }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined); setResult(undefined);
    try { setResult(await post(`/api/restore`, { from, to: path ? `local:${path}` : to })); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="subform" onSubmit={(e) => void run(e)} data-testid="restore-panel">
      <h3>Restore from {from}</h3>
      <p class="muted small">Copies the photos this backup holds (as its manifest lists them) into another destination or a folder on this machine. Existing files there are kept.</p>
      <div class="row wrap">
        {targets.length > 0 && <SelectField label="Into destination" value={to} onChange={setTo} testId="restore-to" options={targets.map((t) => ({ value: t, label: t }))} />}
        <TextField label="Or into a folder on this machine" value={path} onInput={setPath} testId="restore-path" placeholder="/srv/restore" />
      </div>
      <button type="submit" disabled={busy || (!to && !path)} data-testid="restore-run">{busy ? 'Restoring…' : 'Restore'}</button>
      <ErrorNotice error={error ?? result?.error?.message} />
      {result?.summary && (
        <Notice kind={result.summary.files.failed === 0 ? 'ok' : 'warn'} testId="restore-result">
          Restored {formatCount(result.summary.files.copied)} files ({formatBytes(result.summary.bytes)}), {formatCount(result.summary.files.present)} already there, {formatCount(result.summary.files.failed)} failed.
          {result.runId && <> <a href={`#/runs/${enc(result.runId)}`}>See the run</a>.</>}
        </Notice>
      )}
    </form>
  );
}
