/** @module Manifest lines read back as bytes: split across any chunking, keys and albums cut out of escaped text, written back unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { lineAlbums, lineKey, readLines } from './manifest-lines.ts';
import { LineFile } from './line-file.ts';

const entry = (assetId: string, caption: string, albums: string[]) => JSON.stringify({
  sourceId: 'icloud:"me"', assetId, version: 'v,"1', kind: 'photo', filename: 'a,"takenAt":"x.jpg', takenAt: '2021-06-15T10:00:00.000Z',
  localTime: 'x', addedAt: 'y', favorite: false, hidden: false, caption, albums, complete: true, files: [{ role: 'original', path: 'p/],"q' }], derived: [],
});

test('lines split at every chunk size come back whole, keys and albums read from escaped text, bytes written back unchanged', async (t) => {
  const text = `${['{"format":"photoferry-manifest"}', entry('a"1', 'say ,"albums":["no"] ok', ['al-1', 'al "2"', 'al-1']), entry('b2', 'ü ✓', [])].join('\n')}\n`;
  const bytes = Buffer.from(text);
  const dir = mkdtempSync(join(tmpdir(), 'pf-lines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const size of [1, 2, 7, 64, bytes.length]) {
    const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => Buffer.from(bytes.subarray(i * size, (i + 1) * size)));
    const read = createHash('sha256');
    const file = LineFile.create(join(dir, 'copy.jsonl'));
    const lines: Buffer[] = [];
    for await (const line of readLines(Readable.from(chunks), (c) => read.update(c))) { lines.push(line); file.bytes(line); }
    const written = file.close();
    assert.equal(lines.length, 3, `chunks of ${size}`);
    assert.deepEqual(lineKey(lines[1]!), { sourceId: 'icloud:"me"', assetId: 'a"1', takenAtMs: Date.parse('2021-06-15T10:00:00.000Z') });
    assert.deepEqual(lineAlbums(lines[1]!), ['al-1', 'al "2"', 'al-1']);
    assert.deepEqual(lineAlbums(lines[2]!), []);
    assert.equal(lineKey(lines[0]!), null, 'the header is not an entry');
    assert.equal(readFileSync(join(dir, 'copy.jsonl'), 'utf8'), text);
    assert.deepEqual(written, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.equal(read.digest('hex'), createHash('sha256').update(bytes).digest('hex'));
  }
});
