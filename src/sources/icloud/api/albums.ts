/** @module User albums and folders (CPLAlbum tree) and album membership (CPLContainerRelation), kept between runs for incremental updates. */
import type { AlbumRef } from '../../../core/asset.ts';
import type { Album } from '../../source.ts';
import { decodeText } from './enc.ts';
import type { PhotosApi, Zone } from './photos-api.ts';
import { encField, flag, num, str, type CkRecord } from './records.ts';

export interface AlbumNode { readonly id: string; readonly name: string; readonly parentId?: string; readonly folder: boolean }

/** What is remembered between runs (ConnectorState): the tree and each album's members (asset record names). */
export interface AlbumSnapshot {
  albums: AlbumNode[];
  members: Record<string, string[]>;
}

const SPECIAL = new Set(['----Root-Folder----', '----Project-Root-Folder----']);

/** A CPLAlbum record as a node, or undefined for the special roots, deleted albums and smart albums (type 6). */
export function albumNode(r: CkRecord): AlbumNode | undefined {
  if (r.recordType !== 'CPLAlbum' || SPECIAL.has(r.recordName) || flag(r, 'isDeleted') || r.deleted === true) return undefined;
  const type = num(r, 'albumType') ?? 0;
  if (type !== 0 && type !== 3) return undefined;
  const parentId = str(r, 'parentId');
  // Names may arrive decomposed (NFD, "Jörg" as o + U+0308); NFC keeps paths comparable.
  const name = (decodeText(encField(r, 'albumNameEnc')) ?? r.recordName).normalize('NFC');
  return { id: r.recordName, name, folder: type === 3, ...(parentId === undefined || SPECIAL.has(parentId) ? {} : { parentId }) };
}

export function pathOf(nodes: ReadonlyMap<string, AlbumNode>, id: string): string[] {
  const path: string[] = [];
  for (let node = nodes.get(id), guard = 0; node !== undefined && guard < 32; node = node.parentId === undefined ? undefined : nodes.get(node.parentId), guard++) path.unshift(node.name);
  return path;
}

/**
 * An asset's albums: the album's id when it is in one (most members are), else the ids. The ids are the tree's own
 * strings, so a membership costs the asset's name and a map entry. A Set per asset cost ~220 bytes a member:
 * 4.4 MB of a 100k listing's live heap, ~45 MB at 1M assets.
 */
type Membership = string | readonly string[];

const idsOf = (m: Membership | undefined): readonly string[] => (m === undefined ? [] : typeof m === 'string' ? [m] : m);

export class AlbumIndex {
  private readonly nodes = new Map<string, AlbumNode>();
  private readonly byAsset = new Map<string, Membership>();
  /** Each album's ref (id and folder path), shared by every asset in it: made once per tree, not once per asset. */
  private readonly refs = new Map<string, AlbumRef>();
  /**
   * Whether the tree or a membership differs from the snapshot it was made from: the snapshot holds every asset's
   * albums (megabytes at 100k assets), so an incremental listing that changed none of it does not write it again.
   */
  private dirty = false;

  constructor(snapshot: AlbumSnapshot = { albums: [], members: {} }) {
    for (const a of snapshot.albums) this.nodes.set(a.id, a);
    for (const [albumId, names] of Object.entries(snapshot.members)) for (const n of names) this.add(n, albumId);
    this.dirty = false;
  }

  get changed(): boolean { return this.dirty; }
  has(id: string): boolean { return this.nodes.has(id); }
  setNode(node: AlbumNode): void {
    const was = this.nodes.get(node.id);
    if (was === undefined || JSON.stringify(was) !== JSON.stringify(node)) { this.dirty = true; this.refs.clear(); }
    this.nodes.set(node.id, node);
  }
  removeNode(id: string): string[] {
    if (this.nodes.delete(id)) { this.dirty = true; this.refs.clear(); }
    const affected = this.membersOf(id);
    for (const asset of affected) this.remove(asset, id);
    return affected;
  }
  add(asset: string, albumId: string): void {
    // A relation record brings its own copy of the album's id: keep the tree's, one string per album.
    const id = this.nodes.get(albumId)?.id ?? albumId;
    const was = this.byAsset.get(asset);
    if (idsOf(was).includes(id)) return;
    this.byAsset.set(asset, was === undefined ? id : [...idsOf(was), id]);
    this.dirty = true;
  }
  remove(asset: string, albumId: string): void {
    const was = idsOf(this.byAsset.get(asset));
    if (!was.includes(albumId)) return;
    const rest = was.filter((id) => id !== albumId);
    if (rest.length === 0) this.byAsset.delete(asset); else this.byAsset.set(asset, rest.length === 1 ? rest[0]! : rest);
    this.dirty = true;
  }
  membersOf(albumId: string): string[] {
    const out: string[] = [];
    for (const [asset, m] of this.byAsset) if (m === albumId || (typeof m !== 'string' && m.includes(albumId))) out.push(asset);
    return out;
  }

  refsOf(asset: string): AlbumRef[] {
    return [...idsOf(this.byAsset.get(asset))].filter((id) => this.nodes.has(id)).sort().map((id) => this.refOf(id));
  }

  private refOf(id: string): AlbumRef {
    let ref = this.refs.get(id);
    if (ref === undefined) this.refs.set(id, ref = { id, path: pathOf(this.nodes, id) });
    return ref;
  }

  albums(): Album[] {
    return [...this.nodes.values()].filter((n) => !n.folder).map((n) => ({ id: n.id, path: pathOf(this.nodes, n.id), kind: 'user' as const }));
  }

  snapshot(): AlbumSnapshot {
    const members: Record<string, string[]> = {};
    for (const [asset, m] of this.byAsset) for (const id of idsOf(m)) (members[id] ??= []).push(asset);
    return { albums: [...this.nodes.values()], members };
  }
}

/** Lists every album and folder (recursing into folders) and each album's members. */
export async function loadAlbumIndex(api: PhotosApi, zone: Zone, signal: AbortSignal): Promise<AlbumIndex> {
  const index = new AlbumIndex();
  const queue: (string | undefined)[] = [undefined];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const r of await api.albums(zone, parent, signal)) {
      const node = albumNode(r);
      if (node === undefined) continue;
      index.setNode(parent === undefined || node.parentId !== undefined ? node : { ...node, parentId: parent });
      if (node.folder) queue.push(node.id);
    }
  }
  for (const album of index.albums()) {
    const PAGE = 66;
    for (let start = 0; ; start += PAGE) {
      const page = await api.page(zone, { kind: 'album', albumId: album.id }, start, PAGE, signal);
      const relations = page.records.filter((r) => r.recordType === 'CPLContainerRelation');
      for (const rel of relations) { const item = str(rel, 'itemId'); if (item !== undefined) index.add(item, album.id); }
      if (relations.length < PAGE) break;
    }
  }
  return index;
}
