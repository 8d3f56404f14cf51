/** @module useAsync: load data on mount (and on demand), exposing value, error and a reload function. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText } from '../api/client.ts';

export interface Async<T> { value: T | undefined; error: string | undefined; loading: boolean; reload: () => void }

export function useAsync<T>(load: () => Promise<T>, deps: unknown[] = []): Async<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // Callers name what the loader depends on, as with useEffect; a new closure each render must not refetch.
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run().then((v) => { if (live) { setValue(v); setError(undefined); } }, (e: unknown) => { if (live) setError(errorText(e)); })
      .finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [run, tick]);
  return { value, error, loading, reload: () => setTick((t) => t + 1) };
}
