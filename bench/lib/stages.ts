/** @module photoferry's per-stage timer (PHOTOFERRY_STAGES=1) read back from a run's stderr, for the table's notes. */

/** The env that turns the timer on. */
export const STAGES_ENV = { PHOTOFERRY_STAGES: '1' } as const;

/** What the stage timer saw when RSS peaked (src/core/stages.ts): heap and buffers, and the stage before it. */
export interface AtPeak {
  readonly rssMb: number; readonly heapUsedMb: number; readonly heapTotalMb: number;
  readonly externalMb: number; readonly arrayBuffersMb: number; readonly after: string;
}

/** The timer's report line in a run's stderr, parsed; undefined when the run printed none. */
export function stagesReport(stderr: string): { peak: AtPeak; stages: Record<string, { ms: number; n: number }> } | undefined {
  const line = stderr.split('\n').find((l) => l.startsWith('photoferry-stages '));
  return line ? JSON.parse(line.slice('photoferry-stages '.length)) as ReturnType<typeof stagesReport> : undefined;
}

/**
 * "stages: list 3.1 s, plan 0.4 s, source-read Σ12.0 s/10000, …": one-shot stages as wall time, per-file stages
 * as the sum over files (they overlap, so a sum says where per-file latency goes, not how the wall time splits).
 */
export function stagesNote(stderr: string): string {
  const report = stagesReport(stderr);
  if (!report) return '';
  const parts = Object.entries(report.stages).map(([name, { ms, n }]) =>
    n <= 1 ? `${name} ${(ms / 1000).toFixed(1)} s` : `${name} Σ${(ms / 1000).toFixed(1)} s/${n} (${(ms / n).toFixed(2)} ms each)`);
  return `stages: ${parts.join(', ')}`;
}
