/** @module One task: its settings at a glance, actions, the active run live (from listing on), and its run history. */
import { useEffect, useState } from 'preact/hooks';
import { get, enc } from '../../api/client.ts';
import type { RunView, Task } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { useRunStream } from '../../lib/use-run-stream.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { TaskActions } from '../tasks/task-actions.tsx';
import { nextRunText, scheduleText } from '../tasks/schedule-text.ts';
import { LiveProgress } from './live-progress.tsx';
import { RunHistory } from './run-history.tsx';

export function TaskPage({ id }: { id: string }) {
  const task = useAsync(() => get<Task>(`/api/tasks/${enc(id)}`), [id]);
  const runs = useAsync(() => get<RunView[]>(`/api/runs?task=${enc(id)}&limit=50`), [id]);
  const [error, setError] = useState<string>();
  const active = task.value?.active ?? null;
  const live = useRunStream(active ? `/api/tasks/${enc(id)}/events` : null, active?.runId ?? null);
  useEffect(() => { if (live.ended) { task.reload(); runs.reload(); } }, [live.ended]);
  const reload = () => { task.reload(); runs.reload(); };

  const t = task.value;
  return (
    <div class="page">
      <h1>{t?.name ?? 'Task'}</h1>
      <ErrorNotice error={error ?? task.error ?? runs.error} />
      {t && (
        <section class="card" aria-label="Task">
          <dl class="stats">
            <div><dt>From</dt><dd><code>{t.source}</code></dd></div>
            <div><dt>To</dt><dd><code>{t.destination}</code></dd></div>
            <div><dt>Albums</dt><dd>{t.albums?.length ? t.albums.join(', ') : 'Whole library'}</dd></div>
            <div><dt>Schedule</dt><dd>{scheduleText(t.schedule)}</dd></div>
            <div><dt>Next run</dt><dd>{nextRunText(t)}</dd></div>
          </dl>
          <TaskActions task={t} onChanged={reload} onError={setError} />
        </section>
      )}
      {active && (
        <section class="card" aria-label="Current run">
          <h2>Current run {(live.runId ?? active.runId) && <a class="small" href={`#/runs/${enc(live.runId ?? active.runId ?? '')}`}>details</a>}</h2>
          <LiveProgress live={live} />
        </section>
      )}
      <section class="card" aria-labelledby="history-h">
        <h2 id="history-h">Run history</h2>
        <RunHistory runs={runs.value ?? []} />
      </section>
    </div>
  );
}
