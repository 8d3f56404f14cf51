/** @module useRunStream: subscribes to a run's (or a task's active run's) SSE and keeps the folded LiveRun. */
import { useEffect, useState } from 'preact/hooks';
import type { SnapshotState } from '../api/types.ts';
import { EVENT_TYPES, TERMINAL, foldEvent, initialLive, type LiveRun } from './run-stream.ts';

/** `url` is `/api/runs/:id/events` or `/api/tasks/:id/events`; null subscribes to nothing. */
export function useRunStream(url: string | null, runId: string | null): LiveRun {
  const [live, setLive] = useState<LiveRun>(initialLive(runId));
  useEffect(() => {
    setLive(initialLive(runId));
    if (!url) return undefined;
    const source = new EventSource(url, { withCredentials: true });
    let ended = false;
    // The server closes the stream after the run ends (the final snapshot and `finished` come in either order);
    // EventSource would reconnect forever, so the close is noticed as an error once the run is known to be over.
    // A non-200 answer (409: the task's run ended before we subscribed) closes it for good: treat that as the end,
    // so the page reloads the run record instead of waiting forever.
    source.onerror = () => {
      if (!ended && source.readyState !== EventSource.CLOSED) return;
      source.close();
      setLive((prev) => (prev.ended ? prev : { ...prev, ended: true }));
    };
    const listeners = EVENT_TYPES.map((type) => {
      const listener = (e: MessageEvent<string>) => {
        let data: unknown;
        try { data = JSON.parse(e.data); } catch { return; }
        if (type === 'finished' || type === 'failed') ended = true;
        if (type === 'snapshot' && TERMINAL.includes((data as { state?: SnapshotState }).state ?? 'running')) ended = true;
        setLive((prev) => foldEvent(prev, type, data));
      };
      source.addEventListener(type, listener as EventListener);
      return [type, listener] as const;
    });
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener as EventListener);
      source.close();
    };
  }, [url, runId]);
  return live;
}
