/** @module Still-image writers: JPEG (own EXIF APP1), HEIC (fixture with dates patched), screenshot PNG, tiny DNG, AAE. */
import { deflateSync, crc32 } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';
import { MEDIA_BASE64 } from './media-bytes.ts';
import { exifDate, exifOffset, exifTiff, photoTags, type PhotoMeta } from './exif.ts';
import { buildTiff } from './tiff.ts';
import type { ByteStream } from './prng.ts';
import { writeJpegPadding, writeRandom } from './write-util.ts';

const BASE_JPEG = Buffer.from(MEDIA_BASE64.jpg, 'base64');
const BASE_HEIC = Buffer.from(MEDIA_BASE64.heic, 'base64');

/** The base JPEG's segments after SOI, minus APP0/APP1, so our Exif APP1 can come first. */
const JPEG_BODY = (() => {
  const parts: Buffer[] = [];
  let at = 2;
  while (at < BASE_JPEG.length) {
    const marker = BASE_JPEG[at + 1]!;
    if (marker === 0xda) { parts.push(BASE_JPEG.subarray(at)); break; }
    const end = at + 2 + BASE_JPEG.readUInt16BE(at + 2);
    if (marker !== 0xe0 && marker !== 0xe1) parts.push(BASE_JPEG.subarray(at, end));
    at = end;
  }
  return Buffer.concat(parts);
})();

function jpegHead(meta: PhotoMeta): Buffer {
  const tiff = exifTiff(meta);
  const app1 = Buffer.alloc(4 + 6);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(2 + 6 + tiff.length, 2);
  app1.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, tiff]);
}

/** A valid baseline JPEG of about `size` bytes (never less than the ~1.3 KB minimum). */
export async function writeJpeg(fh: FileHandle, meta: PhotoMeta, size: number, bytes: ByteStream): Promise<void> {
  const head = jpegHead(meta);
  await fh.write(head);
  await writeJpegPadding(fh, bytes, size - head.length - JPEG_BODY.length);
  await fh.write(JPEG_BODY);
}

const PLACEHOLDER_DATE = Buffer.from('2000:01:01 00:00:00');
const PLACEHOLDER_OFFSET = Buffer.from('+00:00');
const positions = (needle: Buffer) => {
  const found: number[] = [];
  for (let i = BASE_HEIC.indexOf(needle); i >= 0; i = BASE_HEIC.indexOf(needle, i + 1)) found.push(i);
  return found;
};
const HEIC_DATES = positions(PLACEHOLDER_DATE);
const HEIC_OFFSETS = positions(PLACEHOLDER_OFFSET);

/** The HEIC fixture with its EXIF dates rewritten in place, padded to `size` with a trailing `free` box. */
export async function writeHeic(fh: FileHandle, meta: PhotoMeta, size: number, bytes: ByteStream): Promise<void> {
  const out = Buffer.from(BASE_HEIC);
  const date = Buffer.from(exifDate(meta.takenAt, meta.offsetMinutes));
  for (const at of HEIC_DATES) date.copy(out, at);
  for (const at of HEIC_OFFSETS) Buffer.from(exifOffset(meta.offsetMinutes)).copy(out, at);
  await fh.write(out);
  const pad = size - out.length;
  if (pad < 8) return;
  const box = Buffer.alloc(8);
  box.writeUInt32BE(pad, 0);
  box.write('free', 4, 'latin1');
  await fh.write(box);
  await writeRandom(fh, bytes, pad - 8);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A small PNG with an eXIf chunk (iOS screenshots carry UserComment "Screenshot" there). */
export function pngBytes(meta: PhotoMeta, seed: number): Buffer {
  const w = 48, h = 32;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const o = y * (w * 3 + 1) + 1 + x * 3;
    raw[o] = (x * 5 + seed) & 255; raw[o + 1] = (y * 7) & 255; raw[o + 2] = (seed * 13) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('eXIf', exifTiff(meta)),
    pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A real (tiny) DNG: TIFF with DNGVersion, an 8×8 LinearRaw strip and the same EXIF as its JPEG twin;
 * unreferenced filler after the strip brings it to `size`, which TIFF readers ignore.
 */
export async function writeDng(fh: FileHandle, meta: PhotoMeta, size: number, bytes: ByteStream): Promise<void> {
  const { ifd0, exif, gps } = photoTags(meta);
  const strip = bytes.take(8 * 8 * 3);
  const tiff = buildTiff([
    ...ifd0,
    { tag: 0x00fe, type: 'long', value: [0] },
    { tag: 0x0100, type: 'short', value: [8] },
    { tag: 0x0101, type: 'short', value: [8] },
    { tag: 0x0102, type: 'short', value: [8, 8, 8] },
    { tag: 0x0103, type: 'short', value: [1] },
    { tag: 0x0106, type: 'short', value: [34892] },
    { tag: 0x0115, type: 'short', value: [3] },
    { tag: 0x0116, type: 'short', value: [8] },
    { tag: 0x0117, type: 'long', value: [strip.length] },
    { tag: 0x011c, type: 'short', value: [1] },
    { tag: 0xc612, type: 'byte', value: [1, 4, 0, 0] },
    { tag: 0xc613, type: 'byte', value: [1, 1, 0, 0] },
    { tag: 0xc614, type: 'ascii', value: `${meta.make} ${meta.model}` },
  ], gps ? { exif, gps } : { exif }, strip);
  await fh.write(tiff);
  await writeRandom(fh, bytes, size - tiff.length);
}

/** An adjustments sidecar as Photos writes it (a property list; the content is only plausible). */
export function aaeText(stem: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>adjustmentBaseVersion</key><integer>0</integer>
<key>adjustmentData</key><data>${Buffer.from(`photoferry sample edit of ${stem}`).toString('base64')}</data>
<key>adjustmentEditorBundleID</key><string>com.apple.mobileslideshow</string>
<key>adjustmentFormatIdentifier</key><string>com.apple.photo</string>
<key>adjustmentFormatVersion</key><string>1.5</string>
</dict></plist>
`;
}
