/** @module Downloads: fresh signed URLs (records/lookup near Apple's ~1 h expiry), Range resume, size check, and a stall watchdog. */
import { Readable, Transform } from 'node:stream';
import type { Asset, ResourceRole } from '../../../core/asset.ts';
import { TransferError } from '../../../core/transfer-error.ts';
import { AppleHttpError, CONNECTOR, fromAppleResponse, retryAfterMs, toTransferError } from '../errors.ts';
import type { IcloudSession } from '../session.ts';
import type { Pacer } from '../pacer.ts';
import { toAsset, type WireMap, type WireRef } from '../to-asset.ts';
import type { PhotosApi, Zone } from './photos-api.ts';
import { watchForStall } from './stall-watch.ts';
import { refName, res, type CkRecord } from './records.ts';
import { trimOldest } from '../../../core/trim-oldest.ts';

/** Where a role's bytes are, as a listing or lookup saw them: the signed URL and the size it promised. */
interface Located { readonly url: string; readonly size: number }
/**
 * What a download needs of an asset, and no more: its zone and each role's URL and size. It used to keep the
 * records' res fields (checksums, wrapping keys, both records' names): ~1.2 kB an asset, 25 MB of a 100k listing's
 * 60 MB live heap for a cache of 20k, which V8's heap growth then turned into ~60 MB of RSS.
 */
interface Known { readonly zone: Zone; readonly at: Partial<Record<ResourceRole, Located>>; readonly fetchedAt: number }

export interface DownloaderOptions {
  /** No byte for this long, headers included, while the reader wants more → TransferError('transient') (default 60 s). */
  readonly stallMs?: number;
  /** Refetch URLs this close to their expiry (default 5 min). */
  readonly refreshMarginMs?: number;
  /**
   * Assets whose URLs are kept for downloads; older ones are looked up again. The run tells the source its next
   * pages (prefetch, at most 4 of 1,000 assets), so this holds those, not the whole listing: 20k entries (each a
   * few signed URLs) were ~20 MB of a 100k listing's peak.
   */
  readonly cacheSize?: number;
}

const transient = (message: string, cause?: unknown) => new TransferError('transient', message, { connector: CONNECTOR, ...(cause === undefined ? {} : { cause }) });

/** A failure names the file that failed: a Live Photo's video under its own name, not the photo's. */
const nameOf = (asset: Asset, role: ResourceRole) => asset.resources.find((r) => r.role === role)?.filename ?? asset.filename;

/** The record names an asset's master may have: the master is named by its original's checksum. */
const masterNamesOf = (asset: Asset): string[] =>
  [...new Set(asset.resources.map((r) => r.checksum?.value).filter((v): v is string => v !== undefined))];

/** Apple's URLs carry `e=<unix seconds>`; without it assume an hour from when we got it. */
function expiresAt(url: string, fetchedAt: number): number {
  const e = Number(new URL(url.replace('${f}', 'f')).searchParams.get('e'));
  return Number.isFinite(e) && e > 0 ? e * 1000 : fetchedAt + 3600_000;
}

/** Assets per records/lookup of a prefetch: each brings its master's name too, about 200 record names a request. */
const PREFETCH_ASSETS = 100;

export class Downloader {
  private readonly known = new Map<string, Known>();
  /** Assets whose prefetch lookup is in flight: a read of one waits for it instead of looking it up alone. */
  private readonly prefetching = new Map<string, Promise<void>>();
  private readonly opts: Required<DownloaderOptions>;

  constructor(private readonly api: PhotosApi, private readonly session: IcloudSession, private readonly pacer: Pacer,
    private readonly zones: () => Promise<Zone[]>, options: DownloaderOptions = {}) {
    this.opts = { stallMs: 60_000, refreshMarginMs: 5 * 60_000, cacheSize: 6_000, ...options };
  }

  remember(assetId: string, zone: Zone, master: CkRecord, asset: CkRecord, wire: WireMap): void {
    const at: Known['at'] = {};
    for (const [role, ref] of Object.entries(wire) as [ResourceRole, WireRef][]) {
      const r = res(ref.record === 'master' ? master : asset, ref.field);
      if (r?.downloadURL !== undefined) at[role] = { url: r.downloadURL, size: r.size };
    }
    this.known.delete(assetId);
    this.known.set(assetId, { zone, at, fetchedAt: Date.now() });
    trimOldest(this.known, this.opts.cacheSize);
  }

