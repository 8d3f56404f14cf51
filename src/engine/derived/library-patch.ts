/**
 * @module The library files updated in place: the previous photoferry-manifest.jsonl is streamed back from the
 * destination, the lines of the assets the catalog says changed since it was written are dropped and their new
 * lines merged in at their place, and only the album files whose members or names changed are rebuilt. The result
 * is byte for byte what a full walk would write; when that cannot be guaranteed (previous file not what we wrote,
 * too many changes, an album the catalog does not list) the caller walks the whole library instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Album } from '../../sources/source.ts';
import type { ResourceRole, Asset } from '../../core/asset.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Destination } from '../../destinations/destination.ts';
import { albumEntryOf, albumHeader, entryOf, orderAlbums, orderSources, placedOf, type AlbumEntry, type ManifestEntry } from './library-model.ts';
import { compareKeys, lineAlbums, lineKey, readLines, type LineKey } from './manifest-lines.ts';
import { LineFile } from './line-file.ts';

/** Past this many changed assets a full walk is about as fast, and holding their new lines costs more. */
export const PATCH_LIMIT = 5000;

export interface PatchedAlbum {
  readonly album: Album & { readonly sourceId: string };
  /** How many entries its album file lists (albums/index.json says). */
  readonly count: number;
  /** Its album file's entries when they must be written again; null when the file written last time still holds. */
  readonly entries: AlbumEntry[] | null;
}

export interface PatchedLibrary {
  /** The new manifest, header first, in a local file. */
  readonly manifest: { readonly file: string; readonly size: number; readonly sha256: string };
  /** Every album, in the order the files list them. */
  readonly albums: readonly PatchedAlbum[];
}

export interface PatchInput {
  readonly destination: Destination & { read: NonNullable<Destination['read']> };
  readonly catalog: Catalog;
  readonly wanted: (asset: Asset) => readonly ResourceRole[];
  /** The change number the previous files were built at. */
  readonly since: number;
  readonly manifestPath: string;
  /** The SHA-256 recorded for the manifest written last time: anything else at the destination is not patched. */
  readonly previousSha256: string;
  /** Album files by album, and which of them exist with what we wrote (path → SHA-256); null without album files. */
  readonly albumFiles: { readonly pathOf: (album: Album) => string; readonly written: Readonly<Record<string, string>> } | null;
  /** Where the new manifest is made. */
  readonly file: string;
}

/** Albums are per source: the same id may be two albums in two sources. */
const albumKey = (sourceId: string, albumId: string) => `${sourceId}\0${albumId}`;

class Unpatchable extends Error {}

/** The updated files, or null when only a full walk can build them. */
export async function patchLibrary(input: PatchInput, signal: AbortSignal): Promise<PatchedLibrary | null> {
  try {
    return await patch(input, signal);
  } catch (err) {
    if (err instanceof Unpatchable) return null;
    throw err;
  }
}

