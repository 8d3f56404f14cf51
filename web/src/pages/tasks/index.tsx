/** @module Task list: every task with its schedule, next run, live state and last run, refreshed while something runs. */
import { useEffect, useState } from 'preact/hooks';
import { get, enc } from '../../api/client.ts';
import type { Task } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { RunStatus, runState } from '../runs/run-status.tsx';
import { TaskActions } from './task-actions.tsx';
import { nextRunText, scheduleText } from './schedule-text.ts';

export function TasksPage() {
  const tasks = useAsync(() => get<Task[]>('/api/tasks'));
  const [error, setError] = useState<string>();
  const anyActive = tasks.value?.some((t) => t.active !== null) ?? false;
  // Poll only while a run is active; the run page has the live SSE view.
  useEffect(() => {
    if (!anyActive) return undefined;
    const timer = setInterval(tasks.reload, 2000);
    return () => clearInterval(timer);
  }, [anyActive]);
  return (
    <div class="page">
      <div class="row spread">
        <h1>Tasks</h1>
        <a class="button" href="#/tasks/new" data-testid="task-new">New task</a>
      </div>
      <ErrorNotice error={error ?? tasks.error} />
      {tasks.value?.length === 0 && <p class="muted">No task yet. Create one to copy your library to a destination.</p>}
      {tasks.value && tasks.value.length > 0 && (
        <div class="table-scroll"><table class="list" data-testid="task-list">
          <thead><tr><th>Task</th><th>From → to</th><th>Schedule</th><th>Next run</th><th>Last run</th><th><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tasks.value.map((t) => (
              <tr key={t.id} data-testid="task-row" data-name={t.name}>
                <td><a href={`#/tasks/${enc(t.id)}`} data-testid="task-link">{t.name}</a></td>
                <td class="small">{t.source} → {t.destination}{t.albums?.length ? <div class="muted">{t.albums.join(', ')}</div> : null}</td>
                <td>{scheduleText(t.schedule)}</td>
                <td>{nextRunText(t)}</td>
                <td data-testid="task-last">{t.active ? <RunStatus status={t.active.state} /> : t.lastRun ? <a href={`#/runs/${enc(t.lastRun.id)}`}><RunStatus status={runState(t.lastRun)} /></a> : '—'}</td>
                <td><TaskActions task={t} onChanged={tasks.reload} onError={setError} compact /></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </div>
  );
}
