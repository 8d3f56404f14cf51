/** @module The simulator's mutable library: generated base + scripted changes, each change logged per zone so sync tokens advance. */
import { generateAlbums, inAlbumByRule, type AlbumSpec } from './albums.ts';
import { assetSpec, resourcesOf, type AssetSpec, type LibraryOptions, type ResourceSpec } from './generate.ts';

export type ZoneKey = 'primary' | 'shared';

/** One logged change: the record named here must be re-sent (or sent as a tombstone) by changes/zone. */
export type LogRecord =
  | { readonly kind: 'asset' | 'master'; readonly index: number }
  | { readonly kind: 'album'; readonly albumId: string }
  | { readonly kind: 'relation'; readonly index: number; readonly albumId: string };
export type LogEntry = LogRecord & { readonly globalSeq: number };

interface Overlay {
  favorite?: boolean;
  hidden?: boolean;
  /** Epoch ms when moved to Recently Deleted. */
  deletedAt?: number;
  purged?: boolean;
  edited?: boolean;
  editRevision?: number;
  assetRev?: number;
  masterRev?: number;
}

/** Effective state of one asset: generated spec with scripted changes applied. */
export interface AssetState extends AssetSpec {
  readonly deletedAt?: number;
  readonly purged: boolean;
  readonly editRevision: number;
  readonly assetRev: number;
  readonly masterRev: number;
  readonly resources: readonly ResourceSpec[];
}

export class LibraryState {
  readonly albums: AlbumSpec[];
  readonly logs: Record<ZoneKey, LogEntry[]> = { primary: [], shared: [] };
  globalSeq = 0;
  /** Bumped on every change; views cache against it. */
  version = 0;
  private count: number;
  private readonly specs: (AssetSpec | undefined)[] = [];
  private readonly overlay = new Map<number, Overlay>();
  private readonly states: (AssetState | undefined)[] = [];
  private readonly added = new Map<string, Set<number>>();
  private readonly removed = new Map<string, Set<number>>();
  private byName: Map<string, number> | undefined;

  constructor(readonly options: LibraryOptions) {
    this.count = options.assets;
    this.albums = generateAlbums(options.seed);
  }

  get size(): number { return this.count; }

  spec(i: number): AssetSpec {
    let s = this.specs[i];
    if (s === undefined) {
      s = assetSpec(this.options, i);
      if (i >= this.options.assets) s = { ...s, assetDate: this.addedDates.get(i) ?? s.assetDate, addedDate: this.addedDates.get(i) ?? s.addedDate };
      this.specs[i] = s;
    }
    return s;
  }

  /** Effective state, cached per asset and dropped when that asset changes (views scan every asset). */
  asset(i: number): AssetState {
    const hit = this.states[i];
    if (hit !== undefined) return hit;
    const state = this.computeAsset(i);
    this.states[i] = state;
    return state;
  }

  private computeAsset(i: number): AssetState {
    const s = this.spec(i);
    const o = this.overlay.get(i) ?? {};
    const edited = o.edited ?? s.edited;
    return {
      ...s,
      favorite: o.favorite ?? s.favorite,
      hidden: o.hidden ?? s.hidden,
      edited,
      ...(o.deletedAt === undefined ? {} : { deletedAt: o.deletedAt }),
      purged: o.purged ?? false,
      editRevision: o.editRevision ?? 0,
      assetRev: o.assetRev ?? 0,
      masterRev: o.masterRev ?? 0,
      resources: resourcesOf(this.options, s, edited),
    };
  }

