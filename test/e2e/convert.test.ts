/** @module `--convert heic=jpeg` through the real binary: JPEGs that decode, keep the capture date and GPS, made once. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { generateSampleLibrary } from '../../src/sample/index.ts';
import { runCli, tempHome } from './cli.ts';

describe('photoferry copy --convert heic=jpeg', () => {
  let home = '';
  let library = '';
  let env: Record<string, string> = {};
  const exiftool = new ExifTool();
  const located = { latitude: 38.7223, longitude: -9.1393 };
  before(async () => {
    home = await tempHome('pf-convert-');
    library = join(home, 'library');
    env = { PHOTOFERRY_HOME: join(home, 'home') };
    await generateSampleLibrary({ dir: library, seed: 9, photos: 4, heicShare: 1, livePhotos: 2, videos: 0, rawPairs: 0, screenshots: 0, edited: 0 });
    // The generated HEICs carry no GPS; give one a location, as an iPhone would.
    const heics = (await readdir(library, { recursive: true })).filter((p) => p.endsWith('.HEIC')).sort();
    await exiftool.write(join(library, heics[0]!), {
      GPSLatitude: located.latitude, GPSLatitudeRef: 'N', GPSLongitude: located.longitude, GPSLongitudeRef: 'W',
    }, { writeArgs: ['-overwrite_original'] });
  });
  after(async () => { await exiftool.end(); await rm(home, { recursive: true, force: true }); });

  it('adds a decodable JPEG beside each HEIC with DateTimeOriginal and GPS; a re-run converts nothing', async () => {
    const dest = join(home, 'out');
    const first = await runCli(['copy', `folder:${library}`, `local:${dest}`, '--convert', 'heic=jpeg:85'], env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const out = (await readdir(dest, { recursive: true })).map(String);
    const heics = out.filter((p) => p.endsWith('.HEIC')).sort();
    assert.equal(heics.length, 6);
    let withGps = 0;
    for (const heic of heics) {
      const jpeg = heic.replace(/\.HEIC$/, '.jpg');
      assert.ok(out.includes(jpeg), `${jpeg} beside ${heic}`);
      const [h, j] = await Promise.all([exiftool.read(join(dest, heic)), exiftool.read(join(dest, jpeg))]);
      assert.equal(j.MIMEType, 'image/jpeg');
      assert.equal(`${j.ImageWidth}x${j.ImageHeight}`, '64x48', 'decodes to the HEIC dimensions');
      assert.equal(String(j.DateTimeOriginal), String(h.DateTimeOriginal));
      assert.equal(j.OffsetTimeOriginal, h.OffsetTimeOriginal);
      if (h.GPSLatitude !== undefined) {
        withGps += 1;
        assert.ok(Math.abs(Number(j.GPSLatitude) - located.latitude) < 1e-4, `latitude ${j.GPSLatitude}`);
        assert.ok(Math.abs(Number(j.GPSLongitude) - located.longitude) < 1e-4, `longitude ${j.GPSLongitude}`);
        assert.equal(j.GPSLongitudeRef, h.GPSLongitudeRef);
      }
    }
    assert.equal(withGps, 1);
    const mtimes = await Promise.all(heics.map((h) => stat(join(dest, h.replace(/\.HEIC$/, '.jpg'))).then((s) => s.mtimeMs)));
    const second = await runCli(['--json', 'copy', `folder:${library}`, `local:${dest}`, '--convert', 'heic=jpeg:85'], env);
    assert.equal(second.code, 0, second.stderr);
    const summary = JSON.parse(second.stdout.trim().split('\n').at(-1)!) as { summary?: { files: { copied: number }; bytes: number } };
    assert.equal(summary.summary?.files.copied, 0);
    assert.equal(summary.summary?.bytes, 0);
    assert.deepEqual(await Promise.all(heics.map((h) => stat(join(dest, h.replace(/\.HEIC$/, '.jpg'))).then((s) => s.mtimeMs))), mtimes);
  });

  it('mov=mp4 is refused with the reason', async () => {
    const r = await runCli(['copy', `folder:${library}`, `local:${join(home, 'x')}`, '--convert', 'mov=mp4'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mov=mp4 is not available/);
  });
});
