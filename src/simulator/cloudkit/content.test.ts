/** @module The content host's slow and stalled bodies over real HTTP: evenly paced, on time, exact, and never wedging a kept-alive connection. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startSimulator, type Simulator } from '../server.ts';
import { sha256Of, type ContentSpec } from '../library/media-bytes.ts';

interface Got { sha256: string; bytes: number; ms: number; maxGapMs: number; medianGapMs: number }

/** One download through the global fetch (so successive calls reuse its kept-alive connections), timed chunk by chunk. */
async function get(url: string): Promise<Got> {
  const started = Date.now();
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert.equal(r.status, 200);
  const h = createHash('sha256');
  let bytes = 0;
  let last: number | undefined;
  const gaps: number[] = [];
  for await (const chunk of r.body!) {
    const now = Date.now();
    if (last !== undefined) gaps.push(now - last);
    last = now;
    h.update(chunk);
    bytes += chunk.length;
  }
  gaps.sort((a, b) => a - b);
  return { sha256: h.digest('hex'), bytes, ms: Date.now() - started, maxGapMs: gaps.at(-1) ?? 0, medianGapMs: gaps[gaps.length >> 1] ?? 0 };
}

describe('simulator content host: throttled and stalled bodies', () => {
  let sim: Simulator;
  const originals: { url: string; spec: ContentSpec }[] = [];
  before(async () => {
    sim = await startSimulator({ assets: 30, seed: 11, meanSize: 40_000, sharedLibrary: false });
    for (let i = 0; i < sim.state.library.size; i++) {
      const key = { zone: sim.state.library.asset(i).zone, index: i, field: 'resOriginal', revision: 0 } as const;
      originals.push({ url: sim.state.signUrl(key), spec: sim.state.contentOf(key)! });
    }
    originals.sort((a, b) => b.spec.size - a.spec.size);
  });
  after(() => sim.stop());
  const faults = () => sim.state.faults.download;

  it('a throttled body arrives evenly at the set rate: no slice-sized gaps a client watchdog would take for a stall', async () => {
    faults().bytesPerSec = 200_000;
    try {
      const big = originals[0]!;
      assert.ok(big.spec.size > 4 * 64 * 1024, 'a body of several 64 KiB slices');
      const got = await get(big.url);
      assert.equal(got.sha256, sha256Of(big.spec));
      const expectMs = (big.spec.size / 200_000) * 1000;
      assert.ok(got.ms >= expectMs * 0.9 && got.ms < expectMs * 1.5 + 300, `${got.ms} ms for ${big.spec.size} bytes`);
      // A 64 KiB slice at this rate is ~330 ms apart; pieces go ~50 ms apart. The median, not the longest
      // gap: simulator and client share one event loop, which a loaded machine can pause for a while.
      assert.ok(got.medianGapMs < 150, `median gap ${got.medianGapMs} ms`);
    } finally {
      delete faults().bytesPerSec;
    }
  });

  it('throttled bodies one after another on a kept-alive connection all finish, each paced even when smaller than a slice', async () => {
    faults().bytesPerSec = 200_000;
    try {
      for (const o of originals.filter((x) => x.spec.size < 64 * 1024).slice(0, 4)) {
        const got = await get(o.url);
        assert.equal(got.sha256, sha256Of(o.spec));
        assert.ok(got.ms >= (o.spec.size / 200_000) * 1000 * 0.8, `${o.spec.size} bytes in ${got.ms} ms: not throttled`);
      }
    } finally {
      delete faults().bytesPerSec;
    }
  });

  it('a stall fault still pauses a throttled body once for its ms, and the bytes are exact', async () => {
    Object.assign(faults(), { bytesPerSec: 200_000, stall: { count: 1, ms: 600 } });
    try {
      const o = originals.find((x) => x.spec.size < 64 * 1024)!;
      const stalled = await get(o.url);
      assert.equal(stalled.sha256, sha256Of(o.spec));
      assert.ok(stalled.maxGapMs >= 550, `longest gap ${stalled.maxGapMs} ms`);
      // The stall does not push the rest of the body into a catch-up burst, nor repeat.
      assert.ok(stalled.ms >= 600 + (o.spec.size / 200_000) * 1000 * 0.8, `${stalled.ms} ms`);
      assert.ok((await get(o.url)).maxGapMs < 550, 'one stall only');
    } finally {
      delete faults().bytesPerSec;
      delete faults().stall;
    }
  });
});
