/** @module Sample generator: deterministic, real files whose metadata exiftool reads back as planned. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { generateSampleLibrary } from './index.ts';
import { mdatHeader } from './quicktime.ts';
import { renderMediaBytes, TARGET } from '../../test/fixtures/media/build.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-sample-'));
const et = new ExifTool({ maxProcs: 1 });
after(async () => { await et.end(); await rm(root, { recursive: true, force: true }); });

async function digest(dir: string): Promise<string> {
  const h = createHash('sha256');
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name)).sort();
  for (const f of files) h.update(f.slice(dir.length)).update(await readFile(f)).update(String((await stat(f)).mtimeMs));
  return h.digest('hex');
}

test('same seed gives byte-identical libraries, another seed a different one', async () => {
  const opts = { photos: 4, videos: 1, livePhotos: 1, rawPairs: 1, screenshots: 1 };
  await generateSampleLibrary({ dir: join(root, 'a'), seed: 3, ...opts });
  await generateSampleLibrary({ dir: join(root, 'b'), seed: 3, ...opts });
  await generateSampleLibrary({ dir: join(root, 'c'), seed: 4, ...opts });
  assert.equal(await digest(join(root, 'a')), await digest(join(root, 'b')));
  assert.notEqual(await digest(join(root, 'a')), await digest(join(root, 'c')));
});

test('exiftool reads back dates, offsets, GPS and the screenshot mark; sizes follow the ranges', async () => {
  const dir = join(root, 'meta');
  const lib = await generateSampleLibrary({
    dir, seed: 9, photos: 6, heicShare: 0.5, videos: 2, livePhotos: 1, rawPairs: 1, screenshots: 1, edited: 1,
    photoBytes: [100_000, 120_000], videoBytes: [300_000, 400_000],
  });
  assert.equal(lib.assets.length, 11);
  const types = new Set(lib.assets.flatMap((a) => a.files.map((f) => f.type)));
  for (const t of ['aae', 'dng', 'heic', 'jpeg', 'mov', 'png'] as const) assert.ok(types.has(t), t);
  for (const asset of lib.assets) {
    for (const f of asset.files) {
      const tags = await et.read(join(dir, f.path));
      assert.deepEqual(tags.Error, undefined, f.path);
      const size = (await stat(join(dir, f.path))).size;
      if (f.type === 'jpeg' && f.role === 'original') assert.ok(size >= 100_000 - 16 && size <= 120_000, `${f.path}: ${size}`);
      if (f.type === 'aae') continue;
      if (f.type === 'mov' || f.type === 'mp4') {
        const created = tags.CreateDate as { toDate(): Date } | undefined;
        assert.equal(created?.toDate().getTime(), f.meta.takenAt.getTime(), f.path);
        continue;
      }
      const dto = tags.DateTimeOriginal as { toDate(): Date } | undefined;
      assert.equal(dto?.toDate().getTime(), f.meta.takenAt.getTime(), f.path);
      if (f.meta.gps) assert.ok(Math.abs(Number(tags.GPSLatitude ?? 0) - f.meta.gps.latitude) < 1e-4, f.path);
      if (asset.screenshot) assert.equal(tags.UserComment, 'Screenshot');
    }
  }
});

test('mdat switches to a 64-bit size above 4 GiB', () => {
  assert.equal(mdatHeader(1000).header.length, 8);
  assert.equal(mdatHeader(1000).payload, 992);
  const big = mdatHeader(5 * 2 ** 30);
  assert.equal(big.header.length, 16);
  assert.equal(big.header.readUInt32BE(0), 1);
  assert.equal(big.header.readBigUInt64BE(8), BigInt(5 * 2 ** 30));
});

test('media-bytes.ts matches the fixtures it was generated from', () => {
  assert.equal(readFileSync(TARGET, 'utf8'), renderMediaBytes(), 'run: node --import tsx test/fixtures/media/build.ts');
});
