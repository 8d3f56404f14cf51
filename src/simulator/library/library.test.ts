/** @module Simulator library: deterministic per seed, realistic mix, valid JPEG/EXIF and box headers, random-access bytes, sync tokens. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import exifr from 'exifr';
import { bytesAt, sha256Of } from './media-bytes.ts';
import { LibraryState } from './state.ts';
import { History } from './history.ts';
import { Views } from './views.ts';
import { SimState } from '../state.ts';

describe('simulator library', () => {
  it('is deterministic per seed and has a realistic mix', () => {
    const a = new LibraryState({ seed: 11, assets: 2000 });
    const b = new LibraryState({ seed: 11, assets: 2000 });
    assert.deepEqual(a.asset(1234), b.asset(1234));
    const shapes = new Map<string, number>();
    for (let i = 0; i < 2000; i++) shapes.set(a.asset(i).shape, (shapes.get(a.asset(i).shape) ?? 0) + 1);
    for (const s of ['heic', 'jpeg', 'screenshot', 'video', 'live-heic', 'raw-jpeg', 'panorama']) assert.ok((shapes.get(s) ?? 0) > 20, s);
    assert.notEqual(new LibraryState({ seed: 12, assets: 10 }).asset(0).assetName, a.asset(0).assetName);
  });

  it('JPEGs carry EXIF DateTimeOriginal in local time; HEIC/MOV start with ftyp; ranges are random access', async () => {
    const sim = new SimState({ seed: 2, assets: 300, meanSize: 8000 });
    const lib = sim.library;
    const jpegIndex = [...Array(300).keys()].find((i) => lib.asset(i).resources[0]!.format === 'jpeg')!;
    const a = lib.asset(jpegIndex);
    const spec = sim.contentOf({ zone: a.zone, index: jpegIndex, field: 'resOriginal', revision: 0 })!;
    const all = bytesAt(spec, 0, spec.size);
    assert.equal(all.length, spec.size);
    assert.deepEqual([...all.subarray(0, 2)], [0xff, 0xd8]);
    const exif = await exifr.parse(all, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false }) as { DateTimeOriginal: string; OffsetTimeOriginal: string };
    const local = new Date(a.assetDate + a.tzOffsetSec * 1000).toISOString().replace('T', ' ').slice(0, 19).replace(/-/g, ':');
    assert.equal(exif.DateTimeOriginal, local);
    assert.ok(Buffer.concat([bytesAt(spec, 0, 777), bytesAt(spec, 777, spec.size)]).equals(all));
    assert.equal(sim.sha256Of(a.assetName), sha256Of(spec));
    const heic = [...Array(300).keys()].find((i) => lib.asset(i).resources[0]!.format === 'heic')!;
    const h = sim.contentOf({ zone: lib.asset(heic).zone, index: heic, field: 'resOriginal', revision: 0 })!;
    assert.equal(bytesAt(h, 4, 12).toString('latin1'), 'ftypheic');
  });

  it('views page newest first and sync positions advance with every change', () => {
    const lib = new LibraryState({ seed: 3, assets: 500 });
    const views = new Views(lib); const history = new History(lib);
    const all = views.ranks('primary', { view: 'all' });
    assert.ok(lib.asset(all[0]!).assetDate > lib.asset(all[1]!).assetDate);
    const before = history.current('primary');
    const [added] = lib.add(1);
    assert.equal(lib.asset(views.ranks('primary', { view: 'all' })[0]!).assetName, added);
    lib.trash(added!);
    assert.equal(history.current('primary'), before + 4);
    assert.equal(views.ranks('primary', { view: 'deleted' }).length, 1);
    const { entries } = history.slice('primary', before, 200);
    assert.deepEqual(entries.map((e) => e.kind), ['master', 'asset', 'asset', 'master']);
  });
});
