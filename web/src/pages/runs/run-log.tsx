/** @module A run's log: what it planned, retries, Apple's back-off, failures and how it ended, with times. */
import { get, enc } from '../../api/client.ts';
import type { LogLine } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { ErrorNotice } from '../../components/notice.tsx';

export function RunLog({ runId, version }: { runId: string; version: number }) {
  const log = useAsync(() => get<{ lines: LogLine[] }>(`/api/runs/${enc(runId)}/log`), [runId, version]);
  const lines = log.value?.lines ?? [];
  return (
    <details class="card log" data-testid="run-log" open={lines.length > 0 && lines.length < 40}>
      <summary>Log ({lines.length} line{lines.length === 1 ? '' : 's'})</summary>
      <ErrorNotice error={log.error} />
      <ol class="log-lines" tabIndex={0} aria-label="Log lines">
        {lines.map((l, i) => (
          <li key={i} class={`log-${l.level}`} data-testid="log-line">
            <time dateTime={l.at}>{new Date(l.at).toLocaleTimeString('en-US', { hour12: false })}</time> {l.message}
          </li>
        ))}
      </ol>
    </details>
  );
}
