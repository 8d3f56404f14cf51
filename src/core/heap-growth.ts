/**
 * @module How V8 collects a run's heap, per phase. The launcher starts every process with old-space growth at 50%
 * (bin/photoferry.js); a copy lowers it to 25% once its files start to move, and a full collection is made where a
 * phase ends and leaves its garbage behind.
 *
 * Why growth by phase: a long copy's live heap is flat (~35 MB at 100k iCloud assets) while it promotes garbage
 * steadily, so the slack above the live heap was its peak RSS. At 25% against 50%, side by side: 10k small files
 * with sidecars peaked at 150–152 vs 160 MiB (5 and 6 pairs, user 1.04–1.07×), bytes only 146 vs 146, a 100k iCloud
 * seed copy at 186 MB against 193–205 MB, 3.8 GB through the stream path at the same peak and 0.93× the CPU. A
 * listing's live heap grows as it goes, and there 25% cost more full collections: a 100k first listing took
 * 1.04–1.29× the CPU (4 pairs). So the listing and planning keep 50%.
 *
 * Why a collection at phase ends: V8 applies a new growth only when it next sets the old-space limit, after a full
 * collection, and the plan's garbage (parsed pages, claims) stayed in the old space into the copy, as the copy's
 * promoted garbage stayed into the manifest walk. Collected at both, 10k small files with sidecars peaked at 148
 * against 154 MiB (medians of 12 alternating runs, lower in 9; each collection alone, 8 pairs: 145.7 vs 154.3 MiB at
 * the copy's start, 142.6 vs 146.5 MiB before the manifest, user 1.01–1.02×); bytes only the same (131 vs 132 MiB).
 * With the 48 MiB bound below, another 12 runs: 139–153 MiB against 137–158 (medians 148 vs 146.5), the same wall
 * time. What it does is take off the high peaks, which is what a memory limit meets.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let lowered = false;

/** Called as a run's copies start; later runs of the same process (the server, a worker) keep the lower growth. */
export function copyPhaseHeapGrowth(): void {
  if (!lowered) {
    lowered = true;
    // V8 reads the flag whenever it sets a new old-space limit (after each full collection), as the one below does.
    setFlagsFromString('--heap-growing-percent=25');
  }
  collectPhaseGarbage();
}

/**
 * Below this much used heap a phase's end is not collected. A forced collection is a full, blocking one (17–33 ms
 * here): a 12-file copy reaches its copies with ~27 MB used and would pay two of them (5% of its run) for nothing,
 * and a heap a natural collection has just emptied (41 MB at a 10k-file copy's start, one time in two) gains little.
 * The 10k-file copies it is for hold 55–66 MB there.
 */
const PHASE_GARBAGE_BYTES = 48 * 1024 * 1024;

let collect: (() => void) | null | undefined;

/**
 * A full collection now, where a phase has just left its garbage, when the used heap is at least `minUsedBytes`.
 * V8 hands `gc` only to contexts made after `--expose-gc` is set, so a new context's is taken and the process's own
 * global stays clean; a runtime that refuses either is left to collect as it would.
 */
export function collectPhaseGarbage(minUsedBytes = PHASE_GARBAGE_BYTES): void {
  if (getHeapStatistics().used_heap_size < minUsedBytes) return;
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
