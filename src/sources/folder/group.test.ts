/** @module groupFiles: pairing rules on plain names, no I/O. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFiles } from './group.ts';

const files = (...names: string[]) => names.map((n) => {
  const slash = n.lastIndexOf('/');
  return { dir: slash < 0 ? '' : n.slice(0, slash), name: n.slice(slash + 1), path: n };
});
const summary = (names: string[]) => groupFiles(files(...names))
  .map((g) => `${g.kind} ${g.members.map((m) => `${m.role}=${m.file.path}`).join(' ')}`).sort();

test('Live Photo, RAW+JPEG, edited copy and AAE group by stem', () => {
  assert.deepEqual(summary([
    'IMG_0001.HEIC', 'IMG_0001.MOV', 'IMG_E0001.JPG', 'IMG_E0001.MOV', 'IMG_0001.AAE', 'IMG_O0001.AAE',
    'DSC_2.JPG', 'DSC_2.CR3', 'lone.NEF', 'clip.mp4', 'notes.txt',
  ]), [
    'photo original=DSC_2.JPG raw=DSC_2.CR3',
    'photo original=lone.NEF',
    'live-photo original=IMG_0001.HEIC live-video=IMG_0001.MOV edited=IMG_E0001.JPG edited-video=IMG_E0001.MOV sidecar=IMG_0001.AAE',
    'video original=clip.mp4',
  ].sort());
});

test('pairs only within one folder; stems match case-insensitively', () => {
  assert.deepEqual(summary(['a/IMG_0003.jpg', 'b/IMG_0003.MOV', 'a/img_0004.JPG', 'a/IMG_0004.mov']), [
    'live-photo original=a/img_0004.JPG live-video=a/IMG_0004.mov',
    'photo original=a/IMG_0003.jpg',
    'video original=b/IMG_0003.MOV',
  ]);
});

test('leftovers become their own assets; an orphan edit stands alone; orphan sidecars are dropped', () => {
  assert.deepEqual(summary(['IMG_0005.HEIC', 'IMG_0005.JPG', 'IMG_E0006.JPG', 'IMG_0007.AAE', 'IMG_0008.HEIC.xmp', 'IMG_0008.HEIC']), [
    'photo original=IMG_0005.HEIC',
    'photo original=IMG_0005.JPG',
    'photo original=IMG_0008.HEIC sidecar=IMG_0008.HEIC.xmp',
    'photo original=IMG_E0006.JPG',
  ]);
});
