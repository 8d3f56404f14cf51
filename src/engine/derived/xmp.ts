/** @module XMP sidecars (`IMG_1.HEIC.xmp`) that darktable, digiKam, Lightroom, Immich and exiftool read (pure). */
import type { ResourceRole } from '../../core/asset.ts';
import type { AssetMetadata } from './metadata.ts';

/** Our own namespace for what no standard schema holds (asset id, hidden, pairing, sibling files). */
export const PHOTOFERRY_NS = 'https://photoferry.app/ns/xmp/1.0/';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
// Most values need no escaping, so test before copying.
const esc = (s: string) => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]!) : s);

/** XMP GPS coordinate: "DDD,MM.mmmmmmK" (the form exiftool and Adobe write). */
function gpsCoord(value: number, pos: string, neg: string): string {
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  return `${deg},${((abs - deg) * 60).toFixed(6)}${value < 0 ? neg : pos}`;
}

const bag = (tag: string, kind: 'Bag' | 'Seq' | 'Alt', items: readonly string[], lang = false) => items.length === 0 ? [] : [
  `   <${tag}>`, `    <rdf:${kind}>`,
  ...items.map((i) => `     <rdf:li${lang ? ' xml:lang="x-default"' : ''}>${esc(i)}</rdf:li>`),
  `    </rdf:${kind}>`, `   </${tag}>`,
];

const ROLE_ATTR: Partial<Record<ResourceRole, string>> = {
  original: 'OriginalFile', 'live-video': 'LivePhotoVideo', raw: 'RawFile', edited: 'EditedFile', 'edited-video': 'EditedVideo',
};

/**
 * The version of what renderXmp writes. A sidecar's fingerprint is this version with the hash of its inputs (the
 * metadata and the subject: plan-derived.ts), so the plan knows an XMP is current without rendering it. Bump it
 * whenever the rendered text changes for the same inputs, and every XMP sidecar is rewritten once; xmp.test.ts pins
 * the rendered text of a fixture so that such a change cannot go unnoticed.
 */
export const XMP_RENDER_VERSION = 1;

/** Renders the sidecar of the file with role `subject`; deterministic: the same metadata and subject give the same text. */
export function renderXmp(meta: AssetMetadata, subject: ResourceRole): string {
  const attrs: [string, string][] = [
    ['exif:DateTimeOriginal', meta.localTime], ['xmp:CreateDate', meta.localTime], ['photoshop:DateCreated', meta.localTime],
    ['xmp:Rating', String(meta.rating)],
  ];
  if (meta.location) {
    attrs.push(['exif:GPSLatitude', gpsCoord(meta.location.latitude, 'N', 'S')], ['exif:GPSLongitude', gpsCoord(meta.location.longitude, 'E', 'W')]);
    if (meta.location.altitude !== undefined) {
      attrs.push(['exif:GPSAltitude', `${Math.round(Math.abs(meta.location.altitude) * 100)}/100`], ['exif:GPSAltitudeRef', meta.location.altitude < 0 ? '1' : '0']);
    }
  }
  attrs.push(['photoferry:AssetId', meta.assetId], ['photoferry:Role', subject],
    ['photoferry:Favorite', meta.favorite ? 'True' : 'False'], ['photoferry:Hidden', meta.hidden ? 'True' : 'False']);
  if (meta.livePhotoPairingId) attrs.push(['photoferry:LivePhotoPairingId', meta.livePhotoPairingId]);
  for (const [role, name] of Object.entries(meta.files) as [ResourceRole, string][]) {
    const attr = ROLE_ATTR[role];
    if (attr && role !== subject) attrs.push([`photoferry:${attr}`, name]);
  }
  const albumPaths = meta.albums.map((a) => a.path.join('/'));
  const lines = [
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="photoferry">',
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '  <rdf:Description rdf:about=""',
    '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    '    xmlns:exif="http://ns.adobe.com/exif/1.0/"',
    '    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"',
    '    xmlns:dc="http://purl.org/dc/elements/1.1/"',
    '    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"',
    '    xmlns:digiKam="http://www.digikam.org/ns/1.0/"',
    `    xmlns:photoferry="${PHOTOFERRY_NS}"`,
    ...attrs.map(([k, v]) => `   ${k}="${esc(v)}"`),
    '   >',
    ...(meta.caption ? [...bag('dc:title', 'Alt', [meta.caption], true), ...bag('dc:description', 'Alt', [meta.caption], true)] : []),
    ...bag('dc:subject', 'Bag', [...new Set(meta.albums.map((a) => a.path.at(-1) ?? ''))].filter(Boolean)),
    ...bag('lr:hierarchicalSubject', 'Bag', meta.albums.map((a) => ['Albums', ...a.path].join('|'))),
    ...bag('digiKam:TagsList', 'Seq', meta.albums.map((a) => ['Albums', ...a.path].join('/'))),
    ...bag('photoferry:Albums', 'Bag', albumPaths),
    ...bag('photoferry:AlbumIds', 'Bag', meta.albums.map((a) => a.id)),
    '  </rdf:Description>',
    ' </rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ];
  return `${lines.join('\n')}\n`;
}
