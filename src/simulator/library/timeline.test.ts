/** @module Generated libraries span realistic years at any size: ~10 years, denser recently, more and bigger videos lately, formats of their time. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LibraryState } from './state.ts';
import { HEIC_SINCE, LIVE_SINCE } from './timeline.ts';

const NEWEST = new Date('2026-11-30T12:00:00Z');

function byYear(lib: LibraryState) {
  const years = new Map<number, { n: number; bytes: number; videos: number }>();
  for (let i = 0; i < lib.size; i++) {
    const a = lib.asset(i);
    const y = new Date(a.assetDate).getUTCFullYear();
    const b = years.get(y) ?? { n: 0, bytes: 0, videos: 0 };
    b.n++; b.bytes += a.resources[0]!.size / (a.shape === 'video' ? 8 : 1); b.videos += a.shape === 'video' ? 1 : 0;
    years.set(y, b);
  }
  return years;
}

describe('simulator timeline', () => {
  for (const size of [60, 500, 20_000]) {
    it(`a ${size}-asset library reaches back about ten years, newest first`, () => {
      const lib = new LibraryState({ seed: 5, assets: size, newest: NEWEST });
      const oldest = lib.asset(size - 1).assetDate;
      const years = (NEWEST.getTime() - oldest) / (365.25 * 86_400_000);
      assert.ok(years > 8 && years <= 10.01, `spans ${years.toFixed(1)} years`);
      for (let i = 1; i < size; i++) assert.ok(lib.asset(i).assetDate < lib.asset(i - 1).assetDate, `index ${i} is older than ${i - 1}`);
    });
  }

  it('recent years are denser, photos bigger and videos more common; no HEIC or Live Photo before they existed', () => {
    const lib = new LibraryState({ seed: 9, assets: 20_000, newest: NEWEST });
    const years = byYear(lib);
    const recent = years.get(2025)!; const old = years.get(2018)!;
    assert.ok(recent.n > 2 * old.n, `2025: ${recent.n} assets, 2018: ${old.n}`);
    assert.ok(recent.bytes / recent.n > 1.5 * (old.bytes / old.n), 'mean size grows');
    assert.ok(recent.videos / recent.n > 1.5 * (old.videos / old.n), 'video share grows');
    for (let i = 0; i < lib.size; i++) {
      const a = lib.asset(i);
      if (a.assetDate < HEIC_SINCE) assert.ok(!a.shape.includes('heic'), `${a.shape} in ${new Date(a.assetDate).toISOString()}`);
      if (a.assetDate < LIVE_SINCE) assert.ok(!a.shape.startsWith('live'), `${a.shape} in ${new Date(a.assetDate).toISOString()}`);
    }
  });
});
