/** @module exiftool in batches: many files per request, dates and zones read from its JSON, unreadable files as {}. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import { generateSampleLibrary } from '../../sample/index.ts';
import { silentLogger } from '../../connectors/context.ts';
import { EXIFTOOL_BATCH, captureFromExiftool, readWithExiftool } from './exiftool-batch.ts';
import { FolderSource } from './folder-source.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-exiftool-batch-'));
const tool = new ExifTool({ maxProcs: 1 });
after(async () => { await tool.end(); await rm(root, { recursive: true, force: true }); });

/** The tool, counting the requests made through it. */
function counted(): { tool: ExifTool; requests: () => number } {
  let n = 0;
  const spy = Object.create(tool) as ExifTool;
  spy.enqueueTask = (task, retriable) => { n += 1; return tool.enqueueTask(task, retriable); };
  return { tool: spy, requests: () => n };
}

test('dates from exiftool JSON: zone suffix, Offset tags, local wall clock, videos in UTC', () => {
  assert.equal(captureFromExiftool({ DateTimeOriginal: '2021:07:04 12:00:00+02:00' }).takenAt?.toISOString(), '2021-07-04T10:00:00.000Z');
  assert.deepEqual(captureFromExiftool({ DateTimeOriginal: '2021:07:04 12:00:00', OffsetTimeOriginal: '-05:00' }),
    { takenAt: new Date('2021-07-04T17:00:00.000Z'), utcOffsetMinutes: -300 });
  assert.equal(captureFromExiftool({ CreateDate: '2021:07:04 12:00:00' }).takenAt?.getHours(), 12);
  assert.equal(captureFromExiftool({ CreateDate: '2021:07:04 12:00:00', MIMEType: 'video/x-msvideo' }).takenAt?.toISOString(), '2021-07-04T12:00:00.000Z');
  assert.deepEqual(captureFromExiftool({ CreateDate: '0000:00:00 00:00:00', MIMEType: 'image/gif' }), {});
});

test('many files in one request each batch; a missing file yields {} and does not spoil the others', async () => {
  const lib = await generateSampleLibrary({ dir: join(root, 'lib'), seed: 3, photos: 3, heicShare: 1, edited: 0, livePhotos: 0, rawPairs: 0, videos: 0, screenshots: 0 });
  const photos = lib.assets.map((a) => a.files[0]!);
  const paths: string[] = [];
  for (const [i, f] of photos.entries()) {
    // HEIC bytes under an extension the fast readers do not take: only exiftool (reading by content) dates them
    paths.push(join(root, `odd-${i}.webp`));
    await copyFile(join(root, 'lib', f.path), paths[i]!);
  }
  const missing = join(root, 'gone.webp');
  const { tool: spy, requests } = counted();
  const infos = await readWithExiftool(spy, [...paths, missing]);
  assert.equal(requests(), 1);
  for (const [i, f] of photos.entries()) {
    assert.equal(infos.get(paths[i]!)?.takenAt?.toISOString(), f.meta.takenAt.toISOString(), paths[i]);
    assert.equal(infos.get(paths[i]!)?.utcOffsetMinutes, f.meta.offsetMinutes);
  }
  assert.deepEqual(infos.get(missing), {});

  const many = Array.from({ length: EXIFTOOL_BATCH + 1 }, (_, i) => paths[i % paths.length]!);
  const again = counted();
  await readWithExiftool(again.tool, many);
  assert.equal(again.requests(), 2);
});

test('the folder source lists files the fast readers cannot parse through exiftool, dated from their content', async () => {
  const lib = await generateSampleLibrary({ dir: join(root, 'src-lib'), seed: 4, photos: 2, heicShare: 1, edited: 0, livePhotos: 0, rawPairs: 0, videos: 0, screenshots: 0 });
  const dir = join(root, 'folder');
  await mkdir(dir);
  for (const [i, a] of lib.assets.entries()) {
    const to = join(dir, `p${i}.webp`);
    await copyFile(join(root, 'src-lib', a.files[0]!.path), to);
    await utimes(to, new Date('2001-01-01'), new Date('2001-01-01')); // an mtime fallback would show as 2001
  }
  const source = new FolderSource({ path: dir, foldersAsAlbums: false, pageSize: 500, concurrency: 4 }, silentLogger);
  try {
    const assets = [];
    for await (const page of source.changes(null, new AbortController().signal)) assets.push(...page.upserts);
    const byName = new Map(assets.map((a) => [a.filename, a]));
    for (const [i, a] of lib.assets.entries()) assert.equal(byName.get(`p${i}.webp`)?.takenAt.toISOString(), a.files[0]!.meta.takenAt.toISOString());
  } finally {
    await source.close();
  }
});