  /** Index of an asset or master record name (built once; 100k names take ~0.3 s). */
  indexOf(recordName: string): number | undefined {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (let i = 0; i < this.count; i++) { const s = this.spec(i); this.byName.set(s.assetName, i); this.byName.set(s.masterName, i); }
    }
    return this.byName.get(recordName);
  }

  album(id: string): AlbumSpec | undefined { return this.albums.find((a) => a.id === id); }

  /**
   * Albums live in PrimarySync and an album's contents query runs in that zone; the protocol notes document no album
   * membership across zones (a Shared Library zone exposes only Library and Favorites, §3.5). So only PrimarySync
   * assets are album members, and the album views, the relation records and changes/zone all agree.
   */
  inAlbum(i: number, albumId: string): boolean {
    if (this.spec(i).zone !== 'primary') return false;
    if (this.added.get(albumId)?.has(i) === true) return true;
    if (this.removed.get(albumId)?.has(i) === true) return false;
    const k = this.albums.findIndex((a) => a.id === albumId);
    const album = this.albums[k];
    return album !== undefined && i < this.options.assets && inAlbumByRule(this.options.seed, album, k, i);
  }

  // ---- scripted changes ------------------------------------------------------------------

  private readonly addedDates = new Map<number, number>();

  private log(zone: ZoneKey, entry: LogRecord): void {
    this.globalSeq++;
    this.version++;
    this.logs[zone].push({ ...entry, globalSeq: this.globalSeq });
  }

  private touch(i: number, change: Overlay, records: ('asset' | 'master')[]): void {
    const o = { ...this.overlay.get(i), ...change };
    if (records.includes('asset')) o.assetRev = (o.assetRev ?? 0) + 1;
    if (records.includes('master')) o.masterRev = (o.masterRev ?? 0) + 1;
    this.overlay.set(i, o);
    this.states[i] = undefined;
    const zone = this.spec(i).zone;
    for (const kind of records) this.log(zone, { kind, index: i });
  }

  private need(recordName: string): number {
    const i = this.indexOf(recordName);
    if (i === undefined) throw new Error(`no such asset: ${recordName}`);
    return i;
  }

  /** Adds `n` new assets, newest of all; returns their asset record names. */
  add(n = 1, at = Date.now()): string[] {
    const names: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = this.count++;
      this.addedDates.set(i, Math.max(at, this.newestDate() + 1000) + k);
      const s = this.spec(i);
      this.byName?.set(s.assetName, i).set(s.masterName, i);
      this.log(s.zone, { kind: 'master', index: i });
      this.log(s.zone, { kind: 'asset', index: i });
      names.push(s.assetName);
    }
    return names;
  }

  private newestDate(): number {
    return this.count === 0 ? 0 : Math.max(this.spec(0).assetDate, ...[...this.addedDates.values()]);
  }

  /** A new edit: only the CPLAsset changes (its resJPEGFull rendition). */
  edit(recordName: string): void {
    const i = this.need(recordName);
    this.touch(i, { edited: true, editRevision: (this.overlay.get(i)?.editRevision ?? 0) + 1 }, ['asset']);
  }

  setFavorite(recordName: string, favorite: boolean): void { this.touch(this.need(recordName), { favorite }, ['asset']); }
  setHidden(recordName: string, hidden: boolean): void { this.touch(this.need(recordName), { hidden }, ['asset']); }

  /** Moves to Recently Deleted: both records are re-sent with isDeleted = 1. */
  trash(recordName: string, at = Date.now()): void { this.touch(this.need(recordName), { deletedAt: at }, ['asset', 'master']); }

  /** Back from Recently Deleted (isDeleted becomes null again). */
  restore(recordName: string): void {
    const i = this.need(recordName);
    const o = { ...this.overlay.get(i) };
    delete o.deletedAt;
    this.overlay.set(i, o);
    this.states[i] = undefined;
    this.touch(i, {}, ['asset', 'master']);
  }

  /** Removes for good: tombstones for the asset and master. */
  purge(recordName: string): void { this.touch(this.need(recordName), { purged: true }, ['asset', 'master']); }

  /** Moves an asset between albums (from `null` = just add). */
  move(recordName: string, fromAlbumId: string | null, toAlbumId: string | null): void {
    const i = this.need(recordName);
    if (toAlbumId !== null && this.spec(i).zone !== 'primary') throw new Error(`${recordName} is a Shared Library asset: albums hold only PrimarySync assets`);
    const set = (map: Map<string, Set<number>>, id: string) => map.get(id) ?? map.set(id, new Set()).get(id)!;
    if (fromAlbumId !== null) { set(this.removed, fromAlbumId).add(i); this.added.get(fromAlbumId)?.delete(i); this.log('primary', { kind: 'relation', index: i, albumId: fromAlbumId }); }
    if (toAlbumId !== null) { set(this.added, toAlbumId).add(i); this.removed.get(toAlbumId)?.delete(i); this.log('primary', { kind: 'relation', index: i, albumId: toAlbumId }); }
  }

  renameAlbum(albumId: string, name: string): void {
    const album = this.album(albumId);
    if (album === undefined) throw new Error(`no such album: ${albumId}`);
    album.name = name;
    album.revision++;
    this.log('primary', { kind: 'album', albumId });
  }
}
