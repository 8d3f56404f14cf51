/**
 * @module The few EXIF tags a listing needs (capture date and offset, GPS, UserComment), read straight from the TIFF
 * structure of a JPEG's APP1 segment or a HEIF Exif item. exifr parsed 10k small heads in ≈ 0.7 s of CPU (option
 * handling, a segment scan per call, promise hops); walking three IFDs for ten tags costs a few µs a file. Anything
 * unexpected throws `ExifShapeError` and the caller hands the file to exifr, so this never decides an odd file alone.
 */

/** The tags by exifr's names, values as exifr gives them with `reviveValues: false` (strings, numbers, bytes). */
export type ExifTags = Record<string, unknown>;

export class ExifShapeError extends Error {}

const EXIF_IFD = 0x8769;
const GPS_IFD = 0x8825;
const EXIF_NAMES: Record<number, string> = {
  0x9003: 'DateTimeOriginal', 0x9004: 'CreateDate', 0x9010: 'OffsetTime', 0x9011: 'OffsetTimeOriginal', 0x9286: 'UserComment',
};
const GPS_NAMES: Record<number, string> = {
  1: 'GPSLatitudeRef', 2: 'GPSLatitude', 3: 'GPSLongitudeRef', 4: 'GPSLongitude', 6: 'GPSAltitude',
};
/** Bytes per component of each TIFF field type (0: a type we never read). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];

class Tiff {
  readonly little: boolean;
  constructor(readonly buf: Buffer, readonly start: number, readonly end: number) {
    const order = buf.toString('latin1', start, start + 2);
    if (order !== 'II' && order !== 'MM') throw new ExifShapeError('not a TIFF header');
    this.little = order === 'II';
    if (this.u16(2) !== 42) throw new ExifShapeError('not a TIFF header');
  }

  #at(offset: number, size: number): number {
    const at = this.start + offset;
    if (offset < 0 || at + size > this.end) throw new ExifShapeError('EXIF runs past the bytes read');
    return at;
  }

  // Byte arithmetic, not Buffer's readUInt16LE and kin: those compute in floating point (`last * 2 ** 8`), and below
  // V8's top tier (the launcher stops at Maglev) each value came back boxed: 36 MB of garbage listing 10k JPEGs.
  u16(offset: number): number {
    const at = this.#at(offset, 2), b = this.buf;
    return this.little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }

  u32(offset: number): number {
    const at = this.#at(offset, 4), b = this.buf;
    return this.little
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
      : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** Each entry of the IFD at `offset` whose tag is in `names`, decoded; pointer tags returned as numbers. */
  ifd(offset: number, names: Record<number, string>, into: ExifTags, pointers?: Map<number, number>): void {
    const count = this.u16(offset);
    for (let i = 0; i < count; i++) {
      const entry = offset + 2 + i * 12;
      const tag = this.u16(entry);
      if (pointers && (tag === EXIF_IFD || tag === GPS_IFD)) { pointers.set(tag, this.u32(entry + 8)); continue; }
      const name = names[tag];
      if (name !== undefined) into[name] = this.value(entry);
    }
  }

  value(entry: number): unknown {
    const type = this.u16(entry + 2);
    const count = this.u32(entry + 4);
    const size = (TYPE_SIZE[type] ?? 0) * count;
    if (size === 0) throw new ExifShapeError(`field type ${type}`);
    const data = size <= 4 ? entry + 8 : this.u32(entry + 8);
    const at = this.#at(data, size);
    if (type === 2) return this.buf.toString('latin1', at, at + size).replace(/\0[\s\S]*$/, '').trim();
    if (type === 7 || type === 1) return Uint8Array.prototype.slice.call(this.buf, at, at + size);
    if (type === 5) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(this.u32(data + i * 8) / this.u32(data + i * 8 + 4));
      return count === 1 ? out[0] : out;
    }
    if (type === 3) return count === 1 ? this.u16(data) : Array.from({ length: count }, (_, i) => this.u16(data + i * 2));
    if (type === 4) return count === 1 ? this.u32(data) : Array.from({ length: count }, (_, i) => this.u32(data + i * 4));
    throw new ExifShapeError(`field type ${type}`);
  }
}

/** Degrees from [deg, min, sec], negative in the south and west (exifr's `latitude`/`longitude`). */
function degrees(dms: unknown, ref: unknown, negative: string): number | undefined {
  if (!Array.isArray(dms) || dms.length !== 3) return undefined;
  const [d, m, s] = dms as [number, number, number];
  const value = d + m / 60 + s / 3600;
  return typeof ref === 'string' && ref.toUpperCase().startsWith(negative) ? -value : value;
}

/** Our tags from a TIFF structure (`buf[start, end)`). */
export function tiffTags(buf: Buffer, start = 0, end = buf.length): ExifTags {
  const tiff = new Tiff(buf, start, end);
  const tags: ExifTags = {};
  const pointers = new Map<number, number>();
  tiff.ifd(tiff.u32(4), {}, tags, pointers);
  const exif = pointers.get(EXIF_IFD);
  if (exif !== undefined) tiff.ifd(exif, EXIF_NAMES, tags);
  const gps = pointers.get(GPS_IFD);
  if (gps !== undefined) {
    tiff.ifd(gps, GPS_NAMES, tags);
    const latitude = degrees(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
    const longitude = degrees(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
    if (latitude !== undefined && longitude !== undefined) Object.assign(tags, { latitude, longitude });
  }
  return tags;
}

/**
 * Our tags from the first bytes of a JPEG: the segments up to the image data, the first APP1 holding "Exif\0\0".
 * `{}` when the JPEG has none; throws when the head is not a JPEG or ends inside the segment.
 */
export function jpegTags(head: Buffer): ExifTags {
  if (head.length < 4 || head[0] !== 0xff || head[1] !== 0xd8) throw new ExifShapeError('not a JPEG');
  let at = 2;
  while (at + 4 <= head.length) {
    if (head[at] !== 0xff) throw new ExifShapeError('no JPEG marker');
    const marker = head[at + 1]!;
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xda || marker === 0xd9) return {}; // image data (or the end) before any EXIF
    const length = head.readUInt16BE(at + 2);
    const body = at + 4;
    if (marker === 0xe1 && head.toString('latin1', body, body + 6) === 'Exif\0\0') {
      if (at + 2 + length > head.length) throw new ExifShapeError('EXIF runs past the bytes read');
      return tiffTags(head, body + 6, at + 2 + length);
    }
    at += 2 + length;
  }
  throw new ExifShapeError('EXIF runs past the bytes read');
}
