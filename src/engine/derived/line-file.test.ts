/** @module Lines written through one reused buffer come back byte for byte, with the size and SHA-256 of what is on disk. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { open } from 'node:fs/promises';
import { digestFile } from '../../core/file-digest.ts';
import { LINE_FILE_CHUNK, LineFile, lineFileBody } from './line-file.ts';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

test('text and bytes past several chunks, multi-byte characters and a line longer than a chunk land in order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-line-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'lines.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i += 1) lines.push(JSON.stringify({ i, caption: i % 7 === 0 ? 'Köln 🌧 ✓' : 'plain' }));
  lines.splice(5000, 0, 'é'.repeat(LINE_FILE_CHUNK));
  const file = LineFile.create(path);
  for (const [i, line] of lines.entries()) {
    if (i % 3 === 0) file.bytes(Buffer.from(`${line}\n`));
    else file.text(line);
  }
  const written = file.close();
  const expected = `${lines.join('\n')}\n`;
  assert.equal(readFileSync(path, 'utf8'), expected);
  assert.deepEqual(written, { size: Buffer.byteLength(expected), sha256: sha256(expected) });

  const header = Buffer.from('{"format":"x"}\n');
  const handle = await open(path, 'r');
  const digest = await digestFile(handle, AbortSignal.timeout(60_000), { prefix: header }).finally(() => handle.close());
  assert.deepEqual({ size: digest.bytes, sha256: digest.sha256 }, { size: header.length + written.size, sha256: sha256(header + expected) });
  assert.equal(await text(lineFileBody(path, header)), header + expected);
  assert.equal(await text(lineFileBody(path)), expected);
});

test('an abandoned file is closed with what was written before, and an empty one is empty', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-line-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const empty = LineFile.create(join(dir, 'empty'));
  assert.deepEqual(empty.close(), { size: 0, sha256: sha256('') });
  assert.equal(readFileSync(join(dir, 'empty'), 'utf8'), '');
  const gone = LineFile.create(join(dir, 'gone'));
  gone.text('never written');
  gone.abandon();
  assert.equal(readFileSync(join(dir, 'gone'), 'utf8'), '');
});
