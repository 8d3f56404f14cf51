/**
 * @module Library-level files rewritten from the catalog at the end of a run: `photoferry-manifest.jsonl`
 * (what is here, so the archive is understandable and restorable without photoferry) and `albums/…json`
 * manifests plus `albums/index.json`. A file is only sent when its content changed since the last run.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Catalog } from '../../catalog/catalog.ts';
import type { Destination } from '../../destinations/destination.ts';
import { selectResources, type ResourcePolicy } from '../plan.ts';
import { sanitizeSegment } from '../path-template.ts';
import type { Asset } from '../../core/asset.ts';
import { albumHeader, walkLibrary, type ManifestEntry } from './library-model.ts';
import { patchLibrary, type PatchedLibrary, type PatchInput } from './library-patch.ts';
import { putBytes } from './put-bytes.ts';
import { LineFile, lineFileBody } from './line-file.ts';
import { digestFile } from '../../core/file-digest.ts';
import { makeScratchDir } from '../../core/scratch-dir.ts';
import type { FidelityOptions } from './types.ts';

export const MANIFEST_PATH = 'photoferry-manifest.jsonl';
export const ALBUMS_DIR = 'albums';
const STATE_KEY = 'library-files';
const STAMP_KEY = 'library-files-stamp';
const PATCH_KEY = 'library-files-patch';

/** null when a source has no change cursor (a folder): its assets may have changed unseen, so the files are rebuilt. */
async function libraryStamp(catalog: Catalog, destinationId: string, settings: { fidelity: FidelityOptions; policy: ResourcePolicy }): Promise<string | null> {
  const cursors: (string | null)[] = [];
  for (const sourceId of (await catalog.placementSources(destinationId)).sort()) cursors.push(sourceId, await catalog.cursor(sourceId));
  if (cursors.includes(null)) return null;
  return JSON.stringify({ placements: await catalog.placementStamp(destinationId), cursors, fidelity: settings.fidelity, policy: settings.policy });
}

export interface LibraryFilesResult {
  readonly written: readonly string[];
  /** Size of each written file, in the order of `written`. */
  readonly writtenSizes: readonly number[];
  readonly removed: readonly string[];
}

export const albumManifestPath = (album: { readonly path: readonly string[] }): string =>
  `${[ALBUMS_DIR, ...album.path.map(sanitizeSegment)].join('/')}.json`;

