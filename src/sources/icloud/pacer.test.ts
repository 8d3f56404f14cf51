/** @module Pacer: halves on throttling and honours Retry-After, climbs back when calm, caps requests in flight. */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer } from './pacer.ts';

const signal = new AbortController().signal;

describe('icloud pacer', () => {
  it('backs off on throttling, honours Retry-After, and climbs back after calm answers', async () => {
    const paces: number[] = [];
    const p = new Pacer({ maxConcurrency: 8, minIntervalMs: 0, baseBackoffMs: 10, maxBackoffMs: 1000, calmAfter: 2, random: () => 0.5, onPace: (x) => paces.push(x.concurrency) });
    assert.equal(p.throttled(), 7.5);
    assert.equal(p.pace().concurrency, 4);
    assert.equal(p.throttled(200), 200);
    assert.equal(p.pace().concurrency, 2);
    assert.ok(p.pace().pausedUntil > Date.now() + 150);
    const started = Date.now();
    await p.run(async () => undefined, signal);
    assert.ok(Date.now() - started >= 150, 'waited out the pause');
    for (let k = 0; k < 12; k++) p.succeeded();
    assert.equal(p.pace().concurrency, 8);
    assert.equal(p.pace().throttles, 2);
    assert.deepEqual(paces.slice(0, 2), [4, 2]);
  });

  it('never runs more than the current concurrency at once', async () => {
    const p = new Pacer({ maxConcurrency: 3, minIntervalMs: 0 });
    let now = 0; let peak = 0;
    await Promise.all(Array.from({ length: 20 }, () => p.run(async () => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
    }, signal)));
    assert.equal(peak, 3);
  });

  it('spaces request starts by the minimum interval', async () => {
    const p = new Pacer({ maxConcurrency: 4, minIntervalMs: 30 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => p.run(async () => { starts.push(Date.now()); }, signal)));
    for (let k = 1; k < starts.length; k++) assert.ok(starts[k]! - starts[k - 1]! >= 25);
  });
});

test('pacers sharing an account bucket: each request spends a shared token, and one pacer\'s throttle pauses the other', async () => {
  let tokens = 6;
  let cooldownUntil = 0;
  const shared = {
    async take(want: number) {
      if (Date.now() < cooldownUntil) return { granted: 0, waitMs: cooldownUntil - Date.now(), cooldownUntil };
      const granted = Math.min(want, tokens);
      tokens -= granted;
      return { granted, waitMs: granted > 0 ? 0 : 50, cooldownUntil: 0 };
    },
    async cooldown(until: number) { cooldownUntil = Math.max(cooldownUntil, until); },
    lease: async () => true,
    release: async () => undefined,
  };
  const [a, b] = [new Pacer({ minIntervalMs: 0, shared }), new Pacer({ minIntervalMs: 0, shared })];
  const signal = AbortSignal.timeout(10_000);
  let done = 0;
  const runs = [...Array.from({ length: 3 }, () => a.run(async () => { done++; }, signal)), ...Array.from({ length: 3 }, () => b.run(async () => { done++; }, signal))];
  await Promise.all(runs);
  assert.equal(done, 6);
  const starved = b.run(async () => { done++; }, signal);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(done, 6, 'no token left in the shared bucket: nothing starts');
  tokens = 10;
  await starved;
  const delay = a.throttled(400);
  assert.ok(delay >= 400);
  const started = Date.now();
  await b.run(async () => { done++; }, signal);
  assert.ok(Date.now() - started >= 300, `the other pacer honoured the cooldown (${Date.now() - started} ms)`);
});
