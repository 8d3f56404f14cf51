/** @module Live view of a running run: files and bytes of the exact total, throughput, ETA, Apple's pace, failures as they happen. */
import type { LiveRun } from '../../lib/run-stream.ts';
import { formatBytes, formatCount, formatDuration } from '../../lib/format.ts';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { Notice } from '../../components/notice.tsx';
import { RunStatus } from './run-status.tsx';

export function LiveProgress({ live }: { live: LiveRun }) {
  const s = live.snapshot;
  if (!s) return <p role="status" class="muted">Connecting to the run…</p>;
  const listing = s.state === 'listing';
  return (
    <section class="live" aria-label="Live progress" data-testid="live-progress" data-state={s.state}>
      <div class="row spread">
        {!live.ended && <RunStatus status={s.state} />}
        {live.current && !live.ended && <span class="muted small ellipsis" title={live.current}>{live.current}</span>}
      </div>
      {listing ? <p role="status">Listing the library to find what to copy…</p> : (
        <>
          <ProgressBar done={s.bytesDone} total={s.bytes} label="Bytes copied" testId="progress-percent" />
          <dl class="stats">
            <div><dt>Files</dt><dd data-testid="progress-files">{formatCount(s.filesDone)} / {formatCount(s.files)}</dd></div>
            <div><dt>Bytes</dt><dd data-testid="progress-bytes">{formatBytes(s.bytesDone)} / {formatBytes(s.bytes)}</dd></div>
            <div><dt>Speed</dt><dd data-testid="progress-rate">{formatBytes(s.bytesPerSecond)}/s</dd></div>
            <div><dt>Time left</dt><dd data-testid="progress-eta">{live.ended ? '—' : formatDuration(s.etaSeconds)}</dd></div>
            {s.pace && (
              <div><dt>Pace</dt><dd data-testid="progress-pace">
                {s.pace.concurrency}/{s.pace.maxConcurrency} at a time
                {s.pace.backoffSeconds > 0 ? `, backing off ${formatDuration(s.pace.backoffSeconds)}` : ''}
                {s.pace.throttles > 0 ? ` · throttled ${s.pace.throttles}×` : ''}
              </dd></div>
            )}
          </dl>
        </>
      )}
      {s.state === 'backing-off' && <Notice kind="warn" testId="progress-backoff">Apple is throttling; photoferry waits and slows down, then continues on its own.</Notice>}
      {live.note && !live.ended && <p class="muted small" data-testid="progress-note">{live.note}</p>}
      {live.error && <Notice kind="error" testId="run-error">{live.error.message}</Notice>}
      {/* Once the run is over, the run's own failure table (from the catalog) replaces this running list. */}
      {live.failures.length > 0 && !live.ended && (
        <details open data-testid="live-failures">
          <summary>{live.failures.length} failed file{live.failures.length === 1 ? '' : 's'}</summary>
          <ul class="failures" tabIndex={0} aria-label="Failed files">{live.failures.map((f, i) => <li key={i}><code>{f.path}</code> — {f.kind}{f.message ? `: ${f.message}` : ''}</li>)}</ul>
        </details>
      )}
    </section>
  );
}