export async function writeLibraryFiles(
  deps: { destination: Destination; catalog: Catalog; fidelity: FidelityOptions; policy: ResourcePolicy; onBytes: (n: number) => void },
  signal: AbortSignal,
): Promise<LibraryFilesResult> {
  const { destination, catalog, fidelity } = deps;
  if (!destination.writeFile) return { written: [], writtenSizes: [], removed: [] };
  const state = catalog.state(`fidelity:${destination.id}`);
  const before = (await state.get<Record<string, string>>(STATE_KEY)) ?? {};
  // Taken before anything is read: a change committed while the files are built is seen again next time.
  const seq = await catalog.changeSeq();
  // What the files are made of: the placements, each source's listing (assets, albums) and the settings. When none
  // changed since they were last written, the library is not walked (a no-op on 100k assets was a full walk).
  const stamp = await libraryStamp(catalog, destination.id, deps);
  if (stamp !== null && (await state.get<string>(STAMP_KEY)) === stamp && await allThere(destination, Object.keys(before), signal)) {
    return { written: [], writtenSizes: [], removed: [] };
  }
  const manifests = fidelity.albums === 'manifest' || (fidelity.albums === 'links' && !destination.copy);
  // Files made under other settings are not patched: every line or album file may differ.
  const basis = JSON.stringify({ fidelity, policy: deps.policy, manifests });
  const after: Record<string, string> = {};
  const written: string[] = [];
  const writtenSizes: number[] = [];
  const temp = await makeScratchDir('manifest');
  try {
    const send = async (path: string, file: { body: () => Readable; size: number; sha256: string }, contentType: string) => {
      after[path] = file.sha256;
      if (before[path] === file.sha256 && await destination.stat(path, signal)) return;
      await putBytes(destination, { asset: null, role: 'original', path, body: file.body(), size: file.size, contentType }, deps.onBytes, signal);
      written.push(path);
      writtenSizes.push(file.size);
    };
    const previous = await state.get<PatchState>(PATCH_KEY);
    const patched = previous?.basis === basis && await patchable(deps, before, signal)
      ? await patchLibrary({
        destination: destination as PatchInput['destination'], catalog, wanted: wantedOf(deps.policy), since: previous.seq,
        manifestPath: MANIFEST_PATH, previousSha256: before[MANIFEST_PATH]!, file: join(temp, 'manifest.jsonl'),
        albumFiles: manifests ? { pathOf: albumManifestPath, written: before } : null,
      }, signal)
      : null;
    const library: LibraryBuild = patched ? { ...patched, manifest: fileBody(patched.manifest) } : await walkedLibrary(deps, join(temp, 'entries.jsonl'), signal);
    if (library.manifest) await send(MANIFEST_PATH, library.manifest, 'application/x-ndjson');
    if (fidelity.albums !== 'none') {
      const index = library.albums.map(({ album, count }) => ({ ...albumHeader(album), files: count, ...(manifests ? { manifest: albumManifestPath(album) } : {}),
        ...(manifests ? {} : { folder: [ALBUMS_DIR, ...album.path.map(sanitizeSegment)].join('/') }) }));
      await send(`${ALBUMS_DIR}/index.json`, buffered({ format: 'photoferry-albums', version: 1, pathsRelativeTo: 'destination root', albums: index }), 'application/json');
    }
    if (manifests) {
      for (const { album, entries } of library.albums) {
        const path = albumManifestPath(album);
        // Unchanged since the last run, and still there (checked before patching).
        if (entries === null) { after[path] = before[path]!; continue; }
        await send(path, buffered({
          format: 'photoferry-album', version: 1, ...albumHeader(album), pathsRelativeTo: 'destination root', assets: entries,
        }), 'application/json');
      }
    }
    const removed = Object.keys(before).filter((p) => !(p in after));
    for (const path of removed) await destination.remove(path, signal);
    await state.set(STATE_KEY, after);
    if (stamp === null) await state.delete(STAMP_KEY);
    else await state.set(STAMP_KEY, stamp);
    if (fidelity.manifest) await state.set(PATCH_KEY, { seq, basis } satisfies PatchState);
    else await state.delete(PATCH_KEY);
    return { written, writtenSizes, removed };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** The files to send: the manifest's bytes (null without a manifest) and every album. */
interface LibraryBuild {
  readonly manifest: { readonly body: () => Readable; readonly size: number; readonly sha256: string } | null;
  readonly albums: PatchedLibrary['albums'];
}

const fileBody = (f: PatchedLibrary['manifest']) => ({ body: () => lineFileBody(f.file), size: f.size, sha256: f.sha256 });

/** What the last written files were built from: the change number and the settings. */
interface PatchState { readonly seq: number; readonly basis: string }

const wantedOf = (policy: ResourcePolicy) => (asset: Asset) => selectResources(asset, policy).map((r) => r.role);

/** Whether the previous files can be patched: a manifest to read back, and every file we wrote still there. */
async function patchable(
  deps: { destination: Destination; fidelity: FidelityOptions }, before: Record<string, string>, signal: AbortSignal,
): Promise<boolean> {
  return deps.fidelity.manifest && deps.destination.read !== undefined && before[MANIFEST_PATH] !== undefined
    && await allThere(deps.destination, Object.keys(before), signal);
}

/** The files built by walking the whole library (first run, other settings, or a previous file we cannot patch). */
async function walkedLibrary(
  deps: { destination: Destination; catalog: Catalog; fidelity: FidelityOptions; policy: ResourcePolicy }, entriesFile: string, signal: AbortSignal,
): Promise<LibraryBuild> {
  const { destination, catalog, fidelity } = deps;
  // The entries are written to a file as the library is walked; the header (the album list) is known only after.
  const entries = LineFile.create(entriesFile);
  const onEntry = (entry: ManifestEntry) => entries.text(JSON.stringify(entry));
  // Without a manifest or album files nothing needs the library walked (what was written before is still removed).
  const walked = fidelity.manifest || fidelity.albums !== 'none'
    ? walkLibrary(catalog, destination.id, wantedOf(deps.policy), fidelity.manifest ? onEntry : () => undefined)
    : Promise.resolve({ albums: [] });
  const library = await walked.catch((err: unknown) => { entries.abandon(); throw err; });
  entries.close();
  const albums = library.albums.map((album) => ({ album, count: album.entries.length, entries: album.entries }));
  if (!fidelity.manifest) return { manifest: null, albums };
  const header = Buffer.from(`${JSON.stringify({ format: 'photoferry-manifest', version: 1, destination: destination.id, albums: library.albums.map(albumHeader) })}\n`);
  // What is sent is the header, then the entries: hashed in that order, the entries read back once.
  const handle = await open(entriesFile, 'r');
  const digest = await digestFile(handle, signal, { prefix: header }).finally(() => handle.close());
  return { manifest: { body: () => lineFileBody(entriesFile, header), size: digest.bytes, sha256: digest.sha256 }, albums };
}

/** Whether every file written last time is still there (one removed by hand is written again). */
async function allThere(destination: Destination, paths: readonly string[], signal: AbortSignal): Promise<boolean> {
  for (const path of paths) if (!await destination.stat(path, signal)) return false;
  return true;
}

function buffered(value: unknown): { body: () => Readable; size: number; sha256: string } {
  const data = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  return { body: () => Readable.from([data]), size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}