  /**
   * Looks up the download URLs of assets about to be read, a hundred assets per records/lookup, one batch after
   * another: otherwise every asset the listing of this process did not see (a copy after `plan`, a resumed run)
   * cost a lookup of its own when read, 1.3 requests an asset. Best effort: a batch that fails, or an asset it does
   * not find, is looked up when read, as before.
   */
  async prefetch(assets: readonly Asset[], signal: AbortSignal): Promise<void> {
    const wanted = [...new Map(assets.map((a) => [a.id, a])).values()]
      .filter((a) => !this.prefetching.has(a.id) && !this.isFresh(this.known.get(a.id)));
    let previous = Promise.resolve();
    for (let i = 0; i < wanted.length; i += PREFETCH_ASSETS) {
      const batch = wanted.slice(i, i + PREFETCH_ASSETS);
      const done = previous.then(() => this.lookupMany(batch, signal)).catch(() => undefined);
      for (const a of batch) this.prefetching.set(a.id, done);
      previous = done.finally(() => { for (const a of batch) if (this.prefetching.get(a.id) === done) this.prefetching.delete(a.id); });
    }
    await previous;
  }

  /** A URL got at `fetchedAt` that is still outside the refresh margin of its expiry. */
  private isFreshUrl(r: Located, fetchedAt: number): boolean {
    return expiresAt(r.url, fetchedAt) - Date.now() > this.opts.refreshMarginMs;
  }

  /** Every role's URL of a known asset is fresh. */
  private isFresh(k: Known | undefined): boolean {
    return k !== undefined && Object.values(k.at).every((r) => this.isFreshUrl(r, k.fetchedAt));
  }

  /** One lookup per zone for the assets and their masters; remembers each asset found with its master. */
  private async lookupMany(assets: readonly Asset[], signal: AbortSignal): Promise<void> {
    let missing = assets;
    for (const zone of await this.zones()) {
      if (missing.length === 0 || signal.aborted) return;
      const names = new Set(missing.flatMap((a) => [a.id, ...masterNamesOf(a)]));
      const records = await this.api.lookup(zone, [...names], signal);
      const byName = new Map(records.map((r) => [`${r.recordType}\0${r.recordName}`, r]));
      missing = missing.filter((asset) => {
        const a = byName.get(`CPLAsset\0${asset.id}`);
        const m = a && byName.get(`CPLMaster\0${refName(a, 'masterRef')}`);
        if (a === undefined || m === undefined) return true;
        try {
          this.remember(asset.id, zone, m, a, toAsset(m, a).wire);
          return false;
        } catch {
          return true; // a record it cannot map: the read looks it up alone and reports what is wrong
        }
      });
    }
  }

  /** Re-reads the asset and its master (one lookup: the master's name is the original's checksum). */
  private async refresh(asset: Asset, signal: AbortSignal): Promise<Known> {
    const prior = this.known.get(asset.id);
    const names = [asset.id, ...masterNamesOf(asset)];
    for (const zone of prior === undefined ? await this.zones() : [prior.zone]) {
      const records = await this.api.lookup(zone, names, signal);
      const a = records.find((r) => r.recordName === asset.id && r.recordType === 'CPLAsset');
      if (a === undefined) continue;
      const masterName = refName(a, 'masterRef');
      let m = records.find((r) => r.recordName === masterName && r.recordType === 'CPLMaster');
      if (m === undefined && masterName !== undefined) m = (await this.api.lookup(zone, [masterName], signal)).find((r) => r.recordType === 'CPLMaster');
      if (m === undefined) break;
      this.remember(asset.id, zone, m, a, toAsset(m, a).wire);
      return this.known.get(asset.id)!;
    }
    throw new TransferError('not-found', `iCloud no longer has ${asset.filename} (${asset.id}).`, { connector: CONNECTOR });
  }

