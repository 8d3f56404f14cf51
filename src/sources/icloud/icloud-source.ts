/** @module IcloudSource: the Source contract over iCloud Photos (full listing, incremental sync tokens, paced downloads, explicit mutations). */
import type { Readable } from 'node:stream';
import type { Asset, AssetId, ResourceRole } from '../../core/asset.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { ConnectorState, Logger } from '../../connectors/context.ts';
import type { ChangePage, LibraryCount, OpenOptions, SkippedRecord, Source } from '../source.ts';
import { AlbumIndex, loadAlbumIndex, type AlbumSnapshot } from './api/albums.ts';
import { CloudKitClient, type CloudKitClientOptions } from './api/cloudkit-client.ts';
import { decodeCursor, encodeCursor, type Cursor } from './api/cursor.ts';
import { Downloader, type DownloaderOptions } from './api/download.ts';
import { changedZones, NeedsFullListing, zoneDelta } from './api/incremental.ts';
import { listView } from './api/listing.ts';
import { NameSet } from '../../core/name-set.ts';
import { PhotosApi, type Zone } from './api/photos-api.ts';
import { refName, type CkRecord } from './api/records.ts';
import { setRecentlyDeleted, type TrashOutcome } from './api/trash.ts';
import { CONNECTOR, toTransferError } from './errors.ts';
import { pacerFor, type Pace, type Pacer, type PacerOptions } from './pacer.ts';
import type { IcloudSession } from './session.ts';
import { skipReason, toAsset } from './to-asset.ts';

export type Library = 'personal' | 'shared';

export interface IcloudSourceDeps {
  readonly appleId: string;
  /** Signs in (or reuses the saved session); called by connect(). */
  readonly signIn: (signal: AbortSignal) => Promise<IcloudSession>;
  readonly state: ConnectorState;
  readonly log: Logger;
  readonly libraries?: readonly Library[];
  /** A private pacer (tests); by default one per Apple ID, shared in the process. */
  readonly pacer?: Pacer;
  readonly pacing?: PacerOptions;
  readonly client?: CloudKitClientOptions;
  readonly downloads?: DownloaderOptions;
}

const ALBUMS_KEY = 'albums';
const PRIMARY: Zone = { db: 'private', zoneID: { zoneName: 'PrimarySync' } };

export class IcloudSource implements Source {
  readonly kind = 'icloud';
  readonly id: string;
  readonly capabilities = { changeFeed: true, albums: true } as const;
  readonly pacer: Pacer;
  private wire: { ck: CloudKitClient; api: PhotosApi; downloader: Downloader } | undefined;
  private zoneCache: Zone[] | undefined;
  private zonesAsked: Promise<Zone[]> | undefined;

  constructor(private readonly deps: IcloudSourceDeps) {
    this.id = `icloud:${deps.appleId.toLowerCase()}`;
    this.pacer = deps.pacer ?? pacerFor(deps.appleId, deps.pacing);
  }

  /** Current request pace (concurrency, spacing, pause) for progress displays. */
  pace(): Pace { return this.pacer.pace(); }

  /** CloudKit requests sent so far, by operation. */
  get calls(): ReadonlyMap<string, number> { return this.wire?.ck.calls ?? new Map(); }

  private get w() {
    if (this.wire === undefined) throw new TransferError('invalid-input', 'iCloud source used before connect()', { connector: CONNECTOR });
    return this.wire;
  }

  async connect(signal: AbortSignal): Promise<void> {
    const session = await this.deps.signIn(signal);
    const ck = new CloudKitClient(session, this.pacer, this.deps.client);
    const api = new PhotosApi(ck);
    this.wire = { ck, api, downloader: new Downloader(api, session, this.pacer, () => this.zones(signal), this.deps.downloads) };
    await api.checkIndexing(PRIMARY, signal);
  }

