/** @module `/__sim` controls over HTTP: scripted changes advance sync tokens, fault knobs apply, counters count. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from './server.ts';
import { simSession } from './testing/sim-session.ts';

describe('simulator /__sim controls', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ assets: 100, seed: 8 }); });
  after(() => sim.stop());
  const post = async (path: string, body: unknown) => (await fetch(`${sim.baseUrl}${path}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;

  it('changes, faults and stats', async () => {
    const session = await simSession(sim);
    const ck = async (op: string, body: unknown) => {
      const r = await session.fetch(`${sim.baseUrl}/database/1/com.apple.photos.cloud/production/private/${op}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
      return { status: r.status, headers: r.headers, body: await r.json() as Record<string, unknown> };
    };
    const db = (await ck('changes/database', {})).body['syncToken'] as string;
    const { added } = await post('/__sim/change', { op: 'add', count: 2 }) as { added: string[] };
    assert.equal(added.length, 2);
    const changed = await ck('changes/database', { syncToken: db });
    assert.equal((changed.body['zones'] as unknown[]).length, 1);
    const stats = await (await fetch(`${sim.baseUrl}/__sim/stats`)).json() as { assets: number; albums: { name: string }[] };
    assert.equal(stats.assets, 102);
    await post('/__sim/change', { op: 'rename-album', album: sim.state.library.albums[1]!.id, name: 'Roma' });
    assert.equal(sim.state.library.albums[1]!.name, 'Roma');
    await post('/__sim/faults', { throttle: { kind: '429', count: 1, retryAfterSec: 7 } });
    const throttled = await ck('zones/list', {});
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '7');
    assert.equal(throttled.body['serverErrorCode'], 'THROTTLED');
    assert.equal((await ck('zones/list', {})).status, 200);
    const bad = await post('/__sim/change', { op: 'edit', asset: 'nope' });
    assert.match(String(bad['error']), /no such asset/);
  });
});
