/** @module What an Immich copy of the simulator's library must look like, computed from the simulator's own bytes (SHA-1). */
import { createHash } from 'node:crypto';
import type { Simulator } from '../../../src/simulator/server.ts';
import { streamOf } from '../../../src/simulator/library/media-bytes.ts';
import type { FakeImmich } from '../../../src/destinations/immich/testing/fake-server.ts';
import { openSqliteCatalog } from '../../../src/catalog/sqlite/sqlite-catalog.ts';

export interface ExpectedAsset {
  readonly assetName: string;
  /** SHA-1 (base64, as Immich stores it) of each resource by simulator field. */
  readonly checksums: ReadonlyMap<string, string>;
}

async function sha1B64(sim: Simulator, key: Parameters<Simulator['state']['contentOf']>[0]): Promise<string> {
  const spec = sim.state.contentOf(key)!;
  const hash = createHash('sha1');
  for await (const chunk of streamOf(spec)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/** Every live (not deleted) asset of the simulator with the SHA-1 of each resource a download returns now. */
export async function expectedAssets(sim: Simulator): Promise<ExpectedAsset[]> {
  const lib = sim.state.library;
  const out: ExpectedAsset[] = [];
  for (let i = 0; i < lib.size; i++) {
    const a = lib.asset(i);
    if (a.deletedAt !== undefined || a.purged) continue;
    const checksums = new Map<string, string>();
    for (const r of a.resources) {
      const revision = r.field === 'resJPEGFull' || r.field === 'resVidFull' ? a.editRevision : 0;
      checksums.set(r.field, await sha1B64(sim, { zone: a.zone, index: i, field: r.field, revision }));
    }
    out.push({ assetName: a.assetName, checksums });
  }
  return out;
}

/**
 * Compares the fake's state with the simulator: each resource held exactly once, Live Photos linked, each album (by
 * name, `albums`: name → asset record names) holding exactly the stills of its assets. Returns the problems, empty when all is well.
 */
export function compareWithImmich(expected: readonly ExpectedAsset[], fake: FakeImmich, albums: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems: string[] = [];
  const byChecksum = new Map<string, string[]>();
  for (const a of fake.assets.values()) byChecksum.set(a.checksum, [...byChecksum.get(a.checksum) ?? [], a.id]);
  const idOf = new Map<string, string>();
  let resources = 0;
  for (const e of expected) {
    for (const [field, sum] of e.checksums) {
      resources += 1;
      const ids = byChecksum.get(sum) ?? [];
      if (ids.length !== 1) problems.push(`${e.assetName} ${field}: ${ids.length} copies with its SHA-1`);
      else idOf.set(`${e.assetName}/${field}`, ids[0]!);
    }
    const video = idOf.get(`${e.assetName}/resOriginalVidCompl`);
    if (video !== undefined) {
      const still = fake.assets.get(idOf.get(`${e.assetName}/resOriginal`) ?? '');
      if (still?.livePhotoVideoId !== video) problems.push(`${e.assetName}: Live Photo still not linked to its video`);
    }
  }
  if (fake.assets.size !== resources) problems.push(`server holds ${fake.assets.size} assets, the library has ${resources} resources`);
  for (const [name, members] of albums) {
    const want = new Set<string>();
    for (const e of expected) {
      if (!members.has(e.assetName)) continue;
      for (const field of e.checksums.keys()) if (field !== 'resOriginalVidCompl') want.add(idOf.get(`${e.assetName}/${field}`) ?? `missing ${e.assetName}`);
    }
    const remote = [...fake.albums.values()].filter((a) => a.albumName.normalize('NFC') === name);
    if (want.size === 0 && remote.length === 0) continue;
    if (remote.length !== 1) { problems.push(`album "${name}": ${remote.length} albums with that name on the server`); continue; }
    const have = remote[0]!.assets;
    const missing = [...want].filter((id) => !have.has(id));
    const extra = [...have].filter((id) => !want.has(id));
    if (missing.length + extra.length > 0) {
      const what = (id: string) => { const a = fake.assets.get(id); return a ? `${a.originalFileName}` : id; };
      problems.push(`album "${name}": ${missing.length} missing (${missing.slice(0, 4).map(what).join(', ')}), ${extra.length} extra (${extra.slice(0, 4).map(what).join(', ')})`);
    }
  }
  return problems;
}

/** Album name as photoferry gives it (folder path joined) → member asset record names, as the simulator has them. */
export function simulatorAlbums(sim: Simulator): Map<string, Set<string>> {
  const lib = sim.state.library;
  const pathOf = (id: string): string[] => {
    const album = lib.album(id)!;
    return [...(album.parentId !== undefined ? pathOf(album.parentId) : []), album.name];
  };
  const out = new Map<string, Set<string>>();
  for (const album of lib.albums.filter((a) => a.type === 0)) {
    const members = new Set<string>();
    for (let i = 0; i < lib.size; i++) if (lib.inAlbum(i, album.id)) members.add(lib.asset(i).assetName);
    out.set(pathOf(album.id).join(' / ').normalize('NFC'), members);
  }
  return out;
}

/** The same from photoferry's catalog: what the iCloud source reported (read while no run holds the catalog). */
export async function catalogAlbums(catalogFile: string): Promise<Map<string, Set<string>>> {
  const catalog = await openSqliteCatalog(catalogFile);
  try {
    const sourceId = (await catalog.runs(1))[0]!.sourceId;
    const names = new Map((await catalog.albums(sourceId)).map((a) => [a.id, a.path.join(' / ').normalize('NFC')]));
    const out = new Map<string, Set<string>>([...names.values()].map((n) => [n, new Set<string>()]));
    for (const asset of await catalog.assets(sourceId)) for (const ref of asset.albums) out.get(names.get(ref.id) ?? ref.id)?.add(asset.id);
    return out;
  } finally {
    await catalog.close();
  }
}
