/** @module Minimal little-endian TIFF writer: the body of an EXIF APP1 segment, a PNG eXIf chunk and our tiny DNG. */

export type TagType = 'byte' | 'ascii' | 'short' | 'long' | 'rational' | 'undefined';
export interface Tag {
  readonly tag: number;
  readonly type: TagType;
  /** Numbers (rationals as flat numerator/denominator pairs), a string (ascii) or raw bytes. */
  readonly value: readonly number[] | string | Buffer;
}

const TYPE_CODE: Record<TagType, number> = { byte: 1, ascii: 2, short: 3, long: 4, rational: 5, undefined: 7 };
const EXIF_POINTER = 0x8769;
const GPS_POINTER = 0x8825;
const STRIP_OFFSETS = 0x0111;

function encode(t: Tag): { count: number; data: Buffer } {
  if (t.type === 'ascii') {
    const data = Buffer.from(`${String(t.value)}\0`, 'latin1');
    return { count: data.length, data };
  }
  if (Buffer.isBuffer(t.value)) return { count: t.value.length, data: t.value };
  const nums = t.value as readonly number[];
  switch (t.type) {
    case 'byte': case 'undefined': return { count: nums.length, data: Buffer.from(nums) };
    case 'short': {
      const b = Buffer.alloc(nums.length * 2);
      nums.forEach((v, i) => b.writeUInt16LE(v, i * 2));
      return { count: nums.length, data: b };
    }
    case 'long': case 'rational': {
      const b = Buffer.alloc(nums.length * 4);
      nums.forEach((v, i) => b.writeUInt32LE(v, i * 4));
      return { count: t.type === 'long' ? nums.length : nums.length / 2, data: b };
    }
  }
}

const even = (n: number) => n + (n & 1);
const ifdSize = (tags: readonly Tag[]) =>
  2 + tags.length * 12 + 4 + tags.reduce((sum, t) => {
    const len = encode(t).data.length;
    return sum + (len > 4 ? even(len) : 0);
  }, 0);

function writeIfd(tags: readonly Tag[], at: number): Buffer {
  const sorted = [...tags].sort((a, b) => a.tag - b.tag);
  const out = Buffer.alloc(ifdSize(sorted));
  out.writeUInt16LE(sorted.length, 0);
  let extra = 2 + sorted.length * 12 + 4;
  sorted.forEach((t, i) => {
    const { count, data } = encode(t);
    const e = 2 + i * 12;
    out.writeUInt16LE(t.tag, e);
    out.writeUInt16LE(TYPE_CODE[t.type], e + 2);
    out.writeUInt32LE(count, e + 4);
    if (data.length <= 4) data.copy(out, e + 8);
    else {
      out.writeUInt32LE(at + extra, e + 8);
      data.copy(out, extra);
      extra += even(data.length);
    }
  });
  return out;
}

/**
 * A TIFF with IFD0 and optional Exif and GPS sub-IFDs, whose pointer tags are added here. When `tail`
 * is given it follows the IFDs and a StripOffsets tag in IFD0 is pointed at it (the DNG's pixels).
 */
export function buildTiff(ifd0: readonly Tag[], sub: { exif?: readonly Tag[]; gps?: readonly Tag[] }, tail?: Buffer): Buffer {
  const pointer = (tag: number): Tag => ({ tag, type: 'long', value: [0] });
  const head = [...ifd0.filter((t) => t.tag !== STRIP_OFFSETS || !tail)];
  if (tail) head.push(pointer(STRIP_OFFSETS));
  if (sub.exif) head.push(pointer(EXIF_POINTER));
  if (sub.gps) head.push(pointer(GPS_POINTER));
  const exifAt = 8 + ifdSize(head);
  const gpsAt = exifAt + (sub.exif ? ifdSize(sub.exif) : 0);
  const tailAt = gpsAt + (sub.gps ? ifdSize(sub.gps) : 0);
  const fixed = head.map((t): Tag => {
    if (t.tag === STRIP_OFFSETS) return { ...t, value: [tailAt] };
    if (t.tag === EXIF_POINTER) return { ...t, value: [exifAt] };
    if (t.tag === GPS_POINTER) return { ...t, value: [gpsAt] };
    return t;
  });
  const header = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  return Buffer.concat([
    header,
    writeIfd(fixed, 8),
    ...(sub.exif ? [writeIfd(sub.exif, exifAt)] : []),
    ...(sub.gps ? [writeIfd(sub.gps, gpsAt)] : []),
    ...(tail ? [tail] : []),
  ]);
}
