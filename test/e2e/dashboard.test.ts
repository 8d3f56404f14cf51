/** @module Dashboard end to end: Debian Chromium drives the built SPA against `photoferry serve` and the Apple simulator. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startSimulator, type Simulator } from '../../src/simulator/server.ts';
import { startS3rver, type S3rverServer } from '../servers/s3rver.ts';
import { hashTree } from './cli.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { startServe, type Served } from './dashboard/serve.ts';
import { launchBrowser, screenshot, type Browser } from './dashboard/browser.ts';
import { expectedForAlbum, type Expected } from './dashboard/expected.ts';
import { testDestinationRow } from './dashboard/pages.ts';

const PASSWORD = 'correct horse battery';
const ALBUM = 'Best of';
const T = 30_000;

describe('dashboard (Chromium → photoferry serve → Apple simulator)', { timeout: 240_000 }, () => {
  let dir = '';
  let sim: Simulator;
  let s3: S3rverServer;
  let server: Served;
  let browser: Browser;
  let page: Page;
  let dest = '';
  let expected: Expected;
  const cspViolations: string[] = [];

  before(async () => {
    buildWebIfStale();
    dir = await mkdtemp(join(tmpdir(), 'pf-dashboard-'));
    dest = join(dir, 'backup');
    sim = await startSimulator({ assets: 200, seed: 3 });
    expected = expectedForAlbum(sim, ALBUM);
    s3 = await startS3rver({ buckets: ['photos'] });
    // The backup folder is outside photoferry's data folder, so the dashboard may use it only once it is allowed.
    await mkdir(join(dir, 'home'), { mode: 0o700 });
    await writeFile(join(dir, 'home', 'config.yaml'), `server:\n  allowedRoots: [${JSON.stringify(dest)}]\n`, { mode: 0o600 });
    server = await startServe({ PHOTOFERRY_HOME: join(dir, 'home'), PHOTOFERRY_PASSPHRASE: 'e2e vault passphrase' });
    browser = await launchBrowser();
    page = browser.page;
    // The page runs under the server's CSP: anything it blocks is a defect of the page (or of the policy).
    page.on('console', (m) => { if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text()); });
    page.setDefaultTimeout(T);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const byTestId = (id: string) => page.getByTestId(id);
  // The steps build on each other: after one fails the rest are skipped instead of each timing out.
  let broken = false;
  const step = (name: string, fn: () => Promise<void>) => it(name, async (t) => {
    if (broken) { t.skip('an earlier step failed'); return; }
    try { await fn(); } catch (err) {
      broken = true;
      await screenshot(page, 'failed').catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- photoferry serve log ---\n${server.log()}`, { cause: err });
    }
  });

  step('first start asks for a password, then the login page takes it', async () => {
    await page.goto(server.url);
    await byTestId('setup-form').waitFor();
    await byTestId('setup-token').fill(server.setupToken());
    await byTestId('setup-password').fill(PASSWORD);
    await byTestId('setup-repeat').fill(PASSWORD);
    await screenshot(page, '01-setup');
    await byTestId('setup-submit').click();
    await byTestId('login-form').waitFor();
    await byTestId('login-password').fill('wrong password!');
    await byTestId('login-submit').click();
    await byTestId('error').filter({ hasText: /wrong password/i }).waitFor();
    // The server slows logins down after a failure (1 s after the first); an attempt before that is refused.
    await page.waitForTimeout(1200);
    await byTestId('login-password').fill(PASSWORD);
    await screenshot(page, '02-login');
    await byTestId('login-submit').click();
    await byTestId('nav-connections').waitFor();
  });

  step('connects the simulator’s iCloud account through the 2FA code box', async () => {
    await byTestId('nav-connections').click();
    await byTestId('icloud-apple-id').fill(sim.account.appleId);
    await byTestId('icloud-password').fill(sim.account.password);
    await byTestId('icloud-advanced').locator('summary').click();
    await byTestId('icloud-auth-url').fill(sim.authUrl);
    await byTestId('icloud-setup-url').fill(sim.setupUrl);
    await byTestId('icloud-submit').click();
    await byTestId('icloud-code-form').waitFor();
    await screenshot(page, '03-icloud-code');
    // A wrong code first: the box stays, with the server's message.
    const code = sim.auth.lastCode(sim.account.appleId);
    assert.match(code ?? '', /^\d{6}$/);
    await byTestId('icloud-code').fill(code === '000000' ? '111111' : '000000');
    await byTestId('icloud-code-submit').click();
    await byTestId('icloud-error').waitFor();
    await byTestId('icloud-code').fill(sim.auth.lastCode(sim.account.appleId)!);
    await byTestId('icloud-code-submit').click();
    await byTestId('icloud-connected').waitFor();
    const row = byTestId('account-row').filter({ hasText: sim.account.appleId });
    assert.equal(await row.getAttribute('data-state'), 'signed-in');
  });

  step('adds a local destination from the generated form and Test passes', async () => {
    await byTestId('destination-type').selectOption('local');
    await byTestId('destination-name').fill('nas');
    await byTestId('dest-opt-path').fill(dest);
    await byTestId('destination-submit').click();
    const answer = await testDestinationRow(page, 'nas');
    assert.ok(answer.ok, answer.text);
  });

  step('adds an S3 destination (s3rver) through the optional and secret fields, and Test passes', async () => {
    await byTestId('destination-type').selectOption('s3');
    await byTestId('destination-name').fill('s3-photos');
    await byTestId('dest-opt-bucket').fill(s3.buckets[0]!);
    await byTestId('destination-form').locator('details.more > summary').click();
    await byTestId('dest-opt-provider').selectOption('custom');
    await byTestId('dest-opt-endpoint').fill(s3.endpoint);
    await byTestId('dest-opt-region').fill(s3.region);
    await byTestId('dest-opt-forcePathStyle').check();
    // s3rver stores aws-chunked bodies verbatim, so no flexible checksums (docs/dependencies.md).
    await byTestId('dest-opt-checksumMode').selectOption('when-required');
    await byTestId('dest-opt-accessKeyId').fill(s3.accessKeyId);
    assert.equal(await byTestId('dest-opt-secretAccessKey').getAttribute('type'), 'password');
    await byTestId('dest-opt-secretAccessKey').fill(s3.secretAccessKey);
    await byTestId('destination-submit').click();
    const row = page.locator('[data-testid="destination-row"][data-name="s3-photos"]');
    await row.waitFor();
    assert.ok(!(await byTestId('destination-list').innerText()).includes(s3.secretAccessKey), 'the secret is not shown');
    await row.getByTestId('destination-test').click();
    const result = row.getByTestId('destination-test-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true', await result.innerText());
    await screenshot(page, '04-connections');
  });

  step('lists the library and charts it by year, type and album', async () => {
    await byTestId('nav-library').click();
    await byTestId('library-refresh').click();
    await byTestId('chart-album').locator(`[data-key="${ALBUM}"]`).waitFor();
    const totals = await byTestId('library-totals').innerText();
    assert.match(totals, /\d+ assets/);
    assert.ok(await byTestId('chart-year').getByTestId('chart-row').count() > 0);
    assert.ok(await byTestId('chart-type').getByTestId('chart-row').count() > 0);
    const albumRow = await byTestId('chart-album').locator(`[data-key="${ALBUM}"] title`).textContent();
    assert.match(albumRow ?? '', new RegExp(`^${ALBUM}: ${expected.assets} assets`));
    await screenshot(page, '05-library');
  });

  step('creates a task for one album', async () => {
    await byTestId('nav-tasks').click();
    await byTestId('task-new').click();
    await byTestId('task-name').fill('Best of → NAS');
    await byTestId('task-destination').selectOption('nas');
    await byTestId('scope-albums').check();
    await page.locator(`[data-testid="album-option"][data-album="${ALBUM}"]`).check();
    await byTestId('task-template').fill('{yyyy}/{mm}/{filename}');
    await screenshot(page, '06-task-form');
    await byTestId('task-save').click();
    await byTestId('task-run').waitFor();
  });

  step('runs it and shows live progress up to 100 %, then the summary with the right counts', async () => {
    await byTestId('task-run').click();
    await byTestId('live-progress').waitFor();
    const seen = new Set<string>();
    const deadline = Date.now() + 120_000;
    let shotMidway = false;
    while (Date.now() < deadline) {
      const pct = await byTestId('progress-percent').textContent().catch(() => null);
      if (pct) seen.add(pct);
      if (!shotMidway && pct && pct !== '0%' && pct !== '100%') { await screenshot(page, '07-run-live'); shotMidway = true; }
      if (await byTestId('run-summary').isVisible()) break;
      await page.waitForTimeout(150);
    }
    await byTestId('run-summary').waitFor();
    assert.equal(await byTestId('progress-percent').textContent(), '100%');
    assert.ok(seen.size >= 2, `progress moved: ${[...seen].join(', ')}`);
    assert.equal(await byTestId('progress-files').textContent(), `${expected.files} / ${expected.files}`);
    assert.equal(await byTestId('summary-copied').textContent(), String(expected.files));
    assert.equal(await byTestId('summary-failed').textContent(), '0');
    assert.equal(await byTestId('summary-assets').textContent(), String(expected.assets));
    assert.equal(await page.locator('[data-testid="run-status"][data-status="ok"]').count() > 0, true);
    await screenshot(page, '08-run-summary');
  });

  step('the files are on disk, and the task page lists the run', async () => {
    const files = await hashTree(dest);
    assert.equal(files.size, expected.files);
    for (const path of files.keys()) assert.match(path, /^\d{4}\/\d{2}\/[^/]+$/);
    await byTestId('run-task-link').click();
    await byTestId('run-history').getByTestId('run-row').first().waitFor();
    await screenshot(page, '09-task');
    await byTestId('nav-tasks').click();
    await byTestId('task-row').first().waitFor();
    await screenshot(page, '10-tasks');
  });

  step('under Apple throttling the run view shows the back-off, the ETA stays finite and the run completes', async () => {
    // 503s with Retry-After while the task lists the library, and slowed downloads, so the run lasts long enough to watch.
    sim.state.faults.throttle = { kind: '503', rate: 0.5, count: 4, retryAfterSec: 1 };
    sim.state.faults.download.bytesPerSec = 400_000;
    await byTestId('nav-tasks').click();
    await byTestId('task-new').click();
    await byTestId('task-name').fill('Whole library, throttled');
    await byTestId('task-destination').selectOption('nas');
    await byTestId('scope-all').check();
    await byTestId('task-template').fill('throttled/{yyyy}/{filename}');
    await byTestId('task-save').click();
    await byTestId('task-run').waitFor();
    await byTestId('task-run').click();
    await byTestId('live-progress').waitFor({ timeout: 60_000 });
    const paces = new Set<string>();
    let backoffNotice = false;
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      const pace = await byTestId('progress-pace').textContent().catch(() => null);
      if (pace) paces.add(pace.trim());
      backoffNotice ||= await byTestId('progress-backoff').isVisible().catch(() => false);
      const eta = await byTestId('progress-eta').textContent().catch(() => null);
      if (eta) assert.doesNotMatch(eta, /Infinity|NaN|undefined/, `ETA shown as ${eta}`);
      if (await byTestId('run-summary').isVisible()) break;
      await page.waitForTimeout(150);
    }
    await byTestId('run-summary').waitFor();
    delete sim.state.faults.throttle;
    delete sim.state.faults.download.bytesPerSec;
    await screenshot(page, '11-run-throttled');
    assert.ok(backoffNotice || [...paces].some((p) => /throttled \d+×|backing off/.test(p)), `back-off shown: ${[...paces].join(' | ')}`);
    assert.equal(await byTestId('summary-failed').textContent(), '0');
    assert.equal(await page.locator('[data-testid="run-status"][data-status="ok"]').count() > 0, true);
  });

  step('the account page logs out everywhere, and nothing broke the Content Security Policy', async () => {
    await page.goto(`${server.url}/#/account`);
    await byTestId('password-form').waitFor();
    await byTestId('logout-all').click();
    await byTestId('login-form').waitFor();
    const headers = (await fetch(server.url)).headers;
    assert.match(headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.deepEqual(cspViolations, []);
  });
});
