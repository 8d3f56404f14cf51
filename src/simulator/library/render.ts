/** @module Library state → CloudKit record JSON, field for field like the recorded CPLMaster/CPLAsset/CPLAlbum/CPLContainerRelation records. */
import type { AlbumSpec } from './albums.ts';
import { UTI_EXT, type ResourceSpec } from './generate.ts';
import type { AssetState, LibraryState, ZoneKey } from './state.ts';

export const OWNER = '_5f1d3c9a0b7e4a2c9d8e7f6a5b4c3d2e';
export const SHARED_ZONE = 'SharedSync-5E1F0C2A-9B8D-4C7E-A6F5-3D2C1B0A9F8E';
const DEVICE = '8A3F00C2D1E4B5A69788796A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C';

export const zoneNameOf = (zone: ZoneKey) => (zone === 'primary' ? 'PrimarySync' : SHARED_ZONE);
export const zoneIdOf = (zone: ZoneKey) => ({ zoneName: zoneNameOf(zone), ownerRecordName: OWNER, zoneType: 'REGULAR_CUSTOM_ZONE' });

/** Where the bytes of one resource revision live; the content host signs and serves it. */
export interface ResourceKey {
  readonly zone: ZoneKey;
  readonly index: number;
  readonly field: ResourceSpec['field'];
  readonly revision: number;
}
export type UrlSigner = (key: ResourceKey) => string;

type Field = { value: unknown; type: string };
const int = (value: number): Field => ({ value, type: 'INT64' });
const str = (value: string): Field => ({ value, type: 'STRING' });
const ts = (value: number): Field => ({ value, type: 'TIMESTAMP' });
const enc = (text: string): Field => ({ value: Buffer.from(text, 'utf8').toString('base64'), type: 'ENCRYPTED_BYTES' });
const stamp = (t: number) => ({ timestamp: t, userRecordName: OWNER, deviceID: DEVICE });
const tag = (prefix: string, rev: number) => `${prefix}${rev.toString(36)}`;

function envelope(recordName: string, recordType: string, fields: Record<string, Field>, changeTag: string, created: number, modified: number, zone: ZoneKey) {
  return { recordName, recordType, fields, pluginFields: {}, recordChangeTag: changeTag, created: stamp(created), modified: stamp(modified), deleted: false, zoneID: zoneIdOf(zone) };
}

export const resourceChecksum = (a: AssetState, r: ResourceSpec, revision: number) =>
  r.field === 'resOriginal' ? a.masterName : `${a.masterName.slice(0, 20)}${r.field.slice(3, 7)}${revision.toString(36).padStart(4, '0')}`;

function resourceFields(a: AssetState, r: ResourceSpec, sign: UrlSigner): Record<string, Field> {
  const revision = r.field === 'resJPEGFull' || r.field === 'resVidFull' ? a.editRevision : 0;
  const checksum = resourceChecksum(a, r, revision);
  return {
    [`${r.field}Res`]: {
      value: {
        fileChecksum: checksum, size: r.size, wrappingKey: Buffer.from(checksum).subarray(0, 16).toString('base64'),
        referenceChecksum: `AR${checksum.slice(2)}`, downloadURL: sign({ zone: a.zone, index: a.index, field: r.field, revision }),
      },
      type: 'ASSETID',
    },
    [`${r.field}FileType`]: str(r.uti),
    [`${r.field}Fingerprint`]: str(checksum),
    [`${r.field}Width`]: int(r.width),
    [`${r.field}Height`]: int(r.height),
  };
}

export function masterRecord(a: AssetState, sign: UrlSigner) {
  const fields: Record<string, Field> = {
    itemType: str(a.resources[0]!.uti), dataClassType: int(1), originalOrientation: int(1),
    filenameEnc: enc(a.filename),
  };
  for (const r of a.resources) if (r.field !== 'resJPEGFull' && r.field !== 'resVidFull') Object.assign(fields, resourceFields(a, r, sign));
  if (a.deletedAt !== undefined) { fields['isDeleted'] = int(1); fields['dateExpunged'] = ts(a.deletedAt + 30 * 86_400_000); }
  const rec = envelope(a.masterName, 'CPLMaster', fields, tag('m', a.masterRev), a.addedDate, a.addedDate + a.masterRev, a.zone);
  return a.deletedAt === undefined ? rec : { ...rec, expirationTime: Math.floor(a.deletedAt / 1000) + 40 * 86_400 };
}

