/**
 * @module The dashboard's "Free up iCloud" page in Chromium (issue 16, acceptance 5): the cost plan shows the numbers
 * `plan --cost` prints, screenshot in docs/screenshots; then a dry run, a confirmed run with progress and audit, and undo.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { jsonEvents, REMOTE } from './icloud/harness.ts';
import { startFreeUpWorld, trashedInSim, type FreeUpWorld } from './free-up/world.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { startServe, type Served } from './dashboard/serve.ts';
import { launchBrowser, screenshot, type Browser } from './dashboard/browser.ts';
import { setUpAndLogIn } from './dashboard/pages.ts';

const PASSWORD = 'correct horse battery';
const DOCS = resolve(import.meta.dirname, '../../docs/screenshots');
const money = (n: number) => `$${n.toFixed(2)}`;

interface CostJson {
  pricesDate: string; today: { tier: string; monthly: number };
  afterFreeing: { throughYear: string; monthly: number }[]; options: { id: string; monthly: number }[]; destinations: { name: string; monthly: number }[];
}

describe('dashboard: Free up iCloud (Chromium → photoferry serve → simulator)', { timeout: 600_000 }, () => {
  let w: FreeUpWorld;
  let server: Served;
  let browser: Browser;
  let page: Page;
  before(async () => {
    buildWebIfStale();
    w = await startFreeUpWorld();
    server = await startServe(w.env);
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(60_000);
  });
  after(async () => { await browser?.close(); await server?.stop(); await w?.stop(); });

  it('the cost page renders the same numbers as `plan --cost` (screenshot in docs/screenshots)', async () => {
    const r = await w.cli(['--json', 'plan', `${REMOTE}:`, '--cost']);
    assert.equal(r.code, 0, r.stderr);
    const plan = jsonEvents(r.stdout).find((e) => e.type === 'cost-plan') as unknown as CostJson;
    const text = await w.cli(['plan', `${REMOTE}:`, '--cost']);
    assert.match(text.stdout, /Prices as of 2026-12 from data\/prices\.json \(built in\)/);
    assert.match(text.stdout, new RegExp(`iCloud today: ${plan.today.tier} \\(\\$${plan.today.monthly.toFixed(2)}/month\\)`));

    await setUpAndLogIn(page, server, PASSWORD);
    await page.getByTestId('nav-free-up-icloud').click();
    await page.getByTestId('cost-plan').waitFor();
    assert.equal(await page.getByTestId('cost-today').textContent(), plan.today.tier);
    assert.equal(await page.getByTestId('cost-today-monthly').textContent(), money(plan.today.monthly));
    for (const a of plan.afterFreeing) assert.equal(await page.getByTestId(`cost-after-${a.throughYear}`).textContent(), money(a.monthly), a.throughYear);
    for (const o of plan.options) assert.equal(await page.getByTestId(`cost-option-${o.id}`).textContent(), money(o.monthly), o.id);
    for (const d of plan.destinations) assert.equal(await page.getByTestId(`cost-dest-${d.name}`).textContent(), money(d.monthly), d.name);
    assert.match((await page.getByTestId('cost-date').textContent())!, /Prices as of 2026-12/);
    await mkdir(DOCS, { recursive: true });
    await copyFile(await screenshot(page, 'free-up-cost'), resolve(DOCS, 'free-up-cost.png'));
  });

  it('dry run, then a run confirmed by typing the Apple ID, with progress and audit, then undo', async () => {
    try { await confirmedRun(); } catch (err) {
      await screenshot(page, 'free-up-failed').catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- photoferry serve log ---\n${server.log()}`, { cause: err });
    }
  });

  async function confirmedRun(): Promise<void> {
    await page.getByTestId('freeup-older-than').fill('1y');
    await page.getByTestId('freeup-plan').click();
    await page.getByTestId('freeup-summary').waitFor();
    assert.equal(trashedInSim(w).size, 0, 'the dry run deleted nothing');
    assert.ok(await page.getByTestId('freeup-execute').isDisabled(), 'disabled until the Apple ID is typed');
    await page.getByTestId('freeup-confirm').fill(w.sim.account.appleId);
    await page.getByTestId('freeup-execute').click();
    await page.getByTestId('freeup-audit').filter({ hasText: /deleted: \d+ assets/ }).waitFor();
    await page.getByTestId('freeup-undo').and(page.locator(':enabled')).waitFor();
    const deleted = trashedInSim(w).size;
    assert.ok(deleted > 0, 'the run moved assets to Recently Deleted');
    await screenshot(page, 'free-up-run');
    await page.getByTestId('freeup-undo').click();
    await page.getByTestId('freeup-audit').filter({ hasText: /recovered: \d+ assets/ }).waitFor();
    assert.equal(trashedInSim(w).size, 0, 'undo brought every asset back');
  }
});
