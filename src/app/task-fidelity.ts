/** @module A task's fidelity choices (sidecars, album strategy, HEIC conversion) as the engine's FidelityOptions. */
import { DEFAULT_FIDELITY, type FidelityOptions } from '../engine/derived/types.ts';
import type { TaskInput } from './tasks.ts';

export function fidelityOf(task: Pick<TaskInput, 'fidelity'>): FidelityOptions {
  const f = task.fidelity;
  if (f === undefined) return DEFAULT_FIDELITY;
  return {
    ...DEFAULT_FIDELITY,
    sidecars: { xmp: f.sidecars === 'xmp' || f.sidecars === 'both', json: f.sidecars === 'json' || f.sidecars === 'both' },
    albums: f.albums,
    convertHeic: f.convertHeic ? { quality: DEFAULT_FIDELITY.fallbackQuality } : null,
  };
}
