/** @module CPLMaster + CPLAsset → core Asset (pure): resources and their roles, names, dates with time zone, flags, location, version. */
import { createHash } from 'node:crypto';
import { assetId, type AlbumRef, type Asset, type AssetKind, type Resource, type ResourceRole } from '../../core/asset.ts';
import { decodeLocation, decodeText, safeFilename } from './api/enc.ts';
import { encField, flag, num, res, str, type CkRecord } from './api/records.ts';

interface UtiInfo { readonly ext: string; readonly type: string; readonly video?: boolean; readonly raw?: boolean }
const UTI: Readonly<Record<string, UtiInfo>> = {
  'public.jpeg': { ext: 'JPG', type: 'image/jpeg' }, 'public.heic': { ext: 'HEIC', type: 'image/heic' },
  'public.heif': { ext: 'HEIF', type: 'image/heif' }, 'public.png': { ext: 'PNG', type: 'image/png' },
  'com.compuserve.gif': { ext: 'GIF', type: 'image/gif' }, 'public.tiff': { ext: 'TIFF', type: 'image/tiff' },
  'org.webmproject.webp': { ext: 'WEBP', type: 'image/webp' },
  'com.apple.quicktime-movie': { ext: 'MOV', type: 'video/quicktime', video: true },
  'public.mpeg-4': { ext: 'MP4', type: 'video/mp4', video: true }, 'com.apple.m4v-video': { ext: 'M4V', type: 'video/x-m4v', video: true },
  'com.adobe.raw-image': { ext: 'DNG', type: 'image/x-adobe-dng', raw: true },
  'com.canon.cr2-raw-image': { ext: 'CR2', type: 'image/x-canon-cr2', raw: true }, 'com.canon.cr3-raw-image': { ext: 'CR3', type: 'image/x-canon-cr3', raw: true },
  'com.canon.crw-raw-image': { ext: 'CRW', type: 'image/x-canon-crw', raw: true }, 'com.sony.arw-raw-image': { ext: 'ARW', type: 'image/x-sony-arw', raw: true },
  'com.fuji.raw-image': { ext: 'RAF', type: 'image/x-fuji-raf', raw: true }, 'com.panasonic.rw2-raw-image': { ext: 'RW2', type: 'image/x-panasonic-rw2', raw: true },
  'com.nikon.raw-image': { ext: 'NEF', type: 'image/x-nikon-nef', raw: true }, 'com.nikon.nrw-raw-image': { ext: 'NRW', type: 'image/x-nikon-nrw', raw: true },
  'com.olympus.raw-image': { ext: 'ORF', type: 'image/x-olympus-orf', raw: true }, 'com.olympus.or-raw-image': { ext: 'ORI', type: 'image/x-olympus-orf', raw: true },
  'com.pentax.raw-image': { ext: 'PEF', type: 'image/x-pentax-pef', raw: true },
};
const utiInfo = (uti: string | undefined): UtiInfo => (uti === undefined ? undefined : UTI[uti]) ?? { ext: 'BIN', type: 'application/octet-stream' };

/** Where a role's bytes are on the wire: which record and which `res<Variant>` field. */
export interface WireRef { readonly record: 'master' | 'asset'; readonly field: string }
export type WireMap = Partial<Record<ResourceRole, WireRef>>;

export interface Mapped { readonly asset: Asset; readonly wire: WireMap }

const stemOf = (name: string) => (name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name);

/** The file name: decoded `filenameEnc`, else icloudpd's fallback (master name prefix + extension from the type). */
export function filenameOf(master: CkRecord): string {
  const decoded = decodeText(encField(master, 'filenameEnc'));
  if (decoded !== undefined && decoded.trim() !== '') return safeFilename(decoded);
  return `${master.recordName.slice(0, 12).replace(/[^A-Za-z0-9]/g, '_')}.${utiInfo(str(master, 'itemType') ?? str(master, 'resOriginalFileType')).ext}`;
}

function resource(rec: CkRecord, field: string, role: ResourceRole, filename: string): Resource | undefined {
  const r = res(rec, field);
  if (r === undefined) return undefined;
  const info = utiInfo(str(rec, `${field}FileType`));
  const width = num(rec, `${field}Width`); const height = num(rec, `${field}Height`);
  return {
    role, filename, size: r.size, contentType: info.type, checksum: { algorithm: 'icloud', value: r.fileChecksum },
    ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }),
  };
}

const withExt = (stem: string, field: string, rec: CkRecord) => `${stem}.${utiInfo(str(rec, `${field}FileType`)).ext}`;

/** Why a master/asset pair cannot be copied (it is then reported as skipped), or undefined when it can. */
export function skipReason(master: CkRecord): string | undefined {
  if (res(master, 'resOriginal') === undefined) return 'no original resource (resOriginalRes missing or malformed)';
  return undefined;
}

/** Epoch ms that a Date can hold (±8.64e15), else the fallback. */
const validTime = (t: number | undefined, fallback: number) => (t !== undefined && Math.abs(t) <= 8.64e15 ? t : fallback);

