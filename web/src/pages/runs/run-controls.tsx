/** @module Controls of a running run: pause/resume (bytes stop where they are) and the bandwidth limit, saved on the task too. */
import { useState } from 'preact/hooks';
import { post, put, enc, errorText } from '../../api/client.ts';
import type { Snapshot } from '../../api/types.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { BandwidthField, kbOf } from '../tasks/bandwidth-field.tsx';

export function RunControls({ taskId, snapshot, onChanged }: { taskId: string; snapshot: Snapshot | null; onChanged?: () => void }) {
  const [error, setError] = useState<string>();
  const [paused, setPaused] = useState<boolean | null>(null);
  const isPaused = paused ?? snapshot?.paused === true;
  const base = `/api/tasks/${enc(taskId)}`;
  const toggle = async () => {
    setError(undefined);
    try {
      const answer = await post<{ paused: boolean }>(`${base}/run/${isPaused ? 'resume' : 'pause'}`);
      setPaused(answer.paused);
      onChanged?.();
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="row wrap controls" role="group" aria-label="Run controls">
      <button type="button" class="secondary" onClick={() => void toggle()} data-testid={isPaused ? 'run-resume' : 'run-pause'}>
        {isPaused ? 'Resume run' : 'Pause run'}
      </button>
      {isPaused && <span class="badge badge-paused" data-testid="run-paused">Paused</span>}
      <LiveLimit base={base} current={snapshot?.bandwidth ?? null} onError={setError} />
      <ErrorNotice error={error} />
    </div>
  );
}

function LiveLimit({ base, current, onError }: { base: string; current: number | null; onError: (e: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const apply = async (e: Event) => {
    e.preventDefault();
    try {
      const kb = Number(text ?? '');
      await put(`${base}/bandwidth`, { bandwidth: text === '' || text === null || kb <= 0 ? null : Math.round(kb * 1000) });
      setSaved(true);
    } catch (err) { onError(errorText(err)); }
  };
  return (
    <form class="row wrap" onSubmit={(e) => void apply(e)}>
      <BandwidthField value={text ?? kbOf(current)} onInput={(v) => { setText(v); setSaved(false); }} testId="run-bwlimit" />
      <button type="submit" class="secondary small" data-testid="run-bwlimit-apply">Apply limit</button>
      {saved && <span role="status" class="muted small">Applied now and saved on the task.</span>}
    </form>
  );
}

