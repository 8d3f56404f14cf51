/**
 * @module Photo fidelity end to end on the Apple simulator's library: real SQLite catalog, the iCloud source
 * signed in to the in-process simulator, local disk and S3 (s3rver) destinations, exiftool reading back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { openContext, type AppContext } from '../../src/app/context.ts';
import { DEFAULT_FIDELITY } from '../../src/app/copy.ts';
import { verifyDestination } from '../../src/app/verify.ts';
import { silentLogger } from '../../src/connectors/context.ts';
import type { Destination } from '../../src/destinations/destination.ts';
import { createFileDestination } from '../../src/destinations/file-destination.ts';
import { ArchiveSource } from '../../src/sources/archive/index.ts';
import { folderReader } from '../../src/sources/archive/index.ts';
import { startSimulator, type Simulator } from '../../src/simulator/server.ts';
import { applyChange } from '../../src/simulator/control.ts';
import type { RoleName } from '../../src/simulator/roles.ts';
import { memoryState } from '../../src/connectors/context.ts';
import type { FileStore } from '../../src/destinations/file-store.ts';
import { s3Destination } from '../../src/destinations/s3/index.ts';
import { startS3rver, type S3rverServer } from '../servers/s3rver.ts';
import { startFaultProxy, type FaultProxy } from '../servers/fault-proxy.ts';
import { copy, files, icloudSource, localDestination, readManifest } from './fidelity-helpers.ts';

const signal = () => AbortSignal.timeout(120_000);

describe('fidelity on the simulator library → local disk', () => {
  let sim: Simulator;
  let ctx: AppContext;
  let home: string;
  let exiftool: ExifTool;
  let multi: { record: string; albums: string[] };
  let victims: string[] = [];
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'pf-fidelity-'));
    sim = await startSimulator({ assets: 60, seed: 11, sharedLibrary: false, meanSize: 4000 });
    ctx = await openContext({ env: { PHOTOFERRY_HOME: join(home, 'home') } });
    exiftool = new ExifTool();
    const lib = sim.state.library;
    const i = Array.from({ length: lib.size }, (_, k) => k).find((k) => lib.spec(k).shape === 'heic')!;
    const albums = lib.albums.filter((a) => a.type === 0).slice(0, 5).map((a) => a.id);
    multi = { record: lib.spec(i).assetName, albums };
    for (const to of albums) if (!lib.inAlbum(i, to)) applyChange(sim.state, { op: 'move', asset: multi.record, from: null, to });
  });
  after(async () => { await exiftool.end(); await ctx.close(); await sim.stop(); await rm(home, { recursive: true, force: true }); });

  it('copies originals byte-identically with complete Live Photo pairs, XMP sidecars exiftool reads back, album folders of hard links', async () => {
    const dir = join(home, 'local');
    const result = await copy(ctx, icloudSource(sim, ctx.catalog.state('icloud-test')), localDestination(dir), { ...DEFAULT_FIDELITY, albums: 'links', sidecars: { xmp: true, json: true } });
    assert.equal(result.summary!.status, 'ok');
    const manifest = await readManifest(dir);
    assert.ok(manifest.length >= 50);
    for (const entry of manifest) {
      assert.ok(entry.complete, `${entry.filename} complete`);
      for (const f of entry.files) {
        if (f.role === 'sidecar') continue;
        assert.equal(f.sha256, sim.state.sha256Of(entry.assetId, f.role as RoleName), `${f.path} byte-identical`);
      }
      if (entry.kind === 'live-photo') {
        const stems = entry.files.map((f) => f.path.replace(/\.[^.]+$/, ''));
        assert.equal(new Set(stems).size, 1, `${entry.filename}: still and motion share one name`);
        assert.ok(entry.files.some((f) => f.role === 'live-video'));
      }
    }
    // XMP sidecars parse back with what the library said.
    const withXmp = manifest.filter((e) => e.derived.some((d) => d.role === 'xmp:original'));
    assert.ok(withXmp.length > 20);
    for (const entry of withXmp.slice(0, 12).concat(withXmp.filter((e) => e.favorite || e.kind === 'live-photo' || e.location).slice(0, 8))) {
      const xmp = entry.derived.find((d) => d.role === 'xmp:original')!;
      const tags = await exiftool.read(join(dir, xmp.path)) as unknown as Record<string, unknown>;
      assert.equal(tags.AssetId, entry.assetId);
      assert.equal(String(tags.Rating), entry.favorite ? '5' : '0');
      assert.match(String((tags.DateTimeOriginal as { rawValue?: string } | undefined)?.rawValue ?? tags.DateTimeOriginal), new RegExp(entry.localTime.slice(0, 10).replace(/-/g, ':')));
      if (entry.location) assert.ok(Math.abs(Number(tags.GPSLatitude) - entry.location.latitude) < 1e-4, `${entry.filename} GPS`);
      if (entry.kind === 'live-photo') assert.equal(tags.LivePhotoPairingId, entry.assetId);
    }
    // The photo in 5 albums: stored once, linked into each album folder.
    const photo = manifest.find((e) => e.assetId === multi.record)!;
    assert.equal(photo.albums.length >= 5, true);
    const original = photo.files.find((f) => f.role === 'original')!;
    const ino = (await stat(join(dir, original.path))).ino;
    const entries = photo.derived.filter((d) => d.role.startsWith('album:'));
    assert.equal(entries.length, photo.albums.length);
    for (const e of entries) assert.equal((await stat(join(dir, e.path))).ino, ino, `${e.path} is a hard link`);
    const again = await copy(ctx, icloudSource(sim, ctx.catalog.state('icloud-test')), localDestination(dir), { ...DEFAULT_FIDELITY, albums: 'links', sidecars: { xmp: true, json: true } });
    assert.equal(again.plan.copies.length + again.plan.derived.length, 0, 'a re-run has nothing to do');
  });

  it('an album rename moves its entries (no bytes re-sent); verify --deep finds exactly the flipped files', async () => {
    const dir = join(home, 'local');
    const album = sim.state.library.album(multi.albums[0]!)!;
    const listed = JSON.parse(await readFile(join(dir, 'albums/index.json'), 'utf8')) as { albums: { id: string; path: string[]; folder: string }[] };
    const entry = listed.albums.find((a) => a.id === album.id)!;
    const oldFolder = join(dir, entry.folder);
    const newFolder = join(dir, 'albums', ...entry.path.slice(0, -1), 'Renamed Album');
    const before = await files(oldFolder);
    applyChange(sim.state, { op: 'rename-album', album: album.id, name: 'Renamed Album' });
    const result = await copy(ctx, icloudSource(sim, ctx.catalog.state('icloud-test')), localDestination(dir), { ...DEFAULT_FIDELITY, albums: 'links', sidecars: { xmp: true, json: true } });
    assert.equal(result.plan.copies.length, 0, 'no original re-sent');
    assert.deepEqual(await files(newFolder), before);
    // Files are moved; the local store leaves the emptied folder itself (FileStore has no rmdir).
    assert.deepEqual(await files(oldFolder).catch(() => []), []);
    const index = JSON.parse(await readFile(join(dir, 'albums/index.json'), 'utf8')) as { albums: { name: string }[] };
    assert.ok(index.albums.some((a) => a.name === 'Renamed Album'));

    const clean = await verifyDestination(ctx, `local:${dir}`, { deep: true }, signal());
    assert.deepEqual(clean.problems, []);
    assert.ok(Object.keys(clean.byYear).length > 0 && clean.byAlbum[[...entry.path.slice(0, -1), 'Renamed Album'].join('/')]!.files > 0);
    const manifest = await readManifest(dir);
    victims = manifest.filter((e) => e.albums.length === 0).slice(0, 2).map((e) => e.files[0]!.path);
    for (const path of victims) {
      const data = await readFile(join(dir, path));
      data[data.length >> 1]! ^= 0xff;
      await writeFile(join(dir, path), data);
    }
    const dirty = await verifyDestination(ctx, `local:${dir}`, { deep: true }, signal());
    assert.deepEqual(dirty.problems.map((p) => [p.path, p.problem]), victims.sort().map((p) => [p, 'hash-mismatch']));
    assert.equal(Object.values(dirty.byYear).reduce((n, b) => n + b.mismatched, 0), 2);
    assert.equal(dirty.byAlbum['(no album)']!.mismatched, 2);
  });

  it('restores from the archive to a fresh folder: same originals, same album tree, and refuses the corrupted files', async () => {
    const backup = join(home, 'local');
    const restored = join(home, 'restored');
    const archive = new ArchiveSource(`archive:${backup}`, folderReader(backup));
    const result = await copy(ctx, archive, localDestination(restored), { ...DEFAULT_FIDELITY, albums: 'links' });
    const failed = await ctx.catalog.outcomes(result.runId!, { status: 'failed' });
    assert.deepEqual(failed.filter((o) => o.errorKind === 'corrupted').map((o) => o.path).sort(), [...victims].sort());
    const originals = async (dir: string) => (await readManifest(dir)).flatMap((e) => e.files.map((f) => `${f.path} ${f.sha256}`)).sort();
    const bad = (line: string) => victims.some((v) => line.startsWith(`${v} `));
    assert.deepEqual(await originals(restored), (await originals(backup)).filter((l) => !bad(l)));
    for (const line of await originals(restored)) {
      const path = line.slice(0, line.lastIndexOf(' '));
      const sha = line.slice(line.lastIndexOf(' ') + 1);
      assert.equal(createHash('sha256').update(await readFile(join(restored, path))).digest('hex'), sha);
    }
    const albumTree = async (dir: string) => (await files(join(dir, 'albums'))).filter((p) => !p.endsWith('.json'));
    assert.deepEqual(await albumTree(restored), await albumTree(backup));
  });
});

describe('fidelity → S3 (s3rver): albums by CopyObject, bytes sent once, restore from the S3 archive', () => {
  let sim: Simulator;
  let ctx: AppContext;
  let home: string;
  let server: S3rverServer;
  let meter: FaultProxy;
  let destination: Destination;
  let record = '';
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'pf-fidelity-s3-'));
    sim = await startSimulator({ assets: 40, seed: 12, sharedLibrary: false, meanSize: 6000 });
    ctx = await openContext({ env: { PHOTOFERRY_HOME: join(home, 'home') } });
    server = await startS3rver({ buckets: ['photos'] });
    meter = await startFaultProxy(server.endpoint);
    const options = s3Destination.options.parse({
      ...s3Destination.parseTarget('photos/backup'), provider: 'custom', endpoint: meter.endpoint,
      accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey,
    });
    const store = await s3Destination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
    destination = createFileDestination('s3:photos/backup', store);
    const lib = sim.state.library;
    const i = Array.from({ length: lib.size }, (_, k) => k).find((k) => lib.spec(k).shape === 'jpeg')!;
    record = lib.spec(i).assetName;
    for (const album of lib.albums.filter((a) => a.type === 0).slice(0, 5)) {
      if (!lib.inAlbum(i, album.id)) applyChange(sim.state, { op: 'move', asset: record, from: null, to: album.id });
    }
  });
  after(async () => {
    await destination.close(); await meter.stop(); await server.stop(); await ctx.close(); await sim.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('uploads each photo once however many albums hold it; album entries are CopyObject requests', async () => {
    meter.resetCounters();
    const result = await copy(ctx, icloudSource(sim), destination, { ...DEFAULT_FIDELITY, albums: 'links' });
    assert.equal(result.summary!.status, 'ok');
    const placements = await ctx.catalog.placements(destination.id);
    const albumEntries = placements.filter((p) => p.role.startsWith('album:'));
    const stored = placements.filter((p) => !p.role.startsWith('album:')).reduce((n, p) => n + p.size, 0);
    const library = await Promise.all(['photoferry-manifest.jsonl', 'albums/index.json'].map((p) => destination.stat(p, signal())));
    const libraryBytes = library.reduce((n, f) => n + (f?.size ?? 0), 0);
    const photo = placements.filter((p) => p.assetId === record);
    assert.equal(photo.filter((p) => p.role.startsWith('album:')).length, 5, 'the photo is entered in 5 albums');
    assert.ok(albumEntries.length > 5);
    const checkMarker = Buffer.byteLength(`photoferry write check ${new Date(0).toISOString()}\n`); // destination.check()
    assert.equal(meter.forwardedBytes, stored + libraryBytes + checkMarker, 'PUT bytes: every file once, album entries none');
    const albumPuts = meter.requests.filter((r) => r.method === 'PUT' && r.url.includes('/albums/') && !r.url.split('?')[0]!.endsWith('.json'));
    assert.equal(albumPuts.length, albumEntries.length);
    assert.ok(albumPuts.every((r) => r.headers['x-amz-copy-source'] !== undefined), 'album entries are server-side copies');
  });

  it('restores the S3 archive to a fresh local folder with the originals and the album tree', async () => {
    const restored = join(home, 'restored');
    const read = destination.read!;
    const archive = new ArchiveSource(`archive:${destination.id}`, { read: (p, s) => read.call(destination, p, s), close: async () => undefined });
    const result = await copy(ctx, archive, localDestination(restored), { ...DEFAULT_FIDELITY, albums: 'links' });
    assert.equal(result.summary!.files.failed, 0);
    const placements = await ctx.catalog.placements(destination.id);
    const want = placements.filter((p) => !p.role.includes(':') && p.role !== 'json' && !p.role.endsWith('.jpeg'))
      .map((p) => `${p.path} ${p.sha256}`).sort();
    const got = (await readManifest(restored)).flatMap((e) => e.files.map((f) => `${f.path} ${f.sha256}`)).sort();
    assert.deepEqual(got, want);
    const albumTree = placements.filter((p) => p.role.startsWith('album:')).map((p) => p.path.slice('albums/'.length)).sort();
    assert.deepEqual((await files(join(restored, 'albums'))).filter((p) => !p.endsWith('.json')), albumTree);
  });
});
