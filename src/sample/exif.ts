/** @module EXIF tag sets for generated photos: capture date with offset, camera, GPS, an optional UserComment. */
import { buildTiff, type Tag } from './tiff.ts';

export interface PhotoMeta {
  /** The instant of capture. */
  readonly takenAt: Date;
  /** Minutes east of UTC of the camera's clock. */
  readonly offsetMinutes: number;
  readonly make: string;
  readonly model: string;
  readonly gps?: { readonly latitude: number; readonly longitude: number; readonly altitude: number };
  /** iOS marks screenshots with UserComment "Screenshot". */
  readonly userComment?: string;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "YYYY:MM:DD HH:MM:SS" of the camera's wall clock. */
export function exifDate(takenAt: Date, offsetMinutes: number): string {
  const d = new Date(takenAt.getTime() + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}:${pad(d.getUTCMonth() + 1)}:${pad(d.getUTCDate())} `
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** "+HH:MM" / "-HH:MM". */
export function exifOffset(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Degrees as the three EXIF rationals deg/1, min/1, sec*1000/1000. */
const dms = (value: number): number[] => {
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  const min = Math.floor((abs - deg) * 60);
  const sec = Math.round(((abs - deg) * 60 - min) * 60 * 1000);
  return [deg, 1, min, 1, sec, 1000];
};

export function photoTags(meta: PhotoMeta): { ifd0: Tag[]; exif: Tag[]; gps?: Tag[] } {
  const date = exifDate(meta.takenAt, meta.offsetMinutes);
  const offset = exifOffset(meta.offsetMinutes);
  const ifd0: Tag[] = [
    { tag: 0x010f, type: 'ascii', value: meta.make },
    { tag: 0x0110, type: 'ascii', value: meta.model },
    { tag: 0x0112, type: 'short', value: [1] },
    { tag: 0x0132, type: 'ascii', value: date },
    { tag: 0x0213, type: 'short', value: [1] },
  ];
  const exif: Tag[] = [
    { tag: 0x9000, type: 'undefined', value: Buffer.from('0232') },
    { tag: 0x9003, type: 'ascii', value: date },
    { tag: 0x9004, type: 'ascii', value: date },
    { tag: 0x9010, type: 'ascii', value: offset },
    { tag: 0x9011, type: 'ascii', value: offset },
    { tag: 0x9012, type: 'ascii', value: offset },
    { tag: 0x9101, type: 'undefined', value: [1, 2, 3, 0] },
    { tag: 0xa001, type: 'short', value: [1] },
    // the base JPEG's dimensions; exiftool -validate wants them
    { tag: 0xa002, type: 'short', value: [64] },
    { tag: 0xa003, type: 'short', value: [48] },
  ];
  if (meta.userComment !== undefined) {
    exif.push({ tag: 0x9286, type: 'undefined', value: Buffer.concat([Buffer.from('ASCII\0\0\0'), Buffer.from(meta.userComment)]) });
  }
  if (!meta.gps) return { ifd0, exif };
  const { latitude, longitude, altitude } = meta.gps;
  const gps: Tag[] = [
    { tag: 0x0000, type: 'byte', value: [2, 3, 0, 0] },
    { tag: 0x0001, type: 'ascii', value: latitude < 0 ? 'S' : 'N' },
    { tag: 0x0002, type: 'rational', value: dms(latitude) },
    { tag: 0x0003, type: 'ascii', value: longitude < 0 ? 'W' : 'E' },
    { tag: 0x0004, type: 'rational', value: dms(longitude) },
    { tag: 0x0005, type: 'byte', value: [altitude < 0 ? 1 : 0] },
    { tag: 0x0006, type: 'rational', value: [Math.round(Math.abs(altitude) * 10), 10] },
  ];
  return { ifd0, exif, gps };
}

/** The TIFF body of an EXIF block for `meta`. */
export function exifTiff(meta: PhotoMeta): Buffer {
  const { ifd0, exif, gps } = photoTags(meta);
  return buildTiff(ifd0, gps ? { exif, gps } : { exif });
}
