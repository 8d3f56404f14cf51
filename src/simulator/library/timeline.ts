/** @module When asset #i was taken: a library of any size spans about ten years, denser in recent ones, with what phones could shoot then. */
import { unit } from './hash.ts';

const YEAR_MS = 365.25 * 86_400_000;
/** Years a library covers, whatever its size (a 500-asset library and a 100k one both reach back a decade). */
export const SPAN_YEARS = 10;
/** >1 crowds assets toward the newest end: half of the library falls in the last 2.5 years, as phone libraries do. */
const DENSITY = 2;

/**
 * Capture time of asset `i` of `n`, index 0 the newest. The age grows strictly with `i` (the jitter stays
 * under the gap to the next index), so ordering by date equals ordering by index, which the views rely on.
 */
export function captureTime(seed: number, i: number, n: number, newest: number): number {
  const total = Math.max(n, 1);
  const u = Math.min(1, (i + 0.9 * unit(seed, i, 2)) / total);
  // Indexes past the generated library (added later) are dated by the caller; keep them strictly older meanwhile.
  const extra = i >= total ? (i - total + 1) * 60_000 : 0;
  return Math.floor(newest - SPAN_YEARS * YEAR_MS * u ** DENSITY - extra - i);
}

export const ageYears = (assetDate: number, newest: number): number => Math.max(0, (newest - assetDate) / YEAR_MS);

/** Files got bigger every year (sensors, HEVC at 4K, ProRAW): ×1.3 of the mean for this year's photos, about ×0.3 a decade ago. */
export const sizeFactor = (age: number): number => 1.3 * 0.86 ** age;

/** Share of videos among captures: about 1 in 7 today, 1 in 25 a decade ago. */
export const videoShare = (age: number): number => 0.04 + 0.1 * Math.max(0, 1 - age / SPAN_YEARS);

/** Formats that did not exist yet when the photo was taken: HEIC (iOS 11, 2017-09) and Live Photos (2015-09). */
export const HEIC_SINCE = Date.UTC(2017, 8, 19);
export const LIVE_SINCE = Date.UTC(2015, 8, 25);
