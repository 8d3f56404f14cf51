/** @module Filters: each one alone, and layered. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { compileFilters, mediaTypesOf } from './filters.ts';

describe('filters', () => {
  const photo = anAsset({ filename: 'IMG_1.JPG', takenAt: new Date('2020-05-01'), albums: [{ id: 'a1', path: ['Trips', 'Rome'] }] });
  const video = anAsset({ kind: 'video', filename: 'MOV_1.MOV', takenAt: new Date('2022-01-01'), resources: [aResource({ size: 5_000_000 })] });
  const live = anAsset({ kind: 'live-photo', favorite: true, hidden: true, traits: { screenshot: true } });
  const raw = anAsset({ resources: [aResource(), aResource({ role: 'raw', filename: 'X.DNG' })] });

  it('dates: after is inclusive, before exclusive', () => {
    const f = compileFilters({ takenAfter: new Date('2020-05-01'), takenBefore: new Date('2022-01-01') });
    assert.equal(f(photo), true);
    assert.equal(f(video), false);
  });

  it('media types', () => {
    assert.deepEqual([...mediaTypesOf(live)].sort(), ['live', 'photo', 'screenshot']);
    assert.deepEqual([...mediaTypesOf(raw)].sort(), ['photo', 'raw']);
    assert.equal(compileFilters({ types: ['video'] })(video), true);
    assert.equal(compileFilters({ types: ['video'] })(photo), false);
  });

  it('size, album, favorites, hidden, filename', () => {
    assert.equal(compileFilters({ minSize: 1_000_000 })(video), true);
    assert.equal(compileFilters({ maxSize: 1_000_000 })(video), false);
    assert.equal(compileFilters({ albums: ['Rome'] })(photo), true);
    assert.equal(compileFilters({ albums: ['Trips/Rome'] })(photo), true);
    assert.equal(compileFilters({ excludeAlbums: ['Rome'] })(photo), false);
    assert.equal(compileFilters({ favoritesOnly: true })(live), true);
    assert.equal(compileFilters({ includeHidden: false })(live), false);
    assert.equal(compileFilters({ filename: 'img_*.jpg' })(photo), true);
    assert.equal(compileFilters({ filename: '*.heic' })(photo), false);
  });

  it('layers: all must hold', () => {
    const f = compileFilters({ types: ['photo'], albums: ['Rome'], takenAfter: new Date('2021-01-01') });
    assert.equal(f(photo), false);
  });
});
