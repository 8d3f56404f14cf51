/**
 * @module Photo fidelity on WebDAV (Apache mod_dav on 127.0.0.1): the simulator's library copied with XMP sidecars
 * and album folders by server-side COPY — originals byte-identical, Live Photo pairs complete, sidecars that exiftool
 * reads back, the 5-album photo stored once (album entries are copies of it), and a re-run with nothing to do.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { openContext, type AppContext } from '../../src/app/context.ts';
import { DEFAULT_FIDELITY } from '../../src/app/copy.ts';
import { memoryState, silentLogger } from '../../src/connectors/context.ts';
import type { Destination } from '../../src/destinations/destination.ts';
import { createFileDestination } from '../../src/destinations/file-destination.ts';
import type { FileStore } from '../../src/destinations/file-store.ts';
import { webdavDestination } from '../../src/destinations/webdav/index.ts';
import type { ManifestEntry } from '../../src/engine/derived/library-model.ts';
import { applyChange } from '../../src/simulator/control.ts';
import type { RoleName } from '../../src/simulator/roles.ts';
import { startSimulator, type Simulator } from '../../src/simulator/server.ts';
import { startApacheWebdav, type ApacheWebdavServer } from '../servers/apache-webdav.ts';
import { copy, icloudSource } from './fidelity-helpers.ts';

const signal = () => AbortSignal.timeout(120_000);

async function bytesOf(destination: Destination, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await destination.read!(path, signal())) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('fidelity → WebDAV (Apache mod_dav): sidecars, album folders by COPY, bytes once', () => {
  let sim: Simulator;
  let ctx: AppContext;
  let home: string;
  let server: ApacheWebdavServer;
  let destination: Destination;
  let exiftool: ExifTool;
  let record = '';
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'pf-fidelity-dav-'));
    sim = await startSimulator({ assets: 40, seed: 13, sharedLibrary: false, meanSize: 5000 });
    ctx = await openContext({ env: { PHOTOFERRY_HOME: join(home, 'home') } });
    server = await startApacheWebdav();
    const options = webdavDestination.options.parse({ url: server.url, username: server.username, password: server.password });
    destination = createFileDestination(`webdav:${server.url}`, await webdavDestination.create(options, { log: silentLogger, state: memoryState() }) as FileStore);
    exiftool = new ExifTool();
    const lib = sim.state.library;
    const i = Array.from({ length: lib.size }, (_, k) => k).find((k) => lib.spec(k).shape === 'heic' || lib.spec(k).shape === 'jpeg')!;
    record = lib.spec(i).assetName;
    for (const album of lib.albums.filter((a) => a.type === 0).slice(0, 5)) {
      if (!lib.inAlbum(i, album.id)) applyChange(sim.state, { op: 'move', asset: record, from: null, to: album.id });
    }
  });
  after(async () => {
    await exiftool?.end(); await destination?.close(); await server?.stop(); await ctx?.close(); await sim?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('stores byte-identical originals, complete pairs, readable XMP and album entries copied server-side', async () => {
    const result = await copy(ctx, icloudSource(sim), destination, { ...DEFAULT_FIDELITY, albums: 'links' });
    assert.equal(result.summary!.status, 'ok');
    const manifest = (await bytesOf(destination, 'photoferry-manifest.jsonl')).toString('utf8').trim().split('\n').slice(1)
      .map((l) => JSON.parse(l) as ManifestEntry);
    assert.ok(manifest.length >= 30);
    for (const entry of manifest) {
      assert.ok(entry.complete, `${entry.filename} complete`);
      for (const f of entry.files.filter((x) => x.role !== 'sidecar')) {
        const sha = createHash('sha256').update(await bytesOf(destination, f.path)).digest('hex');
        assert.equal(sha, sim.state.sha256Of(entry.assetId, f.role as RoleName), `${f.path} byte-identical on the server`);
      }
      if (entry.kind === 'live-photo') {
        assert.ok(entry.files.some((f) => f.role === 'live-video'), `${entry.filename} has its motion half`);
        assert.equal(new Set(entry.files.map((f) => f.path.replace(/\.[^.]+$/, ''))).size, 1, 'still and motion share one name');
      }
    }
    const withXmp = manifest.filter((e) => e.derived.some((d) => d.role === 'xmp:original')).slice(0, 6);
    assert.ok(withXmp.length > 0);
    for (const entry of withXmp) {
      const xmp = entry.derived.find((d) => d.role === 'xmp:original')!;
      const local = join(home, `${entry.assetId.replace(/[^A-Za-z0-9]/g, '_')}.xmp`);
      await writeFile(local, await bytesOf(destination, xmp.path));
      const tags = await exiftool.read(local) as unknown as Record<string, unknown>;
      assert.equal(tags.AssetId, entry.assetId);
      assert.equal(String(tags.Rating), entry.favorite ? '5' : '0');
    }
    const photo = manifest.find((e) => e.assetId === record)!;
    const original = photo.files.find((f) => f.role === 'original')!;
    const entries = photo.derived.filter((d) => d.role.startsWith('album:'));
    assert.equal(entries.length, 5, 'the photo is entered in 5 albums');
    const originalBytes = await bytesOf(destination, original.path);
    for (const e of entries) assert.deepEqual(await bytesOf(destination, e.path), originalBytes, `${e.path} holds the photo`);
    const placements = await ctx.catalog.placements(destination.id);
    assert.equal(placements.filter((p) => p.assetId === record && p.role === 'original').length, 1, 'its bytes were sent once');
    const again = await copy(ctx, icloudSource(sim), destination, { ...DEFAULT_FIDELITY, albums: 'links' });
    assert.equal(again.plan.copies.length + again.plan.derived.length, 0, 'a re-run has nothing to do');
  });
});
