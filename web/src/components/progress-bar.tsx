/** @module A native <progress> with its percentage spelled out (screen readers and the e2e test read the text). */
import { percent } from '../lib/format.ts';

export function ProgressBar({ done, total, label, testId }: { done: number; total: number; label: string; testId?: string }) {
  const pct = percent(done, total);
  return (
    <div class="progress">
      <progress max={100} value={pct} aria-label={label} />
      <span data-testid={testId}>{pct}%</span>
    </div>
  );
}
