/** @module Our EXIF tag reader against exifr, the reference it replaces on the common path, on the same bytes. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import exifr from 'exifr';
import { generateSampleLibrary } from '../../sample/index.ts';
import { exifTiff } from '../../sample/exif.ts';
import { heifExifTiff } from './bmff.ts';
import { ExifShapeError, jpegTags, tiffTags, type ExifTags } from './exif-tags.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-exif-'));
after(() => rm(root, { recursive: true, force: true }));

const OPTIONS = {
  pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime', 'GPSLatitude', 'GPSLongitude',
    'GPSLatitudeRef', 'GPSLongitudeRef', 'GPSAltitude', 'UserComment'],
  userComment: true, reviveValues: false, translateValues: false,
};

/** What the listing reads of a tag set (metadata.ts `fromExif`), so both readers are compared on what matters. */
function used(t: ExifTags | undefined) {
  const c = t?.userComment ?? t?.UserComment;
  return {
    DateTimeOriginal: t?.DateTimeOriginal, CreateDate: t?.CreateDate, OffsetTime: t?.OffsetTime,
    OffsetTimeOriginal: t?.OffsetTimeOriginal, GPSAltitude: t?.GPSAltitude,
    latitude: typeof t?.latitude === 'number' ? t.latitude.toFixed(9) : undefined,
    longitude: typeof t?.longitude === 'number' ? t.longitude.toFixed(9) : undefined,
    comment: c instanceof Uint8Array ? Buffer.from(c).toString('hex') : c,
  };
}

const jpegWith = (tiff: Buffer) => {
  const app1 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(app1.length + 2);
  const jfif = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, Buffer.from([0xff, 0xe1]), length, app1, Buffer.from([0xff, 0xda, 0, 2])]);
};

test('JPEG and HEIC photos of a sample library read as exifr reads them', async () => {
  const lib = await generateSampleLibrary({ dir: root, seed: 7, photos: 8, heicShare: 0.5, livePhotos: 1, rawPairs: 1, videos: 0, screenshots: 0, edited: 1, smallFiles: 5 });
  let jpeg = 0, heic = 0;
  for (const f of lib.assets.flatMap((a) => a.files)) {
    const path = join(root, f.path);
    if (/\.jpe?g$/i.test(f.path)) {
      const bytes = await readFile(path);
      assert.deepEqual(used(jpegTags(bytes)), used(await exifr.parse(bytes, OPTIONS) as ExifTags), f.path);
      jpeg++;
    } else if (/\.heic$/i.test(f.path)) {
      const fh = await open(path, 'r');
      const tiff = await heifExifTiff(fh, (await fh.stat()).size).finally(() => fh.close());
      assert.ok(tiff, f.path);
      assert.deepEqual(used(tiffTags(tiff)), used(await exifr.parse(tiff, OPTIONS) as ExifTags), f.path);
      heic++;
    }
  }
  assert.ok(jpeg >= 5 && heic >= 2, `${jpeg} JPEG, ${heic} HEIC compared`);
});

test('south-west GPS and a UserComment, as exifr reads them', async () => {
  const tiff = exifTiff({
    takenAt: new Date('2019-02-03T04:05:06Z'), offsetMinutes: -330, make: 'M', model: 'X',
    gps: { latitude: -33.8568, longitude: -151.2153, altitude: 12.5 }, userComment: 'Screenshot',
  });
  const bytes = jpegWith(tiff);
  const ours = jpegTags(bytes);
  assert.deepEqual(used(ours), used(await exifr.parse(bytes, OPTIONS) as ExifTags));
  assert.ok((ours.latitude as number) < 0 && (ours.longitude as number) < 0);
  assert.equal(ours.OffsetTimeOriginal, '-05:30');
});

test('big-endian TIFF (Motorola order) reads the same', async () => {
  // IFD0: one entry, the Exif pointer → Exif IFD: DateTimeOriginal (ASCII, 20 bytes at offset 44)
  const b = Buffer.alloc(64);
  b.write('MM', 0, 'latin1'); b.writeUInt16BE(42, 2); b.writeUInt32BE(8, 4);
  b.writeUInt16BE(1, 8); b.writeUInt16BE(0x8769, 10); b.writeUInt16BE(4, 12); b.writeUInt32BE(1, 14); b.writeUInt32BE(26, 18);
  b.writeUInt16BE(1, 26); b.writeUInt16BE(0x9003, 28); b.writeUInt16BE(2, 30); b.writeUInt32BE(20, 32); b.writeUInt32BE(44, 36);
  b.write('2020:01:02 03:04:05\0', 44, 'latin1');
  assert.equal(tiffTags(b).DateTimeOriginal, '2020:01:02 03:04:05');
  assert.deepEqual(used(jpegTags(jpegWith(b))), used(await exifr.parse(jpegWith(b), OPTIONS) as ExifTags));
});

test('a JPEG without EXIF gives no tags; a cut-off head or a non-JPEG is refused, for exifr to try', () => {
  assert.deepEqual(jpegTags(Buffer.from('ffd8ffe000104a46494600010100000100010000ffda0002', 'hex')), {});
  const whole = jpegWith(exifTiff({ takenAt: new Date(0), offsetMinutes: 0, make: 'M', model: 'X' }));
  assert.throws(() => jpegTags(whole.subarray(0, 60)), ExifShapeError);
  assert.throws(() => jpegTags(Buffer.from('89504e470d0a1a0a', 'hex')), ExifShapeError);
});

test('32-bit values with the top bit set read unsigned, in both byte orders', async () => {
  // IFD0: the GPS pointer → GPS IFD: GPSAltitude, one RATIONAL 3,000,000,000 / 1,000,000 at offset 44
  for (const order of ['II', 'MM'] as const) {
    const b = Buffer.alloc(64);
    const u16 = (v: number, at: number) => (order === 'II' ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
    const u32 = (v: number, at: number) => (order === 'II' ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
    b.write(order, 0, 'latin1'); u16(42, 2); u32(8, 4);
    u16(1, 8); u16(0x8825, 10); u16(4, 12); u32(1, 14); u32(26, 18);
    u16(1, 26); u16(6, 28); u16(5, 30); u32(1, 32); u32(44, 36);
    u32(3_000_000_000, 44); u32(1_000_000, 48);
    assert.equal(tiffTags(b).GPSAltitude, 3000, order);
    assert.equal(used(jpegTags(jpegWith(b))).GPSAltitude, used(await exifr.parse(jpegWith(b), OPTIONS) as ExifTags).GPSAltitude, order);
  }
});
