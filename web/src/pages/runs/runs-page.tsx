/** @module Every run of every task (and of the CLI), filtered by task, status and date, each linking to its page and log; on PostgreSQL, the workers and queue above them. */
import { useState } from 'preact/hooks';
import { get } from '../../api/client.ts';
import type { RunView, Task } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { SelectField, TextField } from '../../components/field.tsx';
import { ErrorNotice } from '../../components/notice.tsx';
import { RunHistory } from './run-history.tsx';
import { runState } from './run-status.tsx';
import { WorkersPanel } from './workers-panel.tsx';

const STATES = [
  { value: '', label: 'Any status' }, { value: 'attention', label: 'Needs attention' }, { value: 'ok', label: 'Done' },
  { value: 'partial', label: 'Done with failures' }, { value: 'failed', label: 'Failed' }, { value: 'needs-sign-in', label: 'Needs sign-in' },
  { value: 'interrupted', label: 'Interrupted' }, { value: 'running', label: 'Running' }, { value: 'cancelled', label: 'Cancelled' },
];
const ATTENTION = new Set(['failed', 'partial', 'needs-sign-in', 'destination-unreachable', 'interrupted']);

export function RunsPage() {
  const runs = useAsync(() => get<RunView[]>('/api/runs?limit=500'));
  const tasks = useAsync(() => get<Task[]>('/api/tasks'));
  const [task, setTask] = useState('');
  const [status, setStatus] = useState('');
  const [since, setSince] = useState('');
  const names = Object.fromEntries((tasks.value ?? []).map((t) => [t.id, t.name]));
  const shown = (runs.value ?? []).filter((r) => {
    const state = runState(r);
    if (task && r.taskId !== task) return false;
    if (status === 'attention' ? !ATTENTION.has(state) : status && state !== status) return false;
    return !since || r.startedAt.slice(0, 10) >= since;
  });
  return (
    <div class="page">
      <h1>Runs</h1>
      <ErrorNotice error={runs.error ?? tasks.error} />
      <WorkersPanel />
      <form class="card row wrap" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Task" value={task} onChange={setTask} testId="runs-filter-task"
          options={[{ value: '', label: 'All tasks' }, ...(tasks.value ?? []).map((t) => ({ value: t.id, label: t.name }))]} />
        <SelectField label="Status" value={status} onChange={setStatus} testId="runs-filter-status" options={STATES} />
        <TextField label="Started on or after" type="date" value={since} onInput={setSince} testId="runs-filter-since" />
      </form>
      <section class="card" aria-label="Runs">
        <p class="muted small" data-testid="runs-count">{shown.length} of {runs.value?.length ?? 0} runs</p>
        <RunHistory runs={shown} taskNames={names} />
      </section>
    </div>
  );
}
