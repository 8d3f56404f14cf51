/**
 * @module How far V8 lets the old space grow past the live heap after a full collection, per phase of a run. The
 * launcher starts every process at 50% (bin/photoferry.js); a copy lowers it to 25% once its files start to move.
 *
 * Why by phase: a long copy's live heap is flat (~35 MB at 100k iCloud assets) while it promotes garbage steadily,
 * so the slack above the live heap was its peak RSS. At 25% against 50%, side by side: 10k small files with sidecars
 * peaked at 150–152 vs 160 MiB (5 and 6 pairs, user 1.04–1.07×), bytes only 146 vs 146, a 100k iCloud seed copy at
 * 186 MB against 193–205 MB, 3.8 GB through the stream path at the same peak and 0.93× the CPU. A listing's live
 * heap grows as it goes, and there 25% cost more full collections: a 100k first listing took 1.04–1.29× the CPU
 * (4 pairs). So the listing and planning keep 50%.
 */
import { setFlagsFromString } from 'node:v8';

let lowered = false;

/** Called as a run's copies start; later runs of the same process (the server, a worker) keep it. */
export function copyPhaseHeapGrowth(): void {
  if (lowered) return;
  lowered = true;
  // V8 reads the flag whenever it sets a new old-space limit (after each full collection), so setting it now is enough.
  setFlagsFromString('--heap-growing-percent=25');
}