export function toAsset(master: CkRecord, asset: CkRecord, albums: readonly AlbumRef[] = []): Mapped {
  const filename = filenameOf(master);
  const stem = stemOf(filename);
  const itemType = str(master, 'itemType') ?? str(master, 'resOriginalFileType');
  const isVideo = utiInfo(itemType).video === true;
  const out: Resource[] = [];
  const wire: WireMap = {};
  const add = (rec: CkRecord, which: WireRef['record'], field: string, role: ResourceRole, name: string) => {
    const r = resource(rec, field, role, name);
    if (r !== undefined) { out.push(r); wire[role] = { record: which, field }; }
  };
  // RAW+JPEG: the JPEG/HEIC is the original and the RAW the alternative, whichever way Apple stored them.
  const origRaw = utiInfo(str(master, 'resOriginalFileType') ?? itemType).raw === true;
  const altRaw = utiInfo(str(master, 'resOriginalAltFileType')).raw === true;
  const hasAlt = res(master, 'resOriginalAlt') !== undefined;
  if (origRaw && hasAlt && !altRaw) {
    add(master, 'master', 'resOriginalAlt', 'original', withExt(stem, 'resOriginalAlt', master));
    add(master, 'master', 'resOriginal', 'raw', withExt(stem, 'resOriginal', master));
  } else {
    add(master, 'master', 'resOriginal', 'original', filename);
    if (hasAlt && altRaw) add(master, 'master', 'resOriginalAlt', 'raw', withExt(stem, 'resOriginalAlt', master));
  }
  const live = !isVideo && res(master, 'resOriginalVidCompl') !== undefined;
  if (live) add(master, 'master', 'resOriginalVidCompl', 'live-video', itemType === 'public.heic' ? `${stem}_HEVC.MOV` : `${stem}.MOV`);
  // The edited rendition lives on the asset (icloudpd looks there first).
  if (isVideo) add(asset, 'asset', 'resVidFull', 'edited', `${stem}-edited.MOV`);
  else {
    add(asset, 'asset', 'resJPEGFull', 'edited', withExt(`${stem}-edited`, 'resJPEGFull', asset));
    if (live) add(asset, 'asset', 'resVidFull', 'edited-video', `${stem}-edited.MOV`);
  }
  const kind: AssetKind = isVideo ? 'video' : live ? 'live-photo' : 'photo';
  const created = validTime(asset.created?.timestamp ?? master.created?.timestamp, 0);
  const addedAt = validTime(num(asset, 'addedDate'), created);
  const takenAt = validTime(num(asset, 'assetDate'), addedAt);
  const tz = num(asset, 'timeZoneOffset');
  const lat = num(asset, 'locationLatitude'); const lon = num(asset, 'locationLongitude');
  const location = lat !== undefined && lon !== undefined ? { latitude: lat, longitude: lon } : decodeLocation(encField(asset, 'locationEnc')?.raw);
  const caption = decodeText(encField(asset, 'captionEnc'));
  const traits = { screenshot: num(asset, 'assetSubtypeV2') === 3, burst: str(asset, 'burstId') !== undefined, panorama: num(asset, 'assetSubtype') === 1 };
  const albumKey = albums.map((a) => a.id).sort().join(',');
  const version = `${master.recordChangeTag ?? '-'}.${asset.recordChangeTag ?? '-'}${albumKey === '' ? '' : `.${createHash('sha1').update(albumKey).digest('hex').slice(0, 8)}`}`;
  return {
    wire,
    asset: {
      id: assetId(asset.recordName), version, kind, filename, resources: out, albums,
      takenAt: new Date(takenAt), addedAt: new Date(addedAt),
      ...(tz === undefined ? {} : { utcOffsetMinutes: Math.round(tz / 60) }),
      favorite: flag(asset, 'isFavorite'), hidden: flag(asset, 'isHidden'),
      ...(location === undefined ? {} : { location }),
      ...(caption === undefined || caption === '' ? {} : { caption }),
      ...(traits.screenshot || traits.burst || traits.panorama ? { traits } : {}),
    },
  };
}

/** Pairs a page's records by `masterRef` (order is not to be relied on, §3.6); unmatched ones are returned apart. */
export function pairRecords(records: readonly CkRecord[]): { pairs: { master: CkRecord; asset: CkRecord }[]; orphanAssets: CkRecord[]; relations: CkRecord[] } {
  const masters = new Map<string, CkRecord>();
  const assets: CkRecord[] = [];
  const relations: CkRecord[] = [];
  for (const r of records) {
    if (r.recordType === 'CPLMaster') masters.set(r.recordName, r);
    else if (r.recordType === 'CPLAsset') assets.push(r);
    else if (r.recordType === 'CPLContainerRelation') relations.push(r);
  }
  const pairs: { master: CkRecord; asset: CkRecord }[] = [];
  const orphanAssets: CkRecord[] = [];
  for (const a of assets) {
    const ref = a.fields?.['masterRef']?.value as { recordName?: unknown } | undefined;
    const m = typeof ref?.recordName === 'string' ? masters.get(ref.recordName) : undefined;
    if (m === undefined) orphanAssets.push(a); else pairs.push({ master: m, asset: a });
  }
  return { pairs, orphanAssets, relations };
}