  private async urlOf(asset: Asset, role: ResourceRole, signal: AbortSignal, force: boolean): Promise<{ url: string; size: number }> {
    let k = this.known.get(asset.id);
    const pending = this.prefetching.get(asset.id);
    if (pending !== undefined && !force) { await pending; k = this.known.get(asset.id); }
    const fresh = (x: Known): Located | undefined => {
      const r = x.at[role];
      return r !== undefined && this.isFreshUrl(r, x.fetchedAt) ? r : undefined;
    };
    if (force || k === undefined || fresh(k) === undefined) k = await this.refresh(asset, signal);
    const r = fresh(k);
    if (r === undefined) throw new TransferError('not-found', `${nameOf(asset, role)} (${role} of ${asset.id}) has no download URL.`, { connector: CONNECTOR });
    return r;
  }

  async open(asset: Asset, role: ResourceRole, signal: AbortSignal, offset = 0): Promise<Readable> {
    let forced = false;
    let refreshedSession = false;
    for (let attempt = 0; ; attempt++) {
      const { url, size } = await this.urlOf(asset, role, signal, forced);
      // Our own controller (watchdog, close) joined with the run's signal, without a listener on the shared one.
      const ctl = new AbortController();
      const both = AbortSignal.any([signal, ctl.signal]);
      let response: Response;
      let noHeaders = false;
      try {
        response = await this.pacer.run(async () => {
          // The watchdog's "no byte for stallMs" starts with the request, not with the headers: a host that
          // never answers would otherwise hang this download, and the pacer slot it holds, for good.
          const watch = watchForStall(this.opts.stallMs, () => { noHeaders = true; ctl.abort(this.stalled()); });
          try {
            return await this.session.fetch(url, { method: 'GET', signal: both, headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
          } finally {
            watch.stop();
          }
        }, signal);
      } catch (err) {
        throw noHeaders && !signal.aborted ? this.stalled(err) : toTransferError(err);
      }
      const status = response.status;
      if (status === 200 || status === 206) {
        // Downloads are most of a run's requests: without this, a throttle seen while listing kept the whole
        // download phase at the backed-off pace, because only CloudKit answers let the pacer climb again.
        this.pacer.succeeded();
        return this.stream(response, size, offset, status === 200 ? offset : 0, ctl);
      }
      const body = await response.text().catch(() => '');
      if (status === 401 && !refreshedSession) { refreshedSession = true; await this.session.refresh(signal); continue; }
      if (status === 429 || status === 503) { this.pacer.throttled(retryAfterMs(response.headers)); if (attempt < 3) continue; }
      // An expired or refused signed URL: get a fresh one once.
      if ([400, 403, 410].includes(status) && !forced) { forced = true; continue; }
      throw fromAppleResponse(new AppleHttpError(`download of ${nameOf(asset, role)} (${role})`, status, response.headers, body));
    }
  }

  private stalled(cause?: unknown): TransferError {
    const ms = this.opts.stallMs;
    return transient(`download stalled: no data for ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`, cause);
  }

  private stream(response: Response, size: number, offset: number, skip: number, ctl: AbortController): Readable {
    const expected = size - offset;
    let seen = 0;
    let toSkip = skip;
    const watchdog = watchForStall(this.opts.stallMs, () => {
      // Bytes waiting for the reader mean the reader is the slow one (a busy destination), not Apple.
      if (out.readableLength > 0) { watchdog.heard(); return; }
      out.destroy(this.stalled());
    });
    const out = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        watchdog.heard();
        if (toSkip > 0) { const n = Math.min(toSkip, chunk.length); toSkip -= n; chunk = chunk.subarray(n); }
        seen += chunk.length;
        cb(null, chunk);
      },
      flush(cb) {
        // Every byte is in: nothing left to watch, however long the reader takes over the rest.
        watchdog.stop();
        cb(seen === expected ? null : transient(`download ended after ${seen} of ${expected} bytes`));
      },
    });
    const body = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    const cleanup = () => watchdog.stop();
    body.on('error', (err) => out.destroy(err instanceof TransferError ? err : transient(`download interrupted: ${err.message}`, err)));
    out.on('close', () => { cleanup(); if (!body.destroyed) { body.destroy(); ctl.abort(); } });
    body.pipe(out);
    return out;
  }
}
