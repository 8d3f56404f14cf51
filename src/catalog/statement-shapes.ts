/**
 * @module Batches cut to a few statement shapes. A multi-row insert or an `IN (…)` list is one SQL text per row
 * count, and better-sqlite3 frees a prepared statement only when V8 collects its small JS wrapper (and an event-loop
 * turn runs the finalizer), so V8 never sees the ~0.1–0.2 MB each holds in SQLite. The write-behind's batches
 * (whatever 200 ms queued) made a new shape per flush: a 20k-asset seeding copy prepared 311 distinct statements,
 * most of them kept by the statement cache. Cut into BATCH rows and then powers of two, a kind of statement has at
 * most ~9 shapes, all reused from the cache.
 */

/** `rows` as chunks of `max`, the rest as descending powers of two (300 with max 200: 200, 64, 32, 4). */
export function shapedBatches<T>(rows: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (; rows.length - i >= max; i += max) out.push(rows.slice(i, i + max));
  for (let size = 1 << Math.floor(Math.log2(Math.max(1, max))); size >= 1 && i < rows.length; size >>= 1) {
    if (rows.length - i >= size) { out.push(rows.slice(i, i + size)); i += size; }
  }
  return out;
}

/** An `IN (…)` list padded to the next power of two with its first value again: same rows, a few shapes only. */
export function paddedIn<T>(values: readonly T[]): T[] {
  if (values.length <= 1) return [...values];
  const size = 2 ** Math.ceil(Math.log2(values.length));
  const out = [...values];
  while (out.length < size) out.push(values[0]!);
  return out;
}
