/** @module photoferry's per-stage timer (PHOTOFERRY_STAGES=1) read back from a run's stderr, for the table's notes. */
import type { Stage } from '../../src/core/stages.ts';

/** The env that turns the timer on. */
export const STAGES_ENV = { PHOTOFERRY_STAGES: '1' } as const;

/** What the stage timer saw when RSS peaked (src/core/stages.ts): heap and buffers, and the stage before it. */
export interface AtPeak {
  readonly rssMb: number; readonly heapUsedMb: number; readonly heapTotalMb: number;
  readonly externalMb: number; readonly arrayBuffersMb: number; readonly after: string;
}

/** The timer's report line in a run's stderr, parsed; undefined when the run printed none. */
export function stagesReport(stderr: string): { wallMs: number; peak: AtPeak; stages: Record<string, { ms: number; n: number; at?: [number, number] }> } | undefined {
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
  return `${wallNote(report)}; stages: ${parts.join(', ')}`;
}

/** The stages of each phase of a run, which follow one another (src/app/copy.ts, src/engine/run.ts). */
const PHASES = {
  listing: ['list', 'list-metadata', 'catalog-apply'],
  planning: ['plan'],
  copying: ['source-open', 'source-read', 'hash', 'staging-write', 'rename', 'catalog-record', 'events', 'sidecar-render', 'sidecar-write'],
} as const satisfies Record<string, readonly Stage[]>;

/**
 * "wall 2.11 s: start-up 0.18, listing 0.53, planning 0.20, copying 1.00, finishing 0.19": how the run's wall time
 * splits, from when each phase's stages first began and last ended. Start-up is before the listing (loading, the
 * catalog, the source's connection); finishing after the last copy (manifests, the flush, closing, exit). What is
 * left between phases (the refresh's bookkeeping, starting the run) is in no phase.
 */
function wallNote(report: NonNullable<ReturnType<typeof stagesReport>>): string {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const spans = Object.entries(PHASES).map(([phase, names]) => {
    const ats = names.flatMap((n) => (report.stages[n]?.at ? [report.stages[n].at] : []));
    return ats.length === 0 ? undefined : { phase, from: Math.min(...ats.map((a) => a[0])), to: Math.max(...ats.map((a) => a[1])) };
  }).filter((span) => span !== undefined);
  if (spans.length === 0) return `wall ${s(report.wallMs)} s`;
  const parts = [`start-up ${s(spans[0]!.from)}`, ...spans.map((p) => `${p.phase} ${s(p.to - p.from)}`), `finishing ${s(report.wallMs - spans.at(-1)!.to)}`];
  return `wall ${s(report.wallMs)} s: ${parts.join(', ')}`;
}
