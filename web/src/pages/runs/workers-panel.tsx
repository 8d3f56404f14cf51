/**
 * @module Workers and the job queue (PostgreSQL catalog only): each `photoferry worker` alive or gone, its current job,
 * throughput and last heartbeat; each queue's waiting/active/failed counts with the latest failures' reasons.
 */
import { useEffect } from 'preact/hooks';
import { get } from '../../api/client.ts';
import type { ClusterView, QueueFigures } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { formatBytes, formatCount, formatDate } from '../../lib/format.ts';
import { ErrorNotice } from '../../components/notice.tsx';

/** Workers beat every 5 s: a refresh as often shows a stop within a beat or two. */
const REFRESH_MS = 5000;

/** Queue names as people read them. */
const QUEUE_LABELS: Record<string, string> = { 'photoferry-transfer': 'File transfers', 'photoferry-refresh': 'Source refreshes' };

export function WorkersPanel() {
  const cluster = useAsync(() => get<ClusterView>('/api/cluster'));
  useEffect(() => {
    const timer = setInterval(() => cluster.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  // On SQLite there are no workers: runs go in the server's own process, and the panel says nothing.
  if (cluster.value?.dialect !== 'postgres') return cluster.error ? <ErrorNotice error={cluster.error} /> : null;
  const { workers, queues } = cluster.value;
  return (
    <section class="card" aria-label="Workers" data-testid="workers-panel">
      <h2>Workers</h2>
      <ErrorNotice error={cluster.error} />
      {workers.length === 0 ? <p class="muted" data-testid="no-workers">No worker has started: runs wait in the queue until one does (<code>photoferry worker</code>).</p> : (
        <div class="table-scroll">
          <table class="list" data-testid="worker-list">
            <thead><tr><th>Worker</th><th>State</th><th>Current job</th><th>Files done</th><th>Throughput</th><th>Last heartbeat</th></tr></thead>
            <tbody>
              {workers.map((w) => (
                <tr key={w.id} data-testid="worker-row" data-alive={String(w.alive)}>
                  <td>{w.id}<div class="small muted">{w.host}, pid {w.pid}</div></td>
                  <td><span class={`badge ${w.alive ? 'badge-ok' : 'badge-interrupted'}`}>{w.alive ? 'alive' : 'gone'}</span></td>
                  <td>{w.currentJob ?? <span class="muted">idle</span>}</td>
                  <td>{formatCount(w.filesDone)}</td>
                  <td>{formatBytes(w.bytesPerSecond)}/s</td>
                  <td>{formatDate(w.heartbeatAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="table-scroll">
        <table class="list" data-testid="queue-list">
          <thead><tr><th>Queue</th><th>Waiting</th><th>Active</th><th>Failed</th></tr></thead>
          <tbody>{queues.map((q) => <QueueRow key={q.name} queue={q} />)}</tbody>
        </table>
      </div>
    </section>
  );
}

function QueueRow({ queue: q }: { queue: QueueFigures }) {
  return (
    <tr data-testid="queue-row" data-queue={q.name}>
      <td>{QUEUE_LABELS[q.name] ?? q.name}</td>
      <td data-testid="queue-waiting">{formatCount(q.waiting)}</td>
      <td data-testid="queue-active">{formatCount(q.active)}</td>
      <td data-testid="queue-failed">
        {formatCount(q.failed)}
        {q.recentFailures.map((f) => <div key={f.id} class="small bad" data-testid="queue-failure">{f.at ? `${formatDate(f.at)}: ` : ''}{f.reason}</div>)}
      </td>
    </tr>
  );
}
