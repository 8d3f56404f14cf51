/** @module The run gate: the bandwidth limit holds across parallel streams, pause stops bytes until resume, bandwidth text parses. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RunGate, parseBandwidth } from './gate.ts';

const pump = async (gate: RunGate, bytes: number, onBytes: (n: number) => void) => {
  const chunks = Array.from({ length: bytes / 16_384 }, () => Buffer.alloc(16_384));
  await pipeline(Readable.from(chunks), gate.stream(), new Writable({ write(c: Buffer, _e, cb) { onBytes(c.length); cb(); } }));
};

test('three parallel streams share one limit, held within 10 %', async () => {
  const gate = new RunGate(400_000);
  let total = 0;
  const started = Date.now();
  await Promise.all([0, 1, 2].map(() => pump(gate, 16_384 * 20, (n) => { total += n; })));
  const rate = total / ((Date.now() - started) / 1000);
  assert.ok(rate <= 440_000 && rate >= 300_000, `rate ${Math.round(rate)} B/s for a 400000 B/s limit`);
});

test('under a low limit a large chunk passes in slices of an eighth of a second, not in one 2 s jump', async () => {
  const gate = new RunGate(128_000);
  const pieces: number[] = [];
  const chunk = Buffer.alloc(256 * 1024, 7);
  await pipeline(Readable.from([chunk]), gate.stream(), new Writable({ write(c: Buffer, _e, cb) { pieces.push(c.length); cb(); } }));
  assert.equal(pieces.reduce((a, b) => a + b, 0), chunk.length, 'every byte once');
  assert.ok(pieces.length >= 16 && Math.max(...pieces) <= 16_000, `pieces ${pieces.join(',')}`);
});

test('pause holds the bytes until resume', async () => {
  const gate = new RunGate();
  gate.pause();
  let got = 0;
  const done = pump(gate, 16_384 * 4, (n) => { got += n; });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(got, 0);
  assert.equal(gate.paused, true);
  gate.resume();
  await done;
  assert.equal(got, 16_384 * 4);
});

test('bandwidth text', () => {
  assert.equal(parseBandwidth('2M'), 2 * 1024 * 1024);
  assert.equal(parseBandwidth('500k'), 500 * 1024);
  assert.equal(parseBandwidth('1048576'), 1048576);
  assert.equal(parseBandwidth('1.5MiB/s'), 1.5 * 1024 * 1024);
  assert.equal(parseBandwidth('0'), null);
  assert.equal(parseBandwidth('off'), null);
  assert.throws(() => parseBandwidth('fast'), /not a bandwidth/);
});