export function assetRecord(a: AssetState, sign: UrlSigner) {
  const fields: Record<string, Field> = {
    assetDate: ts(a.assetDate), addedDate: ts(a.addedDate), timeZoneOffset: int(a.tzOffsetSec),
    masterRef: { value: { recordName: a.masterName, action: 'DELETE_SELF', zoneID: zoneIdOf(a.zone) }, type: 'REFERENCE' },
    isFavorite: int(a.favorite ? 1 : 0), isHidden: int(a.hidden ? 1 : 0), orientation: int(1),
    duration: int(a.durationSec), assetSubtype: int(a.shape === 'panorama' ? 1 : 0),
    assetSubtypeV2: int(a.shape.startsWith('live') ? 2 : a.shape === 'screenshot' ? 3 : 0),
    assetHDRType: int(0), burstFlags: int(a.burstId === undefined ? 0 : 1), customRenderedValue: int(a.edited ? 10 : 0),
    adjustmentRenderType: int(0),
  };
  if (a.burstId !== undefined) fields['burstId'] = str(a.burstId);
  if (a.edited) {
    fields['adjustmentType'] = str('com.apple.photo');
    for (const r of a.resources) if (r.field === 'resJPEGFull' || r.field === 'resVidFull') Object.assign(fields, resourceFields(a, r, sign));
  }
  if (a.location !== undefined) {
    fields['locationLatitude'] = { value: a.location.lat, type: 'DOUBLE' };
    fields['locationLongitude'] = { value: a.location.lon, type: 'DOUBLE' };
  }
  if (a.deletedAt !== undefined) { fields['isDeleted'] = int(1); fields['dateExpunged'] = ts(a.deletedAt + 30 * 86_400_000); }
  const rec = envelope(a.assetName, 'CPLAsset', fields, tag('a', a.assetRev), a.addedDate, a.addedDate + a.assetRev, a.zone);
  return a.deletedAt === undefined ? rec : { ...rec, expirationTime: Math.floor(a.deletedAt / 1000) + 40 * 86_400 };
}

export function albumRecord(album: AlbumSpec) {
  const fields: Record<string, Field> = {
    albumType: int(album.type), position: int(album.position), sortAscending: int(1), sortType: int(0), sortTypeExt: int(0),
    recordModificationDate: ts(1_700_000_000_000 + album.revision),
  };
  fields['albumNameEnc'] = enc(album.name);
  if (album.parentId !== undefined) fields['parentId'] = str(album.parentId);
  if (album.deleted) fields['isDeleted'] = int(1);
  return envelope(album.id, 'CPLAlbum', fields, tag('c', album.revision), 1_600_000_000_000, 1_700_000_000_000 + album.revision, 'primary');
}

export const relationName = (a: AssetState, albumId: string) => `${a.assetName}-IN-${albumId}`;

export function relationRecord(a: AssetState, albumId: string) {
  return envelope(relationName(a, albumId), 'CPLContainerRelation', {
    itemId: str(a.assetName), containerId: str(albumId), position: int(1024), isKeyAsset: int(0),
    recordModificationDate: ts(a.addedDate),
  }, 'r1', a.addedDate, a.addedDate, 'primary');
}

export const tombstone = (recordName: string, zone: ZoneKey) => ({ recordName, deleted: true, zoneID: zoneIdOf(zone) });

/** The record a change-log entry stands for, in its current state (tombstone when gone). */
export function renderEntry(lib: LibraryState, e: { kind: string; index?: number; albumId?: string }, sign: UrlSigner): object {
  if (e.kind === 'album') return albumRecord(lib.album(e.albumId!)!);
  const a = lib.asset(e.index!);
  if (e.kind === 'relation') return lib.inAlbum(a.index, e.albumId!) && !a.purged ? relationRecord(a, e.albumId!) : tombstone(relationName(a, e.albumId!), 'primary');
  if (a.purged) return tombstone(e.kind === 'asset' ? a.assetName : a.masterName, a.zone);
  return e.kind === 'asset' ? assetRecord(a, sign) : masterRecord(a, sign);
}

export const extensionOf = (uti: string) => UTI_EXT[uti] ?? 'BIN';
