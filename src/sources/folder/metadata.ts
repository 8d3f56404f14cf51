/**
 * @module Capture metadata of one file: our own tag reader for JPEG and HEIC EXIF (exifr when it meets a shape it
 * does not know, and for TIFF/PNG/RAW), the mvhd box for MOV/MP4; the rest goes to exiftool in batches
 * (exiftool-batch.ts). exiftool costs milliseconds a file, so keeping it off the common path is what makes 10k files
 * list in seconds.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { GeoPoint } from '../../core/asset.ts';
import { heifExifTiff, movieCreationTime } from './bmff.ts';
import { ExifShapeError, jpegTags, tiffTags, type ExifTags } from './exif-tags.ts';

export interface CaptureInfo {
  readonly takenAt?: Date;
  readonly utcOffsetMinutes?: number;
  readonly location?: GeoPoint;
  readonly userComment?: string;
}

const EXIFR_EXTS = new Set(['jpg', 'jpeg', 'png', 'tif', 'tiff', 'dng', 'cr2', 'nef', 'arw']);
const HEIF_EXTS = new Set(['heic', 'heif', 'avif', 'hif']);
const MOVIE_EXTS = new Set(['mov', 'mp4', 'm4v', '3gp']);
const PICK = ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime',
  'GPSLatitude', 'GPSLongitude', 'GPSLatitudeRef', 'GPSLongitudeRef', 'GPSAltitude', 'UserComment'];
const EXIFR_OPTIONS = { pick: PICK, userComment: true, reviveValues: false, translateValues: false, silentErrors: false };

/**
 * exifr, loaded the first time a file needs it (a JPEG shape our reader does not know, PNG, TIFF, RAW): a library of
 * JPEGs, HEICs and videos never loads its 75 KB of code.
 */
type ExifrParse = (input: string | Uint8Array, options: typeof EXIFR_OPTIONS) => Promise<Record<string, unknown> | undefined>;
let loadedParse: Promise<ExifrParse> | undefined;
async function exifrParse(input: string | Uint8Array): Promise<Record<string, unknown> | undefined> {
  // exifr is a CommonJS (UMD) module: its exports are the default export.
  loadedParse ??= import('exifr').then((m) => (m.default as { parse: ExifrParse }).parse);
  return (await loadedParse)(input, EXIFR_OPTIONS);
}

/** "+02:00" → 120. */
export function parseOffset(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim()) : null;
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * "YYYY:MM:DD HH:MM:SS" with an optional offset. Without one the wall clock is read in the local time
 * zone, as the camera most likely shared it with the machine that exported the photos.
 */
export function parseExifDate(text: unknown, offsetMinutes: number | undefined): Date | undefined {
  const m = typeof text === 'string' ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text) : null;
  if (!m || m[1] === '0000') return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = offsetMinutes === undefined
    ? new Date(y, mo - 1, d, h, mi, s).getTime()
    : Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function comment(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (!(raw instanceof Uint8Array)) return undefined;
  // 8-byte character-code prefix ("ASCII\0\0\0", "UNICODE\0"), then the text
  const prefix = Buffer.from(raw.subarray(0, 8)).toString('latin1');
  const body = Buffer.from(raw.subarray(8));
  return (prefix.startsWith('UNICODE') ? body.toString('utf16le') : body.toString('utf8')).replace(/\0+$/, '').trim();
}

function fromExif(t: Record<string, unknown>): CaptureInfo {
  const offset = parseOffset(t.OffsetTimeOriginal) ?? parseOffset(t.OffsetTime);
  const takenAt = parseExifDate(t.DateTimeOriginal, offset) ?? parseExifDate(t.CreateDate, offset);
  const lat = t.latitude, lon = t.longitude;
  const location = typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)
    ? { latitude: lat, longitude: lon, ...(typeof t.GPSAltitude === 'number' ? { altitude: t.GPSAltitude } : {}) }
    : undefined;
  const userComment = comment(t.userComment ?? t.UserComment);
  return {
    ...(takenAt ? { takenAt } : {}),
    ...(takenAt && offset !== undefined ? { utcOffsetMinutes: offset } : {}),
    ...(location ? { location } : {}),
    ...(userComment ? { userComment } : {}),
  };
}

const JPEG_HEAD = 64 * 1024;
/** Reused head buffers: a fresh 64 KB allocation per file fragments the heap (+60 MB RSS listing 10k files). */
const spareHeads: Buffer[] = [];

/** Our reader first; exifr only for a shape it does not know (it then reads the file its own way). */
async function orExifr(read: () => ExifTags, fallback: () => Promise<ExifTags | undefined>): Promise<ExifTags | undefined> {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ExifShapeError)) throw err;
    return fallback();
  }
}

/**
 * JPEG EXIF sits in an APP1 segment near the start: one read of the first 64 KB, then our tag reader (exifr for
 * shapes it does not know). A head without a date gets a full read by exifr.
 */
async function jpegExif(path: string, size: number): Promise<Record<string, unknown>> {
  const buf = spareHeads.pop() ?? Buffer.allocUnsafe(JPEG_HEAD);
  let tags: Record<string, unknown> | undefined;
  try {
    // One synchronous open/read/close: for a head of ≤ 64 KB, three hops through libuv's thread pool cost more.
    const fd = openSync(path, 'r');
    let read: number;
    try { read = readSync(fd, buf, 0, Math.min(size, JPEG_HEAD), 0); } finally { closeSync(fd); }
    const head = buf.subarray(0, read);
    tags = await orExifr(() => jpegTags(head), () => exifrParse(head).catch(() => undefined));
  } finally {
    spareHeads.push(buf);
  }
  if (tags?.DateTimeOriginal !== undefined || size <= JPEG_HEAD) return tags ?? {};
  return (await exifrParse(path)) ?? {};
}

/**
 * What the fast readers make of one file; null when none of them can read it (its format or its shape), so the
 * caller batches it to exiftool. Never throws.
 */
export async function readCaptureFast(path: string, ext: string, size: number): Promise<CaptureInfo | null> {
  try {
    if (ext === 'jpg' || ext === 'jpeg') return fromExif(await jpegExif(path, size));
    if (EXIFR_EXTS.has(ext)) return fromExif((await exifrParse(path)) ?? {});
    if (HEIF_EXTS.has(ext) || MOVIE_EXTS.has(ext)) {
      const fh = await open(path, 'r');
      try {
        if (MOVIE_EXTS.has(ext)) {
          const takenAt = await movieCreationTime(fh, size);
          return takenAt ? { takenAt } : {};
        }
        const tiff = await heifExifTiff(fh, size);
        return tiff ? fromExif((await orExifr(() => tiffTags(tiff), () => exifrParse(tiff))) ?? {}) : {};
      } finally {
        await fh.close();
      }
    }
  } catch {
    // unreadable by the fast path: exiftool gets a go
  }
  return null;
}
