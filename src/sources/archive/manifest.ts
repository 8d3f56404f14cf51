/** @module Parses photoferry-manifest.jsonl (written by engine/derived/library-files.ts) with zod, at the edge. */
import { z } from 'zod';
import { assetId, type Asset, type ResourceRole } from '../../core/asset.ts';
import { RESOURCE_ROLES } from '../../core/asset.ts';
import type { Album } from '../source.ts';
import { badManifest } from './errors.ts';

const file = z.object({
  role: z.string(), path: z.string().min(1), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/),
  filename: z.string().optional(), contentType: z.string().optional(),
});
const header = z.object({
  format: z.literal('photoferry-manifest'), version: z.literal(1),
  albums: z.array(z.object({ id: z.string(), path: z.array(z.string()).min(1), kind: z.enum(['user', 'smart', 'shared']) })),
});
const entry = z.object({
  assetId: z.string().min(1), version: z.string(), kind: z.enum(['photo', 'video', 'live-photo']), filename: z.string(),
  takenAt: z.string().datetime(), addedAt: z.string().datetime(), utcOffsetMinutes: z.number().int().optional(),
  favorite: z.boolean(), hidden: z.boolean(), caption: z.string().optional(),
  location: z.object({ latitude: z.number(), longitude: z.number(), altitude: z.number().optional() }).optional(),
  albums: z.array(z.string()), files: z.array(file),
});

export interface ArchiveLibrary {
  readonly albums: readonly Album[];
  readonly assets: readonly Asset[];
  /** Where each resource is in the archive, by `assetId\0role`. */
  readonly paths: ReadonlyMap<string, string>;
}

const isRole = (r: string): r is ResourceRole => (RESOURCE_ROLES as readonly string[]).includes(r);

export function parseManifest(text: string): ArchiveLibrary {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const json = (line: string, n: number): unknown => {
    try { return JSON.parse(line) as unknown; } catch { throw badManifest(`line ${n + 1} is not JSON`); }
  };
  const head = header.safeParse(json(lines[0] ?? '{}', 0));
  if (!head.success) throw badManifest(`not a photoferry manifest (${head.error.issues[0]?.message ?? 'bad header'})`);
  const albums = head.data.albums.map((a) => ({ id: a.id, path: a.path, kind: a.kind }));
  const albumById = new Map(albums.map((a) => [a.id, a]));
  const assets: Asset[] = [];
  const paths = new Map<string, string>();
  for (let n = 1; n < lines.length; n++) {
    const parsed = entry.safeParse(json(lines[n]!, n));
    if (!parsed.success) throw badManifest(`line ${n + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const e = parsed.data;
    const resources = e.files.filter((f) => isRole(f.role)).map((f) => {
      paths.set(`${e.assetId}\u0000${f.role}`, f.path);
      return {
        role: f.role as ResourceRole, filename: f.filename ?? f.path.slice(f.path.lastIndexOf('/') + 1), size: f.size,
        contentType: f.contentType ?? 'application/octet-stream', checksum: { algorithm: 'sha256' as const, value: f.sha256 },
      };
    });
    assets.push({
      id: assetId(e.assetId), version: e.version, kind: e.kind, takenAt: new Date(e.takenAt), addedAt: new Date(e.addedAt),
      ...(e.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: e.utcOffsetMinutes }),
      filename: e.filename, resources, favorite: e.favorite, hidden: e.hidden,
      albums: e.albums.flatMap((id) => { const a = albumById.get(id); return a ? [{ id, path: a.path }] : []; }),
      ...(e.caption === undefined ? {} : { caption: e.caption }),
      ...(e.location === undefined ? {} : { location: stripUndefined(e.location) }),
    });
  }
  return { albums, assets, paths };
}

function stripUndefined(l: { latitude: number; longitude: number; altitude?: number | undefined }) {
  return { latitude: l.latitude, longitude: l.longitude, ...(l.altitude === undefined ? {} : { altitude: l.altitude }) };
}
