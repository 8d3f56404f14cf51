/** @module One group of files (with its capture metadata) → an Asset. */
import { assetId, type Asset, type Resource } from '../../core/asset.ts';
import type { FileEntry } from './walk.ts';
import { extOf, type Group } from './group.ts';
import type { CaptureInfo } from './metadata.ts';
import { versionOf } from './version.ts';

const TYPES: Record<string, string> = {
  heic: 'image/heic', heif: 'image/heif', hif: 'image/heif', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
  avif: 'image/avif', webp: 'image/webp', tif: 'image/tiff', tiff: 'image/tiff', gif: 'image/gif', bmp: 'image/bmp',
  dng: 'image/x-adobe-dng', cr2: 'image/x-canon-cr2', cr3: 'image/x-canon-cr3', nef: 'image/x-nikon-nef',
  arw: 'image/x-sony-arw', raf: 'image/x-fuji-raf', orf: 'image/x-olympus-orf', rw2: 'image/x-panasonic-rw2',
  pef: 'image/x-pentax-pef', srw: 'image/x-samsung-srw',
  mov: 'video/quicktime', mp4: 'video/mp4', m4v: 'video/x-m4v', '3gp': 'video/3gpp', avi: 'video/x-msvideo',
  mkv: 'video/x-matroska', mts: 'video/mp2t', m2ts: 'video/mp2t',
  aae: 'application/xml', xmp: 'application/rdf+xml',
};
export const contentTypeOf = (name: string): string => TYPES[extOf(name)] ?? 'application/octet-stream';

const SCREENSHOT_NAME = /screenshot|screen shot|bildschirmfoto|capture d.[ée]cran|schermata|captura de pantalla/i;

/** The group's asset, dated by `info`, the capture metadata of its primary file. */
export function toAsset(g: Group<FileEntry>, o: { readonly foldersAsAlbums: boolean }, info: CaptureInfo): Asset {
  const p = g.primary;
  const resources: Resource[] = g.members.map((m) => ({
    role: m.role, filename: m.file.name, size: m.file.size, contentType: contentTypeOf(m.file.name),
  }));
  const screenshot = SCREENSHOT_NAME.test(p.name) || info.userComment?.toLowerCase() === 'screenshot';
  return {
    id: assetId(p.rel),
    version: versionOf(g.members.map((m) => ({ role: m.role, size: m.file.size, mtimeMs: m.file.mtimeMs }))),
    kind: g.kind,
    takenAt: info.takenAt ?? new Date(p.mtimeMs),
    // a folder does not know when a photo joined the library; the file's birth (or mtime) is the best guess
    addedAt: new Date(p.birthtimeMs > 0 ? p.birthtimeMs : p.mtimeMs),
    ...(info.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: info.utcOffsetMinutes } : {}),
    filename: p.name,
    resources,
    albums: o.foldersAsAlbums && p.dir !== '' ? [{ id: p.dir, path: p.dir.split('/') }] : [],
    favorite: false,
    hidden: false,
    ...(info.location ? { location: info.location } : {}),
    ...(screenshot ? { traits: { screenshot: true } } : {}),
  };
}