  private wanted(zoneName: string): boolean {
    const libs = this.deps.libraries ?? ['personal', 'shared'];
    return zoneName === 'PrimarySync' ? libs.includes('personal') : libs.includes('shared');
  }

  /**
   * The account's zones, asked once: concurrent callers share the one request in flight. A worker opens a batch's
   * files at once, and under a slow (shared) pace each of them used to send its own zones/list before the first
   * answer came back, about one per file.
   */
  private zones(signal: AbortSignal): Promise<Zone[]> {
    if (this.zoneCache !== undefined) return Promise.resolve(this.zoneCache);
    this.zonesAsked ??= this.w.api.zones(signal).then((r) => (this.zoneCache = r.zones)).finally(() => { this.zonesAsked = undefined; });
    return this.zonesAsked;
  }

  async *changes(cursor: string | null, signal: AbortSignal): AsyncIterable<ChangePage> {
    try {
      const parsed = decodeCursor(cursor);
      if (parsed === undefined) { yield* this.fullListing(signal); return; }
      try {
        yield* this.incremental(parsed, signal);
      } catch (err) {
        if (!(err instanceof NeedsFullListing)) throw err;
        this.deps.log.info({ reason: err.message }, 'icloud: sync token not usable, listing everything');
        yield* this.fullListing(signal);
      }
    } catch (err) {
      throw toTransferError(err);
    }
  }

  private map(zone: Zone, master: CkRecord, asset: CkRecord, albums: AlbumIndex): Asset {
    const mapped = toAsset(master, asset, albums.refsOf(asset.recordName));
    this.w.downloader.remember(mapped.asset.id, zone, master, asset, mapped.wire);
    return mapped.asset;
  }

  /** Maps what can be copied; the rest goes to `skipped` with the record name and why. */
  private mapAll(zone: Zone, pairs: readonly { master: CkRecord; asset: CkRecord }[], albums: AlbumIndex, skipped: SkippedRecord[]): Asset[] {
    const out: Asset[] = [];
    for (const p of pairs) {
      const reason = skipReason(p.master);
      if (reason !== undefined) { skipped.push({ record: p.asset.recordName, reason }); continue; }
      try {
        out.push(this.map(zone, p.master, p.asset, albums));
      } catch (err) {
        // A record shape no reader foresaw: one asset is left out, never the listing.
        skipped.push({ record: p.asset.recordName, reason: `unreadable record (${err instanceof Error ? err.message : String(err)})` });
      }
    }
    return out;
  }

  /** The album tree, or last run's when Apple fails to list it: a warning, and the photos are still backed up. */
  private async albumsOrPrevious(zone: Zone | undefined, signal: AbortSignal): Promise<{ albums: AlbumIndex; fresh: boolean; notice?: string }> {
    if (zone === undefined) return { albums: new AlbumIndex(), fresh: true };
    try {
      return { albums: await loadAlbumIndex(this.w.api, zone, signal), fresh: true };
    } catch (err) {
      const e = toTransferError(err);
      if (signal.aborted || e.kind === 'cancelled' || e.kind === 'auth-required') throw e;
      this.deps.log.warn({ appleId: this.deps.appleId, err: e.message }, 'icloud: album listing failed');
      return {
        albums: new AlbumIndex(await this.deps.state.get<AlbumSnapshot>(ALBUMS_KEY)), fresh: false,
        notice: `albums unavailable this run for ${this.deps.appleId} (${e.message}); photos are still backed up, album changes wait for the next run`,
      };
    }
  }

