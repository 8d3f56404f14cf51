/** @module Runs, newest first, each with its state (reason included), outcome counts and, across tasks, the task's name. */
import type { RunView } from '../../api/types.ts';
import { enc } from '../../api/client.ts';
import { formatBytes, formatCount, formatDate } from '../../lib/format.ts';
import { RunStatus, runState } from './run-status.tsx';

interface Props { runs: RunView[]; taskNames?: Record<string, string> }

export function RunHistory({ runs, taskNames }: Props) {
  if (runs.length === 0) return <p class="muted">No run yet.</p>;
  return (
    <div class="table-scroll">
      <table class="list" data-testid="run-history">
        <thead><tr><th>Started</th>{taskNames && <th>Task</th>}<th>Status</th><th>Copied</th><th>Already there</th><th>Failed</th><th>Bytes</th></tr></thead>
        <tbody>
          {runs.map((r) => {
            const state = runState(r);
            return (
              <tr key={r.id} data-testid="run-row" data-status={state} data-run={r.id}>
                <td><a href={`#/runs/${enc(r.id)}`}>{formatDate(r.startedAt)}</a></td>
                {taskNames && <td>{r.taskId ? taskNames[r.taskId] ?? r.taskId : <span class="muted">{r.command} (not a task)</span>}</td>}
                <td><RunStatus status={state} />{r.error && state !== 'ok' && <div class="small bad" data-testid="run-reason">{r.error.message}</div>}</td>
                <td>{r.summary ? formatCount(r.summary.files.copied) : '—'}</td>
                <td>{r.summary ? formatCount(r.summary.files.present) : '—'}</td>
                <td>{r.summary ? formatCount(r.summary.files.failed) : '—'}</td>
                <td>{r.summary ? formatBytes(r.summary.bytes) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