async function patch(input: PatchInput, signal: AbortSignal): Promise<PatchedLibrary> {
  const { catalog, destination } = input;
  const sources = orderSources(await catalog.placementSources(destination.id));
  const rank = new Map(sources.map((s, i) => [s, i]));
  const changed = new Map<string, Set<string>>();
  let total = 0;
  for (const sourceId of sources) {
    const ids = await catalog.assetsChangedSince(destination.id, sourceId, input.since);
    changed.set(sourceId, new Set(ids));
    total += ids.length;
    if (total > PATCH_LIMIT) throw new Unpatchable();
  }
  const listed = new Map<string, Album & { readonly sourceId: string }>();
  for (const sourceId of sources) for (const a of await catalog.albums(sourceId)) listed.set(albumKey(sourceId, a.id), { ...a, sourceId });
  const albums = orderAlbums([...listed.values()]);
  const fresh = await changedEntries(input, sources, changed, rank, listed);

  const file = LineFile.create(input.file);
  const counts = new Map<string, number>();
  const count = (sourceId: string, ids: readonly string[]) => {
    for (const id of ids) {
      const key = albumKey(sourceId, id);
      // An album only its assets name (none in the catalog's list) is made up by the full walk.
      if (!listed.has(key)) throw new Unpatchable();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  };
  const touched = new Set<string>();
  let previousHeader: Map<string, string> | undefined;
  const previous = createHash('sha256');
  try {
    file.text(JSON.stringify({ format: 'photoferry-manifest', version: 1, destination: destination.id, albums: albums.map(albumHeader) }));
    let next = 0;
    let last: LineKey | undefined;
    for await (const line of readLines(await destination.read(input.manifestPath, signal), (chunk) => previous.update(chunk))) {
      if (previousHeader === undefined) { previousHeader = headerAlbums(line.toString(), destination.id); continue; }
      const key = lineKey(line);
      if (key === null || !rank.has(key.sourceId) || (last && compareKeys(last, key, rank) >= 0)) throw new Unpatchable();
      last = key;
      for (; next < fresh.length && compareKeys(fresh[next]!.key, key, rank) < 0; next += 1) {
        count(fresh[next]!.key.sourceId, fresh[next]!.entry.albums);
        file.text(fresh[next]!.line);
      }
      const ids = lineAlbums(line);
      if (ids === null) throw new Unpatchable();
      if (changed.get(key.sourceId)!.has(key.assetId)) {
        for (const id of ids) touched.add(albumKey(key.sourceId, id));
        continue;
      }
      count(key.sourceId, ids);
      file.bytes(line);
    }
    for (; next < fresh.length; next += 1) {
      count(fresh[next]!.key.sourceId, fresh[next]!.entry.albums);
      file.text(fresh[next]!.line);
    }
  } catch (err) {
    file.abandon();
    throw err;
  }
  const written = file.close();
  if (previous.digest('hex') !== input.previousSha256 || previousHeader === undefined) throw new Unpatchable();
  for (const { key, entry } of fresh) for (const id of entry.albums) touched.add(albumKey(key.sourceId, id));
  const rebuilt = input.albumFiles ? albumsToRebuild(input.albumFiles, albums, previousHeader, touched) : new Set<string>();
  const entries = rebuilt.size > 0 ? await albumEntries(input.file, rebuilt) : new Map<string, AlbumEntry[]>();
  return {
    manifest: { file: input.file, ...written },
    albums: albums.map((album) => {
      const key = albumKey(album.sourceId, album.id);
      return { album, count: counts.get(key) ?? 0, entries: rebuilt.has(key) ? entries.get(key) ?? [] : null };
    }),
  };
}

interface FreshLine { readonly key: LineKey; readonly entry: ManifestEntry; readonly line: string }

/** The new lines of the changed assets that still have placements here, in manifest order. */
async function changedEntries(
  input: PatchInput, sources: readonly string[], changed: ReadonlyMap<string, ReadonlySet<string>>, rank: ReadonlyMap<string, number>,
  listed: ReadonlyMap<string, unknown>,
): Promise<FreshLine[]> {
  const fresh: FreshLine[] = [];
  for (const sourceId of sources) {
    const ids = [...changed.get(sourceId)!];
    if (ids.length === 0) continue;
    const assets = await input.catalog.assetsById(sourceId, ids as Asset['id'][]);
    const placements = await input.catalog.placementsFor(input.destination.id, sourceId, ids as Asset['id'][]);
    for (const [asset, mine] of placedOf(assets, placements)) {
      if (asset.albums.some((ref) => !listed.has(albumKey(sourceId, ref.id)))) throw new Unpatchable();
      const entry = entryOf(sourceId, asset, mine, input.wanted);
      fresh.push({ key: { sourceId, assetId: asset.id, takenAtMs: asset.takenAt.getTime() }, entry, line: JSON.stringify(entry) });
    }
  }
  return fresh.sort((a, b) => compareKeys(a.key, b.key, rank));
}

/** The albums (by key → header JSON) the previous manifest's first line lists; not a header of ours: unpatchable. */
function headerAlbums(line: string, destinationId: string): Map<string, string> {
  const header = JSON.parse(line) as { format?: unknown; version?: unknown; destination?: unknown; albums?: unknown };
  if (header.format !== 'photoferry-manifest' || header.version !== 1 || header.destination !== destinationId || !Array.isArray(header.albums)) {
    throw new Unpatchable();
  }
  return new Map((header.albums as { id: string; sourceId: string }[]).map((a) => [albumKey(a.sourceId, a.id), JSON.stringify(a)]));
}

/**
 * Album files to write again: those whose members changed, the ones renamed or new (header differs from the
 * previous manifest's) and any whose file we did not write. Two albums on one path: only the walk decides which wins.
 */
function albumsToRebuild(
  files: NonNullable<PatchInput['albumFiles']>, albums: readonly (Album & { sourceId: string })[], previous: ReadonlyMap<string, string>,
  touched: ReadonlySet<string>,
): Set<string> {
  const rebuilt = new Set<string>();
  const paths = new Set<string>();
  for (const album of albums) {
    const key = albumKey(album.sourceId, album.id);
    const path = files.pathOf(album);
    if (paths.has(path)) throw new Unpatchable();
    paths.add(path);
    if (touched.has(key) || previous.get(key) !== JSON.stringify(albumHeader(album)) || files.written[path] === undefined) rebuilt.add(key);
  }
  return rebuilt;
}

/** The entries of these albums, read from the new manifest (only lines naming one of them are parsed). */
async function albumEntries(file: string, wanted: ReadonlySet<string>): Promise<Map<string, AlbumEntry[]>> {
  const ids = new Set([...wanted].map((key) => key.slice(key.indexOf('\0') + 1)));
  const entries = new Map<string, AlbumEntry[]>();
  let header = true;
  for await (const line of readLines(createReadStream(file), () => undefined)) {
    if (header) { header = false; continue; }
    if (!lineAlbums(line)!.some((id) => ids.has(id))) continue;
    const entry = JSON.parse(line.toString()) as ManifestEntry;
    let listed: AlbumEntry | undefined;
    for (const id of entry.albums) {
      const key = albumKey(entry.sourceId, id);
      if (!wanted.has(key)) continue;
      listed ??= albumEntryOf(entry);
      let list = entries.get(key);
      if (!list) entries.set(key, list = []);
      list.push(listed);
    }
  }
  return entries;
}
