/** @module Human and machine output of runs: progress bar on a TTY, JSON lines with --json, nothing with --quiet. */
import cliProgress from 'cli-progress';
import type { RunEvent } from '../app/events.ts';
import { formatBytes } from '../core/format.ts';
import { RunProgress } from '../app/run-progress.ts';

export interface OutputMode {
  readonly json: boolean;
  readonly quiet: boolean;
}

export { formatBytes } from '../core/format.ts';
export { countRows, describeCounts } from '../app/counts.ts';

export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '0.0s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
};

/** Returns the event sink for a run and a function that tears the display down. */
export function runDisplay(mode: OutputMode, stream: NodeJS.WriteStream = process.stderr): { sink: (e: RunEvent) => void; stop: () => void } {
  if (mode.json) return { sink: (e) => process.stdout.write(`${JSON.stringify(e)}\n`), stop: () => {} };
  if (mode.quiet || !stream.isTTY) {
    return {
      sink: (e) => {
        if (mode.quiet) return;
        if (e.type === 'file-done' && e.outcome.status === 'failed') stream.write(`failed: ${e.outcome.path ?? e.outcome.assetId}: ${e.outcome.message ?? ''}\n`);
        if (e.type === 'retry') stream.write(`retry ${e.attempt} in ${formatDuration(e.delayMs)}: ${e.path}: ${e.reason}\n`);
        if (e.type === 'notice' && e.show) stream.write(`${e.message}\n`);
      },
      stop: () => {},
    };
  }
  // Our own ETA token ({eta} is cli-progress's and wins over the payload): its eta_formatted printed "ETA LLs" or NaN before the first byte.
  const bar = new cliProgress.SingleBar({
    stream,
    format: '{bar} {percentage}% | {files}/{totalFiles} files | {done}/{totalBytes} | {speed}/s | ETA {remaining} {note}',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  const progress = new RunProgress();
  let note = '';
  const payload = () => {
    const s = progress.snapshot();
    return {
      files: s.filesDone, totalFiles: s.files, done: formatBytes(s.bytesDone), totalBytes: formatBytes(s.bytes),
      speed: formatBytes(s.bytesPerSecond), remaining: formatDuration(s.etaSeconds * 1000), note,
    };
  };
  const value = () => { const s = progress.snapshot(); return Math.min(s.bytesDone, Math.max(1, s.bytes)); };
  return {
    sink(e) {
      progress.apply(e);
      if (e.type === 'planned') {
        if (e.files > 0) bar.start(Math.max(1, e.bytes), 0, payload());
      } else if (e.type === 'progress' && progress.files > 0) {
        bar.update(value(), payload());
      } else if (e.type === 'retry' || e.type === 'pace') {
        note = e.type === 'retry' ? `(retrying: ${e.reason.slice(0, 40)})` : `(pace ${e.concurrency}, back-off ${formatDuration(e.backoffMs)})`;
      } else if (e.type === 'file-done' && e.outcome.status === 'failed') {
        bar.stop();
        stream.write(`failed: ${e.outcome.path ?? e.outcome.assetId}: ${e.outcome.message ?? ''}\n`);
        bar.start(Math.max(1, progress.bytes), value(), payload());
      } else if (e.type === 'notice' && e.show) {
        if (progress.files > 0) bar.stop();
        stream.write(`${e.message}\n`);
        if (progress.files > 0) bar.start(Math.max(1, progress.bytes), value(), payload());
      } else if (e.type === 'finished') {
        bar.stop();
      }
    },
    stop: () => bar.stop(),
  };
}