  private async *fullListing(signal: AbortSignal): AsyncGenerator<ChangePage> {
    const { api } = this.w;
    const listed = await api.zones(signal);
    this.zoneCache = listed.zones;
    // A database token for the next run; some recordings have no changes/database, so it is optional.
    const dbToken = await api.changesDatabase('private', undefined, signal).then((r) => r.syncToken, () => undefined);
    const zones = listed.zones.filter((z) => this.wanted(z.zoneID.zoneName));
    const primary = zones.find((z) => z.zoneID.zoneName === 'PrimarySync');
    const { albums, fresh, notice } = await this.albumsOrPrevious(primary, signal);
    if (fresh) await this.deps.state.set(ALBUMS_KEY, albums.snapshot());
    const cursorZones: Cursor['zones'] = [];
    const seen = new NameSet();
    const libraries: LibraryCount[] = [];
    let first = true;
    const head = () => {
      const extra = first ? { ...(fresh ? { albums: albums.albums() } : {}), ...(notice === undefined ? {} : { notices: [notice] }) } : {};
      const reset = first;
      first = false;
      return { ...extra, reset };
    };
    for (const zone of zones) {
      let token = zone.syncToken;
      let counted = 0;
      let listedHere = 0;
      for (const view of ['all', 'hidden'] as const) {
        // Pages come without the assets listed before (a view's own repeats, the other view's, another zone's).
        for await (const page of listView(api, this.pacer, zone, { kind: view }, signal, { onCount: (n) => { counted += n; }, seen })) {
          token ??= page.syncToken;
          const skipped: SkippedRecord[] = page.invalid.map((r) => ({ record: r.record, reason: r.reason }));
          const pairs = [...page.pairs, ...await this.adopt(zone, page.orphans, signal, skipped)];
          const upserts = this.mapAll(zone, pairs, albums, skipped);
          listedHere += upserts.length;
          yield { upserts, deletions: [], cursor: null, done: false, ...head(), ...(skipped.length === 0 ? {} : { skipped }) };
        }
      }
      libraries.push({ library: zone.zoneID.zoneName === 'PrimarySync' ? 'personal' : 'shared', counted, listed: listedHere });
      if (token !== undefined) cursorZones.push({ db: zone.db, zoneID: zone.zoneID, token });
    }
    const next: Cursor = { v: 1, zones: cursorZones, ...(dbToken === undefined ? {} : { db: dbToken }) };
    yield { upserts: [], deletions: [], cursor: encodeCursor(next), done: true, libraries, ...head() };
  }

  /** Masters for assets that came without theirs. */
  private async adopt(zone: Zone, orphans: CkRecord[], signal: AbortSignal, skipped: SkippedRecord[]): Promise<{ master: CkRecord; asset: CkRecord }[]> {
    if (orphans.length === 0) return [];
    const names = orphans.map((a) => refName(a, 'masterRef')).filter((n): n is string => n !== undefined);
    const masters = names.length === 0 ? new Map<string, CkRecord>()
      : new Map((await this.w.api.lookup(zone, names, signal)).filter((r) => r.recordType === 'CPLMaster').map((r) => [r.recordName, r]));
    return orphans.flatMap((asset) => {
      const ref = refName(asset, 'masterRef');
      const master = masters.get(ref ?? '');
      if (master === undefined) skipped.push({ record: asset.recordName, reason: ref === undefined ? 'no masterRef' : `master record ${ref} not found` });
      return master === undefined ? [] : [{ master, asset }];
    });
  }

  private async *incremental(cursor: Cursor, signal: AbortSignal): AsyncGenerator<ChangePage> {
    const { api } = this.w;
    const { dbToken, zones } = await changedZones(api, cursor, signal);
    const selected = zones.filter((z) => this.wanted(z.zoneID.zoneName));
    if (selected.length === 0) {
      yield { upserts: [], deletions: [], cursor: encodeCursor({ ...cursor, db: dbToken }), reset: false, done: true };
      return;
    }
    const albums = new AlbumIndex(await this.deps.state.get<AlbumSnapshot>(ALBUMS_KEY));
    const tokens = new Map(cursor.zones.map((z) => [z.zoneID.zoneName, z]));
    const upserts: Asset[] = [];
    const deletions: AssetId[] = [];
    const skipped: SkippedRecord[] = [];
    let albumsChanged = false;
    for (const entry of selected) {
      const delta = await zoneDelta(api, entry, albums, signal);
      upserts.push(...this.mapAll(delta.zone, delta.upserts, albums, skipped));
      deletions.push(...delta.deletions);
      albumsChanged ||= delta.albumsChanged;
      tokens.set(entry.zoneID.zoneName, { ...entry, token: delta.token });
    }
    if (albums.changed) await this.deps.state.set(ALBUMS_KEY, albums.snapshot());
    const next: Cursor = { v: 1, db: dbToken, zones: [...tokens.values()] };
    yield {
      upserts, deletions, ...(albumsChanged ? { albums: albums.albums() } : {}), cursor: encodeCursor(next), reset: false, done: true,
      ...(skipped.length === 0 ? {} : { skipped }),
    };
  }

