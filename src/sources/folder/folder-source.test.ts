/** @module FolderSource on real small files: grouping, dates, albums, awkward names, pages, open() and errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { Readable } from 'node:stream';
import { generateSampleLibrary, type SampleLibrary } from '../../sample/index.ts';
import { silentLogger } from '../../connectors/context.ts';
import { isTransferError, type TransferErrorKind } from '../../core/transfer-error.ts';
import type { Asset } from '../../core/asset.ts';
import { FolderSource } from './folder-source.ts';
import { folderSource } from './index.ts';

const root = await mkdtemp(join(tmpdir(), 'pf-folder-'));
const lib = join(root, 'lib');
const odd = join(root, 'odd');
let sample: SampleLibrary;
const signal = new AbortController().signal;
const sources: FolderSource[] = [];

const make = (path: string, extra: Partial<{ foldersAsAlbums: boolean; pageSize: number }> = {}) => {
  const s = new FolderSource({ path, foldersAsAlbums: false, pageSize: 500, concurrency: 4, ...extra }, silentLogger);
  sources.push(s);
  return s;
};
async function list(s: FolderSource) {
  const pages = [];
  for await (const p of s.changes(null, signal)) pages.push(p);
  return { pages, assets: pages.flatMap((p) => p.upserts) };
}
const sha = async (r: Readable) => { const h = createHash('sha256'); for await (const c of r) h.update(c as Buffer); return h.digest('hex'); };
const kindOf = async (p: Promise<unknown>): Promise<TransferErrorKind | string> =>
  p.then(() => 'resolved', (e: unknown) => (isTransferError(e) ? e.kind : String(e)));

const NFD_DIR = 'Ünïcødé Älbum'.normalize('NFD');
const ODD_NAMES = ['Café.JPG'.normalize('NFD'), 'with space.JPG', 'new\nline.JPG', `${'x'.repeat(246)}.JPG`];

before(async () => {
  sample = await generateSampleLibrary({ dir: lib, seed: 5, photos: 8, heicShare: 0.5, edited: 2, livePhotos: 2, rawPairs: 2, videos: 2, screenshots: 1 });
  await mkdir(join(odd, NFD_DIR), { recursive: true });
  const src = join(lib, sample.assets[0]!.files[0]!.path);
  for (const n of ODD_NAMES) await copyFile(src, join(odd, NFD_DIR, n));
  await copyFile(src, join(odd, 'plain.jpg'));
  // hidden and NAS clutter, never listed
  for (const junk of ['.DS_Store', '._plain.jpg', '.photoferry-state/x.jpg', '@eaDir/plain.jpg/SYNOPHOTO_THUMB_M.jpg', 'Thumbs.db']) {
    await mkdir(join(odd, junk, '..'), { recursive: true });
    await copyFile(src, join(odd, junk));
  }
  // no EXIF at all: the date must come from the mtime
  await copyFile(new URL('../../../test/fixtures/media/base.jpg', import.meta.url), join(odd, 'noexif.jpg'));
  await utimes(join(odd, 'noexif.jpg'), new Date('2012-03-04T05:06:07Z'), new Date('2012-03-04T05:06:07Z'));
  await writeFile(join(odd, 'readme.txt'), 'not media');
});
after(async () => {
  for (const s of sources) await s.close();
  await rm(root, { recursive: true, force: true });
});

test('lists the sample library as planned: kinds, roles, capture instants, screenshots', async () => {
  const { assets } = await list(make(lib));
  const byId = new Map(assets.map((a) => [a.id as string, a]));
  assert.equal(assets.length, sample.assets.length);
  for (const planned of sample.assets) {
    const a = byId.get(planned.id);
    assert.ok(a, `missing ${planned.id}`);
    assert.equal(a.kind, planned.kind, planned.id);
    assert.deepEqual(a.resources.map((r) => r.role).sort(), planned.files.map((f) => f.role).sort(), planned.id);
    assert.equal(a.takenAt.toISOString(), planned.takenAt.toISOString(), planned.id);
    // mvhd holds UTC only, so videos carry no offset
    if (planned.kind !== 'video') assert.equal(a.utcOffsetMinutes, planned.files[0]!.meta.offsetMinutes, planned.id);
    assert.equal(a.traits?.screenshot ?? false, planned.screenshot, planned.id);
    const gps = planned.files[0]!.meta.gps;
    if (gps && planned.files[0]!.type === 'jpeg') assert.ok(Math.abs(a.location!.latitude - gps.latitude) < 1e-4);
    assert.deepEqual(a.albums, []);
  }
});

test('sub-folders become albums when asked, in the first page', async () => {
  const { pages, assets } = await list(make(lib, { foldersAsAlbums: true }));
  const kids = assets.filter((a) => a.id.startsWith('Family/Kids/'));
  for (const a of kids) assert.deepEqual(a.albums, [{ id: 'Family/Kids', path: ['Family', 'Kids'] }]);
  assert.ok(pages[0]!.albums!.some((al) => al.id === 'Screenshots'));
  assert.ok(assets.filter((a) => !a.id.includes('/')).every((a) => a.albums.length === 0));
});

test('pages: reset on the first, done on the last, cursor null; an empty folder is one page', async () => {
  const { pages, assets } = await list(make(lib, { pageSize: 4 }));
  assert.equal(assets.length, sample.assets.length);
  assert.deepEqual(pages.map((p) => [p.reset, p.done, p.cursor]),
    pages.map((_, i) => [i === 0, i === pages.length - 1, null]));
  await mkdir(join(root, 'empty'), { recursive: true });
  const empty = await list(make(join(root, 'empty')));
  assert.deepEqual(empty.pages.map((p) => [p.reset, p.done, p.upserts.length]), [[true, true, 0]]);
});

test('awkward names: NFC ids, hidden clutter skipped, mtime fallback, bytes stream back intact', async () => {
  const { assets } = await list(make(odd));
  const ids = assets.map((a) => a.id as string).sort();
  const dir = NFD_DIR.normalize('NFC');
  assert.deepEqual(ids, [...ODD_NAMES.map((n) => `${dir}/${n.normalize('NFC')}`), 'noexif.jpg', 'plain.jpg'].sort());
  const noexif = assets.find((a) => a.id === 'noexif.jpg')!;
  assert.equal(noexif.takenAt.toISOString(), '2012-03-04T05:06:07.000Z');
  const expected = createHash('sha256').update(await readFile(join(odd, 'plain.jpg'))).digest('hex');
  // a fresh source has not listed: it must find the NFD names on disk from the NFC ids
  const fresh = make(odd);
  for (const a of assets.filter((x) => x.id !== 'noexif.jpg')) {
    assert.equal(await sha(await fresh.open(a, 'original', signal)), expected, a.id);
  }
});

test('open: offset, chunk size, missing role, vanished file, cancellation', async () => {
  const s = make(odd);
  const { assets } = await list(s);
  const plain = assets.find((a) => a.id === 'plain.jpg')!;
  const bytes = await readFile(join(odd, 'plain.jpg'));
  const tail = Buffer.concat(await (await s.open(plain, 'original', signal, { offset: 100 })).toArray() as Buffer[]);
  assert.deepEqual(tail, bytes.subarray(100));
  const small = await (await s.open(plain, 'original', signal, { chunkBytes: 64 })).toArray() as Buffer[];
  assert.ok(small.length > 1 && small.every((c) => c.length <= 64), `chunks of ${small.map((c) => c.length).join(', ')} bytes`);
  assert.deepEqual(Buffer.concat(small), bytes);
  assert.equal(await kindOf(s.open(plain, 'live-video', signal)), 'not-found');
  const ghost: Asset = { ...plain, id: 'gone.jpg' as Asset['id'], resources: [{ ...plain.resources[0]!, filename: 'gone.jpg' }] };
  assert.equal(await kindOf(s.open(ghost, 'original', signal)), 'not-found');
  const ac = new AbortController();
  const stream = await s.open(plain, 'original', ac.signal);
  ac.abort();
  assert.equal(await kindOf(text(stream)), 'cancelled');
  assert.equal(await kindOf(s.open(plain, 'original', ac.signal)), 'cancelled');
  assert.equal(await kindOf(list(make(odd)).then(async () => { for await (const _ of s.changes(null, ac.signal)) break; })), 'cancelled');
});

test('readAll: the whole file in one buffer; one that grew or shrank since listing comes back at its new length', async () => {
  const dir = join(root, 'read-all');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'plain.jpg');
  await copyFile(join(odd, 'plain.jpg'), file);
  const s = make(dir);
  const [asset] = (await list(s)).assets;
  const bytes = await readFile(file);
  const spare = Buffer.alloc(bytes.length * 2, 0xee);
  assert.deepEqual(await s.readAll(asset!, 'original', signal), bytes);
  assert.deepEqual(await s.readAll(asset!, 'original', signal, spare), bytes);
  // The engine's verify compares this length with the listed size: longer and shorter must both show.
  await writeFile(file, Buffer.concat([bytes, Buffer.from('more')]));
  assert.equal((await s.readAll(asset!, 'original', signal, spare)).length, bytes.length + 1);
  await writeFile(file, bytes.subarray(0, 100));
  assert.equal((await s.readAll(asset!, 'original', signal, spare)).length, 100);
  await writeFile(file, Buffer.alloc(0));
  assert.equal((await s.readAll(asset!, 'original', signal)).length, 0);
});

test('connect fails clearly for a missing folder or a file', async () => {
  assert.equal(await kindOf(make(join(root, 'nope')).connect(signal)), 'not-found');
  assert.equal(await kindOf(make(join(odd, 'plain.jpg')).connect(signal)), 'permanent');
  assert.equal(await kindOf(make(odd).connect(signal)), 'resolved');
});

test('definition: target parsing, absolute id, option defaults', () => {
  const o = folderSource.options.parse(folderSource.parseTarget('rel/photos'));
  assert.equal(o.foldersAsAlbums, false);
  assert.equal(folderSource.idOf(o), `folder:${join(process.cwd(), 'rel/photos')}`);
});
