/** @module Renders "{yyyy}/{mm}/{dd}/{filename}" for a resource, and makes every segment safe on every store. */
import type { Asset, Resource } from '../core/asset.ts';
import { UsageError } from '../core/usage-error.ts';

export const DEFAULT_TEMPLATE = '{yyyy}/{mm}/{dd}/{filename}';
const TOKENS = ['yyyy', 'mm', 'dd', 'hh', 'filename', 'name', 'ext', 'album', 'kind', 'id'] as const;
type Token = (typeof TOKENS)[number];
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 200; // below the 255-byte limit, leaving room for collision suffixes and staging names
/** ASCII letters, digits, `_-.+()~,#@` and spaces, not starting with a space and not ending in a dot or a space. */
const PLAIN_SEGMENT = /^(?! )[\w\-.+()~,#@ ]*[\w\-+()~,#@]$/;

export function checkTemplate(template: string): string {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!).filter((t) => !(TOKENS as readonly string[]).includes(t));
  if (unknown.length > 0) throw new UsageError(`unknown path template token(s): ${unknown.map((t) => `{${t}}`).join(', ')} (known: ${TOKENS.map((t) => `{${t}}`).join(' ')})`);
  if (!template.includes('{filename}') && !template.includes('{name}')) throw new UsageError('path template must contain {filename} or {name}');
  return template;
}

/** The file name a resource gets: the original keeps its own, the others are named after it by role. */
export function resourceFilename(asset: Asset, resource: Resource): string {
  const base = asset.filename || resource.filename;
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const ext = extOf(resource.filename) || extOf(base);
  switch (resource.role) {
    case 'original': return resource.filename || base;
    case 'live-video': case 'raw': return `${stem}${ext}`;
    case 'edited': case 'edited-video': return `${stem}-edited${ext}`;
    case 'sidecar': return resource.filename;
  }
}

const extOf = (name: string) => (name.includes('.') ? name.slice(name.lastIndexOf('.')) : '');

/** Calendar parts in the camera's time zone when known, else UTC. */
function dateParts(asset: Asset): Record<'yyyy' | 'mm' | 'dd' | 'hh', string> {
  const shifted = new Date(asset.takenAt.getTime() + (asset.utcOffsetMinutes ?? 0) * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { yyyy: String(shifted.getUTCFullYear()), mm: pad(shifted.getUTCMonth() + 1), dd: pad(shifted.getUTCDate()), hh: pad(shifted.getUTCHours()) };
}

/** A template cut into literal text and tokens once, so a plan of a million files does not re-parse it per file. */
type Part = string | { readonly token: Token };
const compiled = new Map<string, readonly Part[]>();

function partsOf(template: string): readonly Part[] {
  let parts = compiled.get(template);
  if (parts === undefined) {
    parts = template.split(/(\{[a-z]+\})/).filter((p) => p !== '')
      .map((p) => (/^\{[a-z]+\}$/.test(p) ? { token: p.slice(1, -1) as Token } : p));
    // Templates are checked where they enter (checkTemplate); one that was not fails here with the same message.
    if (parts.some((p) => typeof p !== 'string' && !(TOKENS as readonly string[]).includes(p.token))) checkTemplate(template);
    compiled.set(template, parts);
  }
  return parts;
}

/** Renders the template; `album` fills {album} (its folder path joined with '/'), or "No Album". */
export function renderPath(template: string, asset: Asset, resource: Resource, album?: readonly string[]): string {
  const filename = resourceFilename(asset, resource);
  let date: Record<'yyyy' | 'mm' | 'dd' | 'hh', string> | undefined;
  // Only the tokens the template has are worked out; each is one segment's worth (a '/' in it becomes '_'), except
  // {album}, whose folders stay folders.
  const valueOf = (token: Token): string => {
    switch (token) {
      // digits only: nothing to make safe
      case 'yyyy': case 'mm': case 'dd': case 'hh': return (date ??= dateParts(asset))[token];
      case 'album': return album && album.length > 0 ? album.map(sanitizeSegment).join('/') : 'No Album';
      case 'filename': return safeToken(filename);
      case 'name': return safeToken(filename.includes('.') ? filename.slice(0, filename.lastIndexOf('.')) : filename);
      case 'ext': return safeToken(extOf(filename).slice(1));
      case 'kind': return safeToken(asset.kind);
      case 'id': return safeToken(asset.id);
    }
  };
  let rendered = '';
  for (const part of partsOf(template)) rendered += typeof part === 'string' ? part : valueOf(part.token);
  return rendered.split('/').filter((s) => s.length > 0).map(sanitizeSegment).join('/');
}

const safeToken = (value: string): string => sanitizeSegment(value).replace(/\//g, '_');

/**
 * One path segment made safe everywhere: NFC, no control characters, no separators or characters Windows
 * and cloud drives refuse, no "."/".." or reserved device names, no trailing dots/spaces, bounded length.
 */
export function sanitizeSegment(segment: string): string {
  // Most segments (camera names, dates) are plain ASCII that no rule below changes: one test instead of a normalize
  // and three replaces, for the few million segments a large plan renders. The reserved names still get checked.
  if (segment.length <= MAX_SEGMENT_BYTES && PLAIN_SEGMENT.test(segment) && !RESERVED.test(segment)) return segment;
  let s = segment.normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '_')
    .replace(/[\\/:*?"<>|]/g, '_')
    .replace(/^\s+|[\s.]+$/g, '');
  if (s === '' || s === '.' || s === '..') s = '_';
  if (RESERVED.test(s)) s = `_${s}`;
  return truncateBytes(s, MAX_SEGMENT_BYTES);
}

/** Shortens a name to `max` UTF-8 bytes, keeping its extension and never splitting a character. */
export function truncateBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const ext = extOf(name).length <= 10 ? extOf(name) : '';
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > max) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

/** Adds a suffix before the extension of the last segment: "a/IMG_1.HEIC" + "~3f2a" → "a/IMG_1~3f2a.HEIC". */
export function withSuffix(path: string, suffix: string): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  const ext = extOf(file);
  const stem = file.slice(0, file.length - ext.length);
  return dir + truncateBytes(stem, MAX_SEGMENT_BYTES - ext.length - suffix.length) + suffix + ext;
}
