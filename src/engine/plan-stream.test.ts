/** @module The streamed plan on a real SQLite catalog gives what the whole-library plan() gives, page size aside. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { openCatalog } from '../catalog/open.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Asset } from '../core/asset.ts';
import type { Placement } from '../destinations/destination.ts';
import { DEFAULT_POLICY, fingerprintOf, plan, type Plan, type PlanOptions } from './plan.ts';
import { collectPlan, planSteps } from './plan-stream.ts';
import { DEFAULT_FIDELITY } from './derived/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'pf-plan-stream-'));
const opened: Catalog[] = [];
after(async () => { await Promise.allSettled(opened.map((c) => c.close())); rmSync(dir, { recursive: true, force: true }); });

const options = (extra: Partial<PlanOptions> = {}): PlanOptions => ({
  template: '{yyyy}/{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: false,
  fidelity: { ...DEFAULT_FIDELITY, convertHeic: { quality: 80 } }, destination: { heic: true, serverSideCopy: false }, ...extra,
});

const day = (i: number) => new Date(Date.UTC(2021, 0, 1 + (i % 3)));
/** Same names on different days and assets, Live Photo pairs, HEICs that get a JPEG beside them: collisions across pages. */
const library = (n: number): Asset[] => Array.from({ length: n }, (_, i) => anAsset({
  id: `a${String(i).padStart(3, '0')}`, takenAt: day(i), filename: `IMG_${i % 4}.HEIC`, kind: i % 5 === 0 ? 'live-photo' : 'photo',
  resources: [aResource({ filename: `IMG_${i % 4}.HEIC`, contentType: 'image/heic', size: 100 + i }),
    ...(i % 5 === 0 ? [aResource({ role: 'live-video', filename: `IMG_${i % 4}.MOV`, size: 7 })] : []),
    ...(i % 7 === 0 ? [aResource({ filename: `IMG_${i % 4}.jpg`, role: 'edited', size: 9 })] : [])],
}));

async function catalogWith(assets: readonly Asset[], placements: readonly Placement[]): Promise<Catalog> {
  const c = await openCatalog(join(dir, `c-${opened.length}.db`));
  opened.push(c);
  await c.ensureSource('s', 'memory');
  await c.applyChanges('s', { upserts: [...assets], deletions: [], cursor: null, reset: true, done: true });
  for (const p of placements) await c.recordPlacement(p);
  return c;
}

const shape = (p: Plan) => ({
  copies: p.copies.map((c) => `${c.asset.id} ${c.resource.role} ${c.path}`),
  derived: p.derived.map((d) => `${d.asset.id} ${d.role} ${d.path}`),
  removes: p.removes.map((r) => `${r.placement.assetId} ${r.placement.role} ${r.placement.path}`),
  counts: [p.present, p.derivedPresent, p.filtered], totals: p.totals,
});

describe('streamed plan', () => {
  it('plans a library page by page exactly as plan() plans it whole, collisions across pages included', async () => {
    const assets = library(40);
    const c = await catalogWith(assets, []);
    const whole = plan({ ...options(), assets: await c.assets('s'), placements: [] });
    for (const pageSize of [1, 7, 1000]) {
      const streamed = await collectPlan(planSteps(options(), c, { sourceId: 's', destinationId: 'd', pageSize }));
      assert.deepEqual(shape(streamed), shape(whole), `page size ${pageSize}`);
    }
    assert.ok(whole.copies.some((x) => /~[0-9a-f]{6}\./.test(x.path)), 'the fixture has colliding names');
  });

  it('avoids paths other assets already hold, re-sends changed files, skips held ones and removes orphans on sync --delete', async () => {
    const assets = library(30);
    const first = plan({ ...options(), assets, placements: [] });
    // Half of the first plan landed; one file changed since; one asset with a placement is gone from the source.
    const placements: Placement[] = first.copies.filter((_, i) => i % 2 === 0).map((x) => ({
      destinationId: 'd', sourceId: 's', assetId: x.asset.id, role: x.resource.role, path: x.path, size: x.resource.size, sha256: 'h',
      fingerprint: x.asset.id === 'a004' ? 'stale' : fingerprintOf(x.asset, x.resource), version: x.asset.version, verifiedAt: new Date(1000),
    }));
    const gone = placements.find((p) => p.assetId === 'a010')!;
    const kept = assets.filter((a) => a.id !== 'a010');
    const c = await catalogWith(kept, placements);
    const wanted = options({ propagateDeletes: true });
    const whole = plan({ ...wanted, assets: await c.assets('s'), placements: await c.placements('d', 's') });
    const streamed = await collectPlan(planSteps(wanted, c, { sourceId: 's', destinationId: 'd', pageSize: 4 }));
    assert.deepEqual(shape(streamed), shape(whole));
    assert.ok(streamed.present > 0 && streamed.copies.length > 0);
    assert.ok(streamed.copies.some((x) => x.asset.id === 'a004'), 'the changed file is re-sent');
    assert.ok(streamed.removes.some((r) => r.placement.path === gone.path), 'the deleted asset\'s file is removed');
  });

  it('holds nothing for a filtered-out library and counts it', async () => {
    const c = await catalogWith(library(12), []);
    const streamed = await collectPlan(planSteps(options({ include: () => false }), c, { sourceId: 's', destinationId: 'd', pageSize: 5 }));
    assert.deepEqual(shape(streamed).counts, [0, 0, 12]);
    assert.equal(streamed.copies.length + streamed.derived.length, 0);
  });
});
