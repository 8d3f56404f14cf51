/**
 * @module Pure grouping of an export folder's files into assets: Live Photo pairs, RAW+JPEG pairs,
 * iCloud edited copies (IMG_E1234) and AAE/XMP sidecars, all matched by stem within one folder.
 */
import type { AssetKind, ResourceRole } from '../../core/asset.ts';

export type FileClass = 'image' | 'raw' | 'video' | 'sidecar';

const IMAGE = ['heic', 'heif', 'hif', 'jpg', 'jpeg', 'png', 'avif', 'webp', 'tif', 'tiff', 'gif', 'bmp'];
const RAW = ['dng', 'cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'pef', 'srw'];
const VIDEO = ['mov', 'mp4', 'm4v', '3gp', 'avi', 'mkv', 'mts', 'm2ts'];
const SIDECAR = ['aae', 'xmp'];
const CLASS = new Map<string, FileClass>([
  ...IMAGE.map((e) => [e, 'image'] as const), ...RAW.map((e) => [e, 'raw'] as const),
  ...VIDEO.map((e) => [e, 'video'] as const), ...SIDECAR.map((e) => [e, 'sidecar'] as const),
]);

export interface NamedFile { readonly dir: string; readonly name: string }

export interface Member<F> { readonly role: ResourceRole; readonly file: F }
export interface Group<F> { readonly kind: AssetKind; readonly primary: F; readonly members: readonly Member<F>[] }

export const extOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
};
export const classOf = (name: string): FileClass | undefined => CLASS.get(extOf(name));

/** IMG_E1234 → IMG_1234 (edited render), IMG_O1234 → IMG_1234 (original's adjustments). */
const DERIVED = /^([A-Za-z]{3,4})_([EO])(\d{3,})(.*)$/;

interface Parsed<F> { readonly file: F; readonly cls: FileClass; readonly key: string; readonly edited: boolean; readonly ext: string }

function parse<F extends NamedFile>(file: F): Parsed<F> | undefined {
  const cls = classOf(file.name);
  if (!cls) return undefined;
  const ext = extOf(file.name);
  let stem = file.name.slice(0, file.name.length - ext.length - 1);
  // osxphotos writes IMG_1234.HEIC.xmp: the sidecar's stem is then a whole media name
  if (cls === 'sidecar' && CLASS.has(extOf(stem)) && CLASS.get(extOf(stem)) !== 'sidecar') stem = stem.slice(0, stem.lastIndexOf('.'));
  const m = DERIVED.exec(stem);
  const edited = m !== null && m[2]!.toUpperCase() === 'E' && cls !== 'sidecar';
  const base = m ? `${m[1]}_${m[3]}${m[4]}` : stem;
  return { file, cls, key: `${file.dir}\0${base.toLowerCase()}`, edited, ext };
}

const PREFERRED = ['heic', 'heif', 'hif', 'jpg', 'jpeg'];
const rank = (p: Parsed<NamedFile>) => { const i = PREFERRED.indexOf(p.ext); return i < 0 ? PREFERRED.length : i; };

function take<F>(pool: Parsed<F>[], pred: (p: Parsed<F>) => boolean): Parsed<F> | undefined {
  const i = pool.findIndex(pred);
  return i < 0 ? undefined : pool.splice(i, 1)[0];
}

function groupOne<F extends NamedFile>(pool: Parsed<F>[], out: Group<F>[]): void {
  while (pool.some((p) => p.cls !== 'sidecar')) {
    const primary = take(pool, (p) => !p.edited && p.cls === 'image')
      ?? take(pool, (p) => !p.edited && p.cls === 'raw')
      ?? take(pool, (p) => !p.edited && p.cls === 'video')
      // an edited copy whose original is missing is kept as an asset of its own
      ?? take(pool, (p) => p.cls !== 'sidecar')!;
    const members: Member<F>[] = [{ role: 'original', file: primary.file }];
    const add = (role: ResourceRole, found: Parsed<F> | undefined) => { if (found) members.push({ role, file: found.file }); };
    const still = primary.cls !== 'video';
    if (primary.cls === 'image') {
      add('live-video', take(pool, (p) => !p.edited && p.cls === 'video'));
      add('raw', take(pool, (p) => !p.edited && p.cls === 'raw'));
    }
    if (!primary.edited) {
      add(still ? 'edited' : 'edited-video', take(pool, (p) => p.edited && p.cls === (still ? 'image' : 'video')));
      if (still) add('edited-video', take(pool, (p) => p.edited && p.cls === 'video'));
    }
    add('sidecar', take(pool, (p) => p.cls === 'sidecar' && p.ext === 'aae' && !DERIVED.test(p.file.name))
      ?? take(pool, (p) => p.cls === 'sidecar'));
    const kind: AssetKind = primary.cls === 'video' ? 'video' : members.some((m) => m.role === 'live-video') ? 'live-photo' : 'photo';
    out.push({ kind, primary: primary.file, members });
  }
}

/**
 * Groups files into assets. Files of no known media type are ignored, and so are sidecars left without
 * an asset. Several stills of one stem (IMG_1.HEIC and IMG_1.JPG) become separate assets after the first.
 */
export function groupFiles<F extends NamedFile>(files: readonly F[]): Group<F>[] {
  const byKey = new Map<string, Parsed<F>[]>();
  for (const f of files) {
    const p = parse(f);
    if (!p) continue;
    const list = byKey.get(p.key);
    if (list) list.push(p); else byKey.set(p.key, [p]);
  }
  const out: Group<F>[] = [];
  for (const pool of byKey.values()) {
    pool.sort((a, b) => rank(a) - rank(b) || (a.file.name < b.file.name ? -1 : 1));
    groupOne(pool, out);
  }
  return out;
}
