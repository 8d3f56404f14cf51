/** @module Cost planner: tiers today and after freeing each year, option costs with minimums and free allowances, the dated price file and a user's override. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetId, type Asset } from '../../core/asset.ts';
import { UsageError } from '../../core/usage-error.ts';
import { tempDir } from '../../../test/temp-dir.ts';
import { costPlanOf } from './plan-cost.ts';
import { loadPrices, monthlyCost } from './prices.ts';

const asset = (i: number, year: number, gb: number, kind: Asset['kind'] = 'photo'): Asset => ({
  id: assetId(`a${i}`), version: '1', kind, takenAt: new Date(Date.UTC(year, 5, 1)), addedAt: new Date(0), filename: `f${i}`,
  resources: [{ role: 'original', filename: `f${i}`, size: gb * 1e9, contentType: 'image/jpeg' }], albums: [], favorite: false, hidden: false,
});

describe('cost planner', () => {
  const prices = loadPrices();

  it('the built-in price file is dated and has every common option', () => {
    assert.equal(prices.date, '2026-12');
    assert.deepEqual(prices.storage.map((s) => s.id).sort(), ['b2', 'local-disk', 'r2', 's3-deep-archive', 's3-standard', 'wasabi']);
  });

  it('needs 2 TB today; freeing the old years steps down through 200 GB to 50 GB', () => {
    const library = [asset(1, 2016, 900), asset(2, 2019, 400), asset(3, 2024, 150, 'video'), asset(4, 2025, 30)];
    const plan = costPlanOf('ic:', library, prices, [{ name: 'nas', option: 'local-disk' }, { name: 'b2', option: 'b2' }]);
    assert.equal(plan.library.bytes, 1480e9);
    assert.equal(plan.today.tier, 'iCloud+ 2 TB');
    assert.deepEqual(plan.afterFreeing.map((a) => [a.throughYear, a.tier]), [['2016', 'iCloud+ 2 TB'], ['2019', 'iCloud+ 200 GB'], ['2024', 'iCloud+ 50 GB'], ['2025', 'iCloud free']]);
    assert.equal(plan.library.byYear['2024']!['video']!.bytes, 150e9);
    assert.equal(plan.destinations.find((d) => d.name === 'b2')!.monthly, 1480 * 0.00695);
    assert.equal(plan.options.find((o) => o.id === 's3-standard')!.monthly, 1480 * 0.023);
  });

  it('minimum charges and free allowances apply', () => {
    const wasabi = prices.storage.find((s) => s.id === 'wasabi')!;
    const r2 = prices.storage.find((s) => s.id === 'r2')!;
    assert.equal(monthlyCost(wasabi, 10e9), 1000 * 0.00699);
    assert.equal(monthlyCost(r2, 5e9), 0);
    assert.equal(monthlyCost(r2, 110e9), 100 * 0.015);
  });

  it('a user\'s own price file is used when valid and named when not', async () => {
    const dir = tempDir('pf-prices-');
    const mine = join(dir, 'prices.json');
    await writeFile(mine, JSON.stringify({ ...prices, file: undefined, date: '2027-01', storage: [{ id: 'nas', name: 'My NAS', perGbMonth: 0.001, source: 'https://example.com' }] }));
    assert.equal(loadPrices(mine).date, '2027-01');
    await writeFile(mine, JSON.stringify({ date: 'soon' }));
    assert.throws(() => loadPrices(mine), (e: unknown) => e instanceof UsageError && /prices\.json is not valid/.test(e.message) && /date/.test(e.message));
  });
});
