/** @module Capture metadata readers: date/offset parsing, HEIC Exif via our locator, exiftool fallback. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { generateSampleLibrary } from '../../sample/index.ts';
import { parseExifDate, parseOffset } from './metadata.ts';
import { readCapture } from './exiftool-batch.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-meta-'));
let tool: ExifTool | undefined;
const lazy = async () => (tool ??= new ExifTool({ maxProcs: 1 }));
after(async () => { await tool?.end(); await rm(root, { recursive: true, force: true }); });

test('offsets and EXIF dates', () => {
  assert.equal(parseOffset('+05:30'), 330);
  assert.equal(parseOffset('-0800'), -480);
  assert.equal(parseOffset('Z'), undefined);
  assert.equal(parseExifDate('2021:07:04 12:00:00', 120)?.toISOString(), '2021-07-04T10:00:00.000Z');
  assert.equal(parseExifDate('0000:00:00 00:00:00', 0), undefined);
  assert.equal(parseExifDate('2021:07:04 12:00:00', undefined)?.getHours(), 12);
});

test('HEIC (libheif layout) through our Exif locator, MOV through mvhd, others through exiftool', async () => {
  const lib = await generateSampleLibrary({ dir: root, seed: 2, photos: 1, heicShare: 1, edited: 0, livePhotos: 1, rawPairs: 0, videos: 0, screenshots: 0 });
  for (const f of lib.assets.flatMap((a) => a.files)) {
    const path = join(root, f.path);
    const ext = f.path.slice(f.path.lastIndexOf('.') + 1).toLowerCase();
    const info = await readCapture(path, ext, (await stat(path)).size, () => assert.fail('exiftool not expected'));
    assert.equal(info.takenAt?.toISOString(), f.meta.takenAt.toISOString(), f.path);
  }
  // a JPEG under an extension the fast path does not take: exiftool reads it by content
  const heic = lib.assets[0]!.files[0]!;
  const odd = join(root, 'odd.webp');
  await copyFile(join(root, heic.path), odd);
  const info = await readCapture(odd, 'webp', (await stat(odd)).size, lazy);
  assert.equal(info.takenAt?.toISOString(), heic.meta.takenAt.toISOString());
  assert.equal(info.utcOffsetMinutes, heic.meta.offsetMinutes);
});
