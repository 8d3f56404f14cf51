/** @module One task: what it does in words, actions (run, plan), the active run live with pause and bandwidth, and its run history. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../../api/client.ts';
import type { PlanReport, RunView, Task } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { useRunStream } from '../../lib/use-run-stream.ts';
import { formatBytes, formatCount } from '../../lib/format.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { TaskActions } from '../tasks/task-actions.tsx';
import { filterWords, fidelityWords, nextRunText, scheduleText } from '../tasks/schedule-text.ts';
import { LiveProgress } from './live-progress.tsx';
import { RunHistory } from './run-history.tsx';
import { RunControls } from './run-controls.tsx';

export function TaskPage({ id }: { id: string }) {
  const task = useAsync(() => get<Task>(`/api/tasks/${enc(id)}`), [id]);
  const runs = useAsync(() => get<RunView[]>(`/api/runs?task=${enc(id)}&limit=50`), [id]);
  const [error, setError] = useState<string>();
  const active = task.value?.active ?? null;
  const live = useRunStream(active ? `/api/tasks/${enc(id)}/events` : null, active?.runId ?? null);
  useEffect(() => { if (live.ended) { task.reload(); runs.reload(); } }, [live.ended]);
  const reload = () => { task.reload(); runs.reload(); };

  const t = task.value;
  const filters = t ? filterWords(t.filters) : [];
  return (
    <div class="page">
      <h1>{t?.name ?? 'Task'}</h1>
      <ErrorNotice error={error ?? task.error ?? runs.error} />
      {t && (
        <section class="card" aria-label="Task">
          <dl class="facts" data-testid="task-facts">
            <div><dt>From</dt><dd data-testid="task-source"><code>{t.source}</code></dd></div>
            <div><dt>To</dt><dd data-testid="task-dest"><code>{t.destination}</code></dd></div>
            <div><dt>What</dt><dd data-testid="task-what">{t.albums?.length ? `Albums: ${t.albums.join(', ')}` : 'The whole library'}</dd></div>
            <div><dt>Filters</dt><dd data-testid="task-filters">{filters.length > 0 ? filters.join('; ') : 'None: every photo and video'}</dd></div>
            <div><dt>Files written</dt><dd data-testid="task-fidelity">{fidelityWords(t.fidelity, t.policy)}</dd></div>
            {t.template && <div><dt>Folder layout</dt><dd><code>{t.template}</code></dd></div>}
            <div><dt>Bandwidth</dt><dd>{t.bandwidth ? `At most ${formatBytes(t.bandwidth)}/s` : 'No limit'}</dd></div>
            <div><dt>Schedule</dt><dd data-testid="task-schedule">{scheduleText(t.schedule)}</dd></div>
            <div><dt>Next run</dt><dd>{nextRunText(t)}</dd></div>
          </dl>
          <TaskActions task={t} onChanged={reload} onError={setError} />
        </section>
      )}
      {active && (
        <section class="card" aria-label="Current run">
          <h2>Current run {(live.runId ?? active.runId) && <a class="small" href={`#/runs/${enc(live.runId ?? active.runId ?? '')}`}>details</a>}</h2>
          <LiveProgress live={live} />
          {!live.ended && <RunControls taskId={id} snapshot={live.snapshot} />}
        </section>
      )}
      {t && <PlanSection taskId={id} />}
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">Run history</h2>
        <RunHistory runs={runs.value ?? []} />
      </section>
    </div>
  );
}

/** Dry run: lists the library and says what a run would copy, without writing anything. */
function PlanSection({ taskId }: { taskId: string }) {
  const [plan, setPlan] = useState<PlanReport>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true); setError(undefined);
    try { setPlan(await post<PlanReport>(`/api/tasks/${enc(taskId)}/plan`)); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <section class="card" aria-labelledby="plan-h">
      <h2 id="plan-h">Plan (dry run)</h2>
      <p class="muted small">What the next run would copy; nothing is written.</p>
      <button type="button" class="secondary" onClick={() => void run()} disabled={busy} data-testid="task-plan">{busy ? 'Planning…' : 'Plan'}</button>
      <ErrorNotice error={error} />
      {plan && (
        <dl class="stats" data-testid="plan-report">
          <div><dt>To copy</dt><dd data-testid="plan-files">{formatCount(plan.counts.originals.files)}</dd></div>
          <div><dt>Bytes</dt><dd data-testid="plan-bytes">{formatBytes(plan.counts.originals.bytes ?? 0)}</dd></div>
          <div><dt>Assets</dt><dd data-testid="plan-assets">{formatCount(plan.counts.assets)}</dd></div>
          <div><dt>Already there</dt><dd data-testid="plan-present">{formatCount(plan.present)}</dd></div>
          <div><dt>Filtered out</dt><dd data-testid="plan-filtered">{formatCount(plan.filtered)}</dd></div>
        </dl>
      )}
    </section>
  );
}
