/** @module Realistic file bytes made on the fly: valid JPEG (with EXIF DateTimeOriginal), HEIC/MOV box headers, AES-CTR filler with random access. */
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export type MediaFormat = 'jpeg' | 'heic' | 'mov' | 'png' | 'raw';

export interface ContentSpec {
  /** Unique per resource revision; seeds the filler. */
  readonly key: string;
  readonly format: MediaFormat;
  readonly size: number;
  /** Capture time written into EXIF (JPEG) as local time. */
  readonly takenAt: Date;
  readonly utcOffsetMinutes: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function exifDate(at: Date, offsetMin: number): { stamp: string; offset: string } {
  const local = new Date(at.getTime() + offsetMin * 60_000);
  const stamp = `${local.getUTCFullYear()}:${pad2(local.getUTCMonth() + 1)}:${pad2(local.getUTCDate())} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}`;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return { stamp, offset: `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}` };
}

/** APP1 Exif segment: IFD0 → ExifIFD with DateTimeOriginal and OffsetTimeOriginal (little-endian TIFF). */
function exifSegment(at: Date, offsetMin: number): Buffer {
  const { stamp, offset } = exifDate(at, offsetMin);
  // Layout: header 0-8, IFD0 8-26, Exif IFD 26-56, DateTimeOriginal 56-76, OffsetTimeOriginal 76-83.
  const tiff = Buffer.alloc(84);
  tiff.write('II', 0, 'latin1'); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x8769, 10); tiff.writeUInt16LE(4, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt32LE(26, 18);
  tiff.writeUInt32LE(0, 22);
  tiff.writeUInt16LE(2, 26);
  tiff.writeUInt16LE(0x9003, 28); tiff.writeUInt16LE(2, 30); tiff.writeUInt32LE(20, 32); tiff.writeUInt32LE(56, 36);
  tiff.writeUInt16LE(0x9011, 40); tiff.writeUInt16LE(2, 42); tiff.writeUInt32LE(7, 44); tiff.writeUInt32LE(76, 48);
  tiff.writeUInt32LE(0, 52);
  tiff.write(stamp + '\0', 56, 'latin1');
  tiff.write(offset + '\0', 76, 'latin1');
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** A complete 8×8 grey baseline JPEG after SOI: every decoder accepts it; filler follows EOI. */
const TINY_JPEG_BODY = Buffer.from([
  0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1),
  0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
  0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, ...new Array<number>(15).fill(0), 0x00,
  0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, ...new Array<number>(15).fill(0), 0x00,
  0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
  0x3f, 0xff, 0xd9,
]);

function box(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

/** The format-specific bytes at the start of the file; the rest is filler (inside `mdat` for boxed formats). */
export function headerOf(spec: ContentSpec): Buffer {
  switch (spec.format) {
    case 'jpeg':
      return Buffer.concat([Buffer.from([0xff, 0xd8]), exifSegment(spec.takenAt, spec.utcOffsetMinutes), TINY_JPEG_BODY]);
    case 'heic': case 'mov': {
      const ftyp = box('ftyp', Buffer.from(spec.format === 'heic' ? 'heic\0\0\0\0mif1heic' : 'qt  \0\0\0\0qt  ', 'latin1'));
      const mdatHead = Buffer.alloc(8);
      mdatHead.writeUInt32BE(Math.max(8, spec.size - ftyp.length), 0);
      mdatHead.write('mdat', 4, 'latin1');
      return Buffer.concat([ftyp, mdatHead]);
    }
    case 'png': return Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'raw': return Buffer.from('II*\0\x08\0\0\0', 'latin1');
  }
}

/** Smallest size a resource of this format can have (its header). */
export const minSizeOf = (format: MediaFormat): number => headerOf({ key: '', format, size: 0, takenAt: new Date(0), utcOffsetMinutes: 0 }).length;

function keystream(key: string, start: number, length: number): Buffer {
  const k = createHash('sha256').update(key).digest().subarray(0, 16);
  const block = Math.floor(start / 16);
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(Math.floor(block / 0x100000000), 8);
  iv.writeUInt32BE(block % 0x100000000, 12);
  const skip = start - block * 16;
  const out = createCipheriv('aes-128-ctr', k, iv).update(Buffer.alloc(length + skip));
  return out.subarray(skip);
}

/** Bytes [start, end) of the resource; random access so Range requests cost only what they send. */
export function bytesAt(spec: ContentSpec, start: number, end: number, header = headerOf(spec)): Buffer {
  const parts: Buffer[] = [];
  if (start < header.length) parts.push(header.subarray(start, Math.min(end, header.length)));
  const from = Math.max(start, header.length);
  if (end > from) parts.push(keystream(spec.key, from, end - from));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

const CHUNK = 256 * 1024;

/** A stream of bytes [start, end). */
export function streamOf(spec: ContentSpec, start = 0, end = spec.size): Readable {
  const header = headerOf(spec);
  let pos = start;
  return new Readable({
    read() {
      if (pos >= end) { this.push(null); return; }
      const next = Math.min(end, pos + CHUNK);
      this.push(bytesAt(spec, pos, next, header));
      pos = next;
    },
  });
}

export function sha256Of(spec: ContentSpec): string {
  const hash = createHash('sha256');
  const header = headerOf(spec);
  for (let pos = 0; pos < spec.size; pos += CHUNK) hash.update(bytesAt(spec, pos, Math.min(spec.size, pos + CHUNK), header));
  return hash.digest('hex');
}
