/** @module RunProgress: totals from events, rate over a window, back-off state, and an ETA that stays finite. Pure, with a fake clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunId } from '../core/outcome.ts';
import { RunProgress } from './run-progress.ts';

test('ETA from the recent rate; during back-off it stays finite and includes the wait', () => {
  let now = 0;
  const p = new RunProgress(() => now);
  assert.equal(p.snapshot().state, 'listing');
  assert.equal(p.snapshot().etaSeconds, 0);
  p.apply({ type: 'planned', runId: 'r' as RunId, files: 10, bytes: 10_000_000, present: 0, filtered: 0, removes: 0 });
  assert.equal(p.snapshot().etaSeconds, 10, 'before the first byte: the assumed 1 MB/s');
  for (let s = 1; s <= 5; s++) { now = s * 1000; p.apply({ type: 'progress', bytesDone: s * 500_000, filesDone: s }); }
  const running = p.snapshot();
  assert.equal(running.state, 'running');
  assert.equal(running.bytesPerSecond, 500_000);
  assert.equal(running.etaSeconds, 15);
  // Apple throttles: nothing moves for 20 s and the pacer pauses for 30 s more.
  now = 25_000;
  p.apply({ type: 'progress', bytesDone: 2_500_000, filesDone: 5 });
  const paced = p.snapshot({ concurrency: 1, maxConcurrency: 6, pausedUntil: 55_000, throttles: 3 });
  assert.equal(paced.state, 'backing-off');
  assert.equal(paced.pace?.backoffSeconds, 30);
  assert.ok(Number.isFinite(paced.etaSeconds) && paced.etaSeconds > 30, String(paced.etaSeconds));
  p.apply({ type: 'retry', path: 'a.jpg', attempt: 1, delayMs: 5000, reason: 'throttled' });
  assert.equal(p.snapshot().state, 'backing-off');
  p.apply({ type: 'finished', runId: 'r' as RunId, summary: { assets: 10, files: { copied: 10, present: 0, removed: 0, failed: 0, filtered: 0 }, bytes: 10_000_000, durationMs: 1, status: 'ok' } });
  assert.deepEqual([p.snapshot().state, p.snapshot().etaSeconds, p.snapshot().filesDone], ['ok', 0, 10]);
});
