/**
 * @module Per-stage timer of the copy path, on when PHOTOFERRY_STAGES=1: the summed wall time and count of each
 * stage (source read, hash, staging write, rename, catalog record, events, sidecar render…), printed to stderr as
 * one `photoferry-stages {json}` line at exit. Stages overlap (files run concurrently), so the sums say where
 * per-file time goes, not how the run's wall time splits. Off, each call is one boolean test.
 */

export type Stage =
  | 'list' | 'list-metadata' | 'catalog-apply' | 'plan'
  | 'source-open' | 'source-read' | 'hash' | 'staging-write' | 'rename' | 'catalog-record' | 'events'
  | 'sidecar-render' | 'sidecar-write' | 'library-files' | 'close';

const enabled = process.env.PHOTOFERRY_STAGES === '1';
const totals = new Map<Stage, { ms: number; n: number; from: number; to: number }>();

export const stagesOn = (): boolean => enabled;

/** A start mark for `endStage` (0 when off, so nothing is measured). */
export const startStage = (): number => (enabled ? performance.now() : 0);

export function endStage(stage: Stage, started: number): void {
  if (!enabled) return;
  const now = performance.now();
  const t = totals.get(stage) ?? { ms: 0, n: 0, from: started, to: now };
  t.ms += now - started;
  t.to = now;
  t.n += 1;
  totals.set(stage, t);
  lastStage = stage;
}

/** Times a promise-returning step. */
export async function timeStage<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    endStage(stage, started);
  }
}

/**
 * The totals so far, rounded: `{ stage: { ms, n, at } }`, `at` being when (ms since start) the stage first began and
 * last ended, so the phases of a run (copies, then sidecars, then manifests) show where its wall time went.
 */
export function stageTotals(): Record<string, { ms: number; n: number; at: [number, number] }> {
  return Object.fromEntries([...totals].map(([k, v]) => [k, { ms: Math.round(v.ms), n: v.n, at: [Math.round(v.from), Math.round(v.to)] }]));
}

/**
 * Memory at the moment RSS peaked (sampled every 50 ms), and the last stage ended before it: where the peak is.
 * heapTotal is what V8 holds for its heap, used or not; RSS beyond it is native (SQLite, buffers, malloc's arenas).
 */
let peak = { rssMb: 0, heapUsedMb: 0, heapTotalMb: 0, externalMb: 0, arrayBuffersMb: 0, after: '' };
let lastStage = '';

if (enabled) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    if (mb(m.rss) > peak.rssMb) {
      peak = { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers), after: lastStage };
    }
  }, 50).unref();
  process.on('exit', () => {
    process.stderr.write(`photoferry-stages ${JSON.stringify({ wallMs: Math.round(performance.now()), peak, stages: stageTotals() })}\n`);
  });
}
