/** @module IcloudSource against the Apple simulator: full listing with byte-identical downloads, incremental sync, faults recovered. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Asset } from '../../core/asset.ts';
import { isTransferError } from '../../core/transfer-error.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { ChangePage } from '../source.ts';
import { startSimulator, type Simulator } from '../../simulator/server.ts';
import { simSession, type SimSession } from '../../simulator/testing/sim-session.ts';
import { IcloudSource } from './icloud-source.ts';
import { Pacer } from './pacer.ts';

const signal = new AbortController().signal;

async function connect(sim: Simulator, extra: Partial<ConstructorParameters<typeof IcloudSource>[0]> = {}) {
  let session: SimSession | undefined;
  const source = new IcloudSource({
    appleId: sim.account.appleId, state: memoryState(), log: silentLogger,
    signIn: async () => (session = await simSession(sim)),
    pacer: new Pacer({ maxConcurrency: 6, minIntervalMs: 0, baseBackoffMs: 5, maxBackoffMs: 40, calmAfter: 5 }),
    // Generous: eight parallel downloads on a loaded 2-core machine can wait longer than 300 ms for headers.
    downloads: { stallMs: 5000 },
    ...extra,
  });
  await source.connect(signal);
  return { source, session: () => session! };
}

async function drain(source: IcloudSource, cursor: string | null) {
  const pages: ChangePage[] = [];
  for await (const p of source.changes(cursor, signal)) pages.push(p);
  const last = pages.at(-1)!;
  return { pages, cursor: last.cursor, upserts: pages.flatMap((p) => p.upserts), deletions: pages.flatMap((p) => p.deletions) };
}

async function sha256(stream: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of stream) h.update(chunk as Buffer);
  return h.digest('hex');
}

const callsDuring = async <T>(source: IcloudSource, fn: () => Promise<T>) => {
  const total = () => [...source.calls.values()].reduce((a, b) => a + b, 0);
  const before = total();
  const value = await fn();
  return { value, calls: total() - before };
};

describe('icloud source ↔ simulator: 2,000 assets', () => {
  let sim: Simulator;
  let source: IcloudSource;
  let cursor: string | null;
  let assets: Asset[];
  before(async () => {
    sim = await startSimulator({ assets: 2000, seed: 42, meanSize: 6000 });
    ({ source } = await connect(sim));
  });
  after(() => sim.stop());

  it('lists every visible asset once, with albums, kinds and the Shared Library', async () => {
    const started = Date.now();
    const r = await drain(source, null);
    const ms = Date.now() - started;
    assets = r.upserts;
    cursor = r.cursor;
    assert.equal(r.pages[0]!.reset, true);
    assert.equal(r.pages.at(-1)!.done, true);
    const lib = sim.state.library;
    let expected = 0;
    for (let i = 0; i < lib.size; i++) if (lib.asset(i).deletedAt === undefined) expected++;
    assert.equal(assets.length, expected);
    assert.equal(new Set(assets.map((a) => a.id)).size, assets.length);
    const kinds = new Set(assets.map((a) => a.kind));
    assert.deepEqual([...kinds].sort(), ['live-photo', 'photo', 'video']);
    assert.ok(assets.some((a) => a.hidden) && assets.some((a) => a.favorite));
    assert.ok(assets.some((a) => a.resources.some((x) => x.role === 'raw')));
    assert.ok(assets.some((a) => a.resources.some((x) => x.role === 'edited')));
    assert.ok(assets.some((a) => a.albums.some((al) => al.path.join('/') === 'Trips/Family/Grandparents')));
    assert.ok(r.pages[0]!.albums!.some((al) => al.path.join('/') === 'Jörg’s birthday'));
    assert.ok(assets.some((a) => a.traits?.screenshot === true));
    assert.ok(cursor !== null);
    console.log(`# listed ${assets.length} assets in ${ms} ms, ${[...source.calls.values()].reduce((a, b) => a + b, 0)} CloudKit requests`);
  });

  it('downloads every resource byte-identical to what the simulator serves', async () => {
    const jobs = assets.flatMap((a) => a.resources.map((r) => ({ a, role: r.role })));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const { a, role } = jobs[next++]!;
        const got = await sha256(await source.open(a, role, signal));
        assert.equal(got, sim.state.sha256Of(a.id, role as 'original'), `${a.filename} ${role}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.ok(jobs.length > assets.length);
  });

  it('a source that never listed (a worker) opening many files at once asks for the zones once', async () => {
    const { source: fresh } = await connect(sim);
    const some = assets.slice(0, 10);
    await Promise.all(some.map(async (a) => { for await (const chunk of await fresh.open(a, 'original', signal)) void chunk; }));
    // One zones/list per database (private, shared), not one per file.
    assert.equal(fresh.calls.get('zones/list'), 2);
    await fresh.close();
  });

  it('a source that never listed reads 300 prefetched assets with a few lookups, not one per asset, byte-identical', async () => {
    const { source: fresh } = await connect(sim);
    const some = assets.slice(0, 300);
    await fresh.prefetch(some, signal);
    const lookups = fresh.calls.get('records/lookup') ?? 0;
    // 100 assets and their masters a batch, in one zone or two: far from 300
    assert.ok(lookups >= 3 && lookups <= 12, `${lookups} lookups`);
    for (const a of some.slice(0, 40)) {
      assert.equal(await sha256(await fresh.open(a, 'original', signal)), sim.state.sha256Of(a.id, 'original'));
    }
    assert.equal(fresh.calls.get('records/lookup'), lookups, 'reads after the prefetch made no lookup of their own');
    await fresh.close();
  });

  it('reads started while their prefetch is in flight wait for it instead of looking up alone', async () => {
    const { source: fresh } = await connect(sim);
    const some = assets.slice(300, 360);
    const prefetched = fresh.prefetch(some, signal);
    await Promise.all(some.map(async (a) => { for await (const chunk of await fresh.open(a, 'original', signal)) void chunk; }));
    await prefetched;
    assert.ok((fresh.calls.get('records/lookup') ?? 0) <= 4, `${fresh.calls.get('records/lookup')} lookups for 60 reads`);
    await fresh.close();
  });

  it('a run with no change costs one request', async () => {
    const { value, calls } = await callsDuring(source, () => drain(source, cursor));
    assert.equal(value.upserts.length + value.deletions.length, 0);
    assert.equal(calls, 1);
    cursor = value.cursor;
  });

  it('scripted changes arrive as explicit changes in ≤ 5 requests', async () => {
    const lib = sim.state.library;
    const [trip, , , grand, best] = lib.albums;
    const visible = assets.filter((a) => !a.hidden);
    const edited = visible[3]!; const trashed = visible[4]!; const fav = visible[5]!;
    const moved = assets.find((a) => a.albums.some((al) => al.id === best!.id))!;
    const added = lib.add(2);
    lib.edit(edited.id);
    lib.trash(trashed.id);
    lib.setFavorite(fav.id, !fav.favorite);
    lib.move(moved.id, best!.id, grand!.id);
    lib.renameAlbum(trip!.id, 'Voyages');
    const { value, calls } = await callsDuring(source, () => drain(source, cursor));
    assert.ok(calls <= 5, `${calls} requests`);
    const byId = new Map(value.upserts.map((a) => [a.id as string, a]));
    for (const id of added) assert.ok(byId.has(id), 'added asset listed');
    assert.notEqual(byId.get(edited.id)!.version, edited.version);
    assert.ok(byId.get(edited.id)!.resources.some((r) => r.role === 'edited'));
    assert.deepEqual(value.deletions, [trashed.id]);
    assert.equal(byId.get(fav.id)!.favorite, !fav.favorite);
    const movedNow = byId.get(moved.id)!;
    assert.ok(!movedNow.albums.some((al) => al.id === best!.id));
    assert.ok(movedNow.albums.some((al) => al.path.join('/') === 'Voyages/Family/Grandparents'));
    assert.ok(value.pages.at(-1)!.albums!.some((al) => al.path[0] === 'Voyages'));
    const got = await sha256(await source.open(byId.get(edited.id)!, 'edited', signal));
    assert.equal(got, sim.state.sha256Of(edited.id, 'edited'));
    cursor = value.cursor;
  });

  it('mutations: move to Recently Deleted and favorite go through records/modify', async () => {
    const target = assets.filter((a) => !a.hidden)[10]!;
    await source.setFavorite(target.id, true, signal);
    await source.moveToRecentlyDeleted(target.id, signal);
    const r = await drain(source, cursor);
    assert.deepEqual(r.deletions, [target.id]);
    cursor = r.cursor;
  });

  it('a rejected sync token falls back to a full listing', async () => {
    const bad = JSON.parse(cursor!) as { zones: { token: string }[] };
    bad.zones[0]!.token = 'Z2FyYmFnZQ==';
    sim.state.library.setFavorite(assets[0]!.id, !assets[0]!.favorite);
    const r = await drain(source, JSON.stringify(bad));
    assert.equal(r.pages[0]!.reset, true);
    assert.ok(r.upserts.length > 1900);
  });
});

describe('icloud source ↔ simulator: faults', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ assets: 600, seed: 3, meanSize: 40_000, sharedLibrary: false }); });
  after(() => sim.stop());

  it('recovers from 503/429 throttling and ACCESS_DENIED, and reports the pace', async () => {
    const paces: number[] = [];
    const { source } = await connect(sim, { pacer: new Pacer({ maxConcurrency: 6, minIntervalMs: 0, baseBackoffMs: 5, maxBackoffMs: 40, calmAfter: 3, onPace: (p) => paces.push(p.concurrency) }) });
    sim.state.faults.throttle = { kind: '503', afterRequests: sim.state.clock.ckRequests + 3, count: 3, retryAfterSec: 0 };
    const a = await drain(source, null);
    assert.ok(a.upserts.length > 500);
    assert.ok(source.pace().throttles >= 3);
    assert.ok(paces.some((c) => c < 6), 'concurrency went down');
    sim.state.clock.throttled = 0;
    sim.state.faults.throttle = { kind: '429', count: 2, retryAfterSec: 0 };
    assert.equal((await drain(source, null)).upserts.length, a.upserts.length);
    sim.state.clock.throttled = 0;
    sim.state.faults.throttle = { kind: 'access-denied', count: 2 };
    assert.equal((await drain(source, null)).upserts.length, a.upserts.length);
    delete sim.state.faults.throttle;
  });

  it('refreshes the session once when it expires mid-run', async () => {
    const { source, session } = await connect(sim);
    sim.state.faults.expireSessionAfter = sim.state.clock.ckRequests + 4;
    const r = await drain(source, null);
    assert.ok(r.upserts.length > 500);
    assert.equal(session().refreshes, 1);
  });

  it('download faults: reset, truncation and stall surface as transient; resume with offset is exact', async () => {
    // One download at a time here, so a 300 ms watchdog only fires for the 1.5 s stall.
    const { source } = await connect(sim, { downloads: { stallMs: 300 } });
    const { upserts } = await drain(source, null);
    const asset = upserts.find((a) => a.kind === 'video')!;
    const size = asset.resources[0]!.size;
    const want = sim.state.sha256Of(asset.id)!;
    for (const fault of [{ resets: 1 }, { truncations: 1 }, { stall: { count: 1, ms: 1500 } }]) {
      Object.assign(sim.state.faults.download, fault);
      const parts: Buffer[] = [];
      const stream = await source.open(asset, 'original', signal);
      await assert.rejects(async () => { for await (const c of stream) parts.push(c as Buffer); }, (e: unknown) => isTransferError(e) && e.kind === 'transient', JSON.stringify(fault));
      const have = Buffer.concat(parts);
      assert.ok(have.length < size);
      const rest: Buffer[] = [];
      for await (const c of await source.open(asset, 'original', signal, { offset: have.length })) rest.push(c as Buffer);
      assert.equal(createHash('sha256').update(Buffer.concat([have, ...rest])).digest('hex'), want);
    }
  });

  it('an expired download URL is replaced through records/lookup', async () => {
    const { source } = await connect(sim, { downloads: { stallMs: 300, refreshMarginMs: 0 } });
    sim.state.faults.urlTtlSec = 1;
    const { upserts } = await drain(source, null);
    sim.state.faults.urlTtlSec = 3600;
    await new Promise((r) => setTimeout(r, 1100));
    const before = source.calls.get('records/lookup') ?? 0;
    const a = upserts[0]!;
    assert.equal(await sha256(await source.open(a, 'original', signal)), sim.state.sha256Of(a.id));
    assert.equal((source.calls.get('records/lookup') ?? 0) - before, 1);
  });

  it('still indexing → typed transient error', async () => {
    sim.state.faults.indexing = { state: 'RUNNING', progress: 42 };
    await assert.rejects(connect(sim), (e: unknown) => isTransferError(e) && e.kind === 'transient' && /42%/.test(e.message));
    sim.state.faults.indexing = { state: 'FINISHED', progress: 100 };
  });
});

describe('icloud source ↔ simulator: slow and stalled downloads', () => {
  let sim: Simulator;
  let assets: Asset[];
  // Longer than the other suites' 300 ms: simulator and client share one event loop, and a loaded machine
  // pausing it must not pass for a stall in a test about what is and is not one.
  const stallMs = 500;
  before(async () => {
    sim = await startSimulator({ assets: 30, seed: 11, meanSize: 40_000, sharedLibrary: false });
    const { source } = await connect(sim);
    // Photos only (20–60 KB here; the videos would take seconds at the throttled rate), largest first.
    assets = (await drain(source, null)).upserts.filter((a) => a.kind !== 'video').sort((a, b) => b.resources[0]!.size - a.resources[0]!.size);
  });
  after(() => sim.stop());
  const exact = async (source: IcloudSource, a: Asset) => assert.equal(await sha256(await source.open(a, 'original', signal)), sim.state.sha256Of(a.id), a.filename);

  it('a throttled body never trips the watchdog while bytes keep arriving, one after another on a kept-alive connection or side by side', { timeout: 20_000 }, async () => {
    const { source } = await connect(sim, { downloads: { stallMs } });
    sim.state.faults.download.bytesPerSec = 100_000;
    try {
      const started = Date.now();
      // Sequential: each download reuses the previous one's connection (the third used to hang before its headers).
      for (const a of assets.slice(0, 3)) await exact(source, a);
      const bytes = assets.slice(0, 3).reduce((n, a) => n + a.resources[0]!.size, 0);
      assert.ok(Date.now() - started >= (bytes / 100_000) * 1000 * 0.8, 'the throttle applies');
      await Promise.all(assets.slice(3, 9).map((a) => exact(source, a)));
    } finally {
      delete sim.state.faults.download.bytesPerSec;
    }
  });

  it('a real stall under the throttle still trips the watchdog, and resuming at the offset gives the exact bytes', { timeout: 20_000 }, async () => {
    const { source } = await connect(sim, { downloads: { stallMs } });
    Object.assign(sim.state.faults.download, { bytesPerSec: 200_000, stall: { count: 1, ms: 2000 } });
    try {
      const a = assets[0]!;
      const parts: Buffer[] = [];
      const stream = await source.open(a, 'original', signal);
      await assert.rejects(async () => { for await (const c of stream) parts.push(c as Buffer); }, (e: unknown) => isTransferError(e) && e.kind === 'transient' && /stalled/.test(e.message));
      const have = Buffer.concat(parts);
      assert.ok(have.length > 0 && have.length < a.resources[0]!.size);
      const rest: Buffer[] = [];
      for await (const c of await source.open(a, 'original', signal, { offset: have.length })) rest.push(c as Buffer);
      assert.equal(createHash('sha256').update(Buffer.concat([have, ...rest])).digest('hex'), sim.state.sha256Of(a.id));
    } finally {
      delete sim.state.faults.download.bytesPerSec;
      delete sim.state.faults.download.stall;
    }
  });

  it('a host that never sends headers trips the watchdog too, and gives the pacer slot back', { timeout: 20_000 }, async () => {
    let hang = true;
    const { source } = await connect(sim, {
      downloads: { stallMs },
      pacer: new Pacer({ maxConcurrency: 1, minIntervalMs: 0 }),
      signIn: async () => {
        const s = await simSession(sim);
        // Content URLs (`/B/…`) wait for their abort, as a request to a host that accepted and never answered does.
        const never = (init: { signal: AbortSignal }) => new Promise<Response>((_, fail) => init.signal.addEventListener('abort', () => fail(init.signal.reason as Error), { once: true }));
        return { ...s, fetch: (url, init) => (hang && new URL(url).pathname.startsWith('/B/') ? never(init) : s.fetch(url, init)) };
      },
    });
    const started = Date.now();
    await assert.rejects(source.open(assets[0]!, 'original', signal), (e: unknown) => isTransferError(e) && e.kind === 'transient' && /stalled/.test(e.message));
    assert.ok(Date.now() - started < stallMs * 6);
    hang = false;
    await exact(source, assets[0]!);
  });

  it('a reader slower than the watchdog is not a stall: bytes already waiting for it are not Apple\'s fault', { timeout: 20_000 }, async () => {
    const { source } = await connect(sim, { downloads: { stallMs } });
    const a = assets[0]!;
    const stream = await source.open(a, 'original', signal);
    await new Promise((r) => setTimeout(r, stallMs * 3));
    const h = createHash('sha256');
    for await (const c of stream) { h.update(c as Buffer); await new Promise((r) => setTimeout(r, 20)); }
    assert.equal(h.digest('hex'), sim.state.sha256Of(a.id));
  });
});