  async prefetch(assets: readonly Asset[], signal: AbortSignal): Promise<void> {
    await this.wire?.downloader.prefetch(assets, signal);
  }

  async open(asset: Asset, role: ResourceRole, signal: AbortSignal, options: OpenOptions = {}): Promise<Readable> {
    if (!asset.resources.some((r) => r.role === role)) throw new TransferError('not-found', `${asset.filename} has no ${role} resource.`, { connector: CONNECTOR });
    try {
      return await this.w.downloader.open(asset, role, signal, options.offset ?? 0);
    } catch (err) {
      throw toTransferError(err);
    }
  }

  /** Moves an asset to Recently Deleted (`isDeleted = 1` on the CPLAsset, with its change tag). */
  async moveToRecentlyDeleted(id: AssetId, signal: AbortSignal): Promise<void> { await this.updateAsset(id, { isDeleted: { value: 1 } }, signal); }

  /** Moves a small batch to Recently Deleted through the account's pacer; per asset, whether it is there now. */
  trashBatch(ids: readonly AssetId[], signal: AbortSignal): Promise<TrashOutcome[]> { return this.recentlyDeleted(ids, true, signal); }

  /** Brings a small batch back from Recently Deleted (within Apple's 30 days). */
  recoverBatch(ids: readonly AssetId[], signal: AbortSignal): Promise<TrashOutcome[]> { return this.recentlyDeleted(ids, false, signal); }

  private async recentlyDeleted(ids: readonly AssetId[], trash: boolean, signal: AbortSignal): Promise<TrashOutcome[]> {
    try {
      return await setRecentlyDeleted(this.w.api, await this.zones(signal), ids, trash, signal);
    } catch (err) {
      throw toTransferError(err);
    }
  }

  async setFavorite(id: AssetId, favorite: boolean, signal: AbortSignal): Promise<void> { await this.updateAsset(id, { isFavorite: { value: favorite ? 1 : 0 } }, signal); }

  private async updateAsset(id: AssetId, fields: Record<string, { value: number }>, signal: AbortSignal): Promise<void> {
    try {
      for (const zone of await this.zones(signal)) {
        const current = (await this.w.api.lookup(zone, [id], signal)).find((r) => r.recordType === 'CPLAsset');
        if (current === undefined) continue;
        const op = { operationType: 'update', record: { recordName: id, recordType: 'CPLAsset', recordChangeTag: current.recordChangeTag, fields } };
        const [result] = await this.w.api.modify(zone, [op], Object.keys(fields), signal);
        if (result?.serverErrorCode !== undefined) {
          throw new TransferError(result.serverErrorCode === 'SERVER_RECORD_CHANGED' || result.serverErrorCode === 'CONFLICT' ? 'conflict' : 'permanent',
            `iCloud refused the change to ${id}: ${result.serverErrorCode} ${result.reason ?? ''}`.trim(), { connector: CONNECTOR });
        }
        return;
      }
      throw new TransferError('not-found', `iCloud has no asset ${id}.`, { connector: CONNECTOR });
    } catch (err) {
      throw toTransferError(err);
    }
  }

  async close(): Promise<void> { this.wire = undefined; }
}
