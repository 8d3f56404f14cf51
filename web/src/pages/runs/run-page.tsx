/** @module One run: live progress over SSE while it goes (pause, bandwidth), then its summary, failures, log, reports, Retry or Resume. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../../api/client.ts';
import type { RunDetail, RunStarted } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { useRunStream } from '../../lib/use-run-stream.ts';
import { navigate } from '../../lib/route.ts';
import { ErrorNotice, Notice } from '../../components/notice.tsx';
import { LiveProgress } from './live-progress.tsx';
import { RunSummary } from './run-summary.tsx';
import { RunStatus, runState } from './run-status.tsx';
import { RunControls } from './run-controls.tsx';
import { RunLog } from './run-log.tsx';

export function RunPage({ id }: { id: string }) {
  const detail = useAsync(() => get<RunDetail>(`/api/runs/${enc(id)}`), [id]);
  const running = detail.value?.run.status === 'running';
  // Sticky: once this page has streamed the run, the stream (closed by then) and its last snapshot stay.
  const [streamed, setStreamed] = useState<string | null>(null);
  useEffect(() => { if (running) setStreamed(id); }, [running, id]);
  const live = useRunStream(streamed === id ? `/api/runs/${enc(id)}/events` : null, id);
  const [error, setError] = useState<string>();
  // The summary and the stored failures come from the run record once the stream says the run is over.
  useEffect(() => { if (live.ended) detail.reload(); }, [live.ended]);

  const restart = async (action: 'retry' | 'resume') => {
    try {
      const started = await post<RunStarted>(`/api/runs/${enc(id)}/${action}`);
      navigate(started.runId ? `/runs/${enc(started.runId)}` : `/tasks/${enc(started.taskId)}`);
    } catch (err) { setError(errorText(err)); }
  };
  const d = detail.value;
  const state = d ? runState(d.run) : '';
  const canRetry = d && d.run.taskId && !running && state !== 'interrupted' && (d.run.summary?.files.failed ?? 0) + (d.run.status === 'failed' ? 1 : 0) > 0;
  return (
    <div class="page">
      <div class="row spread wrap">
        <h1>Run {d && <RunStatus status={running && live.snapshot ? live.snapshot.state : state} />}</h1>
        {d?.run.taskId && <a href={`#/tasks/${enc(d.run.taskId)}`} data-testid="run-task-link">Back to task</a>}
      </div>
      <ErrorNotice error={error ?? detail.error} />
      {d && (
        <div class="card">
          <p class="muted small"><code>{d.run.sourceId}</code> → <code>{d.run.destinationId}</code></p>
          {state === 'needs-sign-in' && <Notice kind="error" testId="run-signin">Sign in again on the <a href="#/connections">Connections page</a>, then run the task again.</Notice>}
          {/* The last live view stays up after the run ends, so the 100 % bar sits above the summary. */}
          {(running || live.snapshot) && <LiveProgress live={live} />}
          {running && d.run.taskId && !live.ended && <RunControls taskId={d.run.taskId} snapshot={live.snapshot} />}
          {!running && <RunSummary run={d.run} failures={d.failures} />}
          {state === 'interrupted' && d.run.taskId && (
            <button type="button" onClick={() => void restart('resume')} data-testid="run-resume-interrupted">Resume</button>
          )}
          {canRetry && <button type="button" onClick={() => void restart('retry')} data-testid="run-retry">Retry failed</button>}
        </div>
      )}
      {d && <RunLog runId={id} version={live.ended ? 1 : 0} />}
    </div>
  );
}
