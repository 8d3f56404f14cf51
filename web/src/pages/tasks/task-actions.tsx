/** @module The buttons that act on a task (run now, pause, resume, cancel, edit, delete), shared by the list and the task page. */
import { useState } from 'preact/hooks';
import { del, post, enc, errorText } from '../../api/client.ts';
import type { RunStarted, Task } from '../../api/types.ts';
import { navigate } from '../../lib/route.ts';

interface Props { task: Task; onChanged: () => void; onError: (message: string) => void; compact?: boolean }

export function TaskActions({ task, onChanged, onError, compact }: Props) {
  const [busy, setBusy] = useState(false);
  const base = `/api/tasks/${enc(task.id)}`;
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try { await fn(); onChanged(); } catch (err) { onError(errorText(err)); } finally { setBusy(false); }
  };
  const run = () => act(async () => {
    const started = await post<RunStarted>(`${base}/run`);
    // Without a runId the listing is still going; the task page follows the task's event stream meanwhile.
    navigate(started.runId ? `/runs/${enc(started.runId)}` : `/tasks/${enc(task.id)}`);
  });
  const remove = () => {
    if (!confirm(`Delete task “${task.name}”? A running run is cancelled; its run history stays.`)) return;
    void act(async () => { await del(base); navigate('/tasks'); });
  };
  const running = task.active !== null;
  const cls = compact ? 'small' : '';
  return (
    <div class="row actions" role="group" aria-label={`Actions for ${task.name}`}>
      {!running && <button type="button" class={cls} disabled={busy} onClick={() => void run()} data-testid="task-run">Run now</button>}
      {running && <button type="button" class={`${cls} danger`} disabled={busy} onClick={() => void act(() => post(`${base}/cancel`))} data-testid="task-cancel">Cancel run</button>}
      {task.paused
        ? <button type="button" class={`${cls} secondary`} disabled={busy} onClick={() => void act(() => post(`${base}/resume`))} data-testid="task-resume">Resume schedule</button>
        : <button type="button" class={`${cls} secondary`} disabled={busy} onClick={() => void act(() => post(`${base}/pause`))} data-testid="task-pause">Pause schedule</button>}
      <a class={`button secondary ${cls}`} href={`#/tasks/${enc(task.id)}/edit`} data-testid="task-edit">Edit</a>
      <button type="button" class={`${cls} secondary`} disabled={busy} onClick={remove} data-testid="task-delete">Delete</button>
    </div>
  );
}
