/**
 * @module "Sign in with Google" on the dashboard (Chromium → `photoferry serve` → Google Photos fake): the server runs
 * the same authorization-code + PKCE flow as `auth gphotos` with Google's redirect coming back to itself; the refresh
 * token lands in the vault (not in the page, the answer or the log), the destination's Test then passes with it, and
 * a replayed or forged callback is refused. Reached other than over loopback, the dashboard points to the CLI
 * (src/server/gphotos-sign-in.test.ts). ≈ 20 s on an idle machine.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runCli, tempHome } from './cli.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from '../../src/destinations/gphotos/testing/fake-server.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { startServe, type Served } from './dashboard/serve.ts';
import { launchBrowser, screenshot, type Browser } from './dashboard/browser.ts';
import { setUpAndLogIn, testDestinationRow } from './dashboard/pages.ts';

const PASSWORD = 'correct horse battery';

describe('dashboard: Sign in with Google for a gphotos destination (Chromium, Google fake)', { timeout: 180_000 }, () => {
  let fake: FakeGphotos;
  let env: Record<string, string>;
  let server: Served;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildWebIfStale();
    fake = await startFakeGphotos({ testingMode: true });
    env = { PHOTOFERRY_HOME: await tempHome('pf-gsign-'), PHOTOFERRY_PASSPHRASE: 'gsign-test-passphrase' };
    // No refreshToken: the sign-in is what provides it.
    const added = await runCli(['remote', 'add', 'gp', 'gphotos', `clientId=${FAKE_CLIENT.id}`, `clientSecret=${FAKE_CLIENT.secret}`,
      `apiUrl=${fake.url}`, `tokenUrl=${fake.tokenUrl}`, `authUrl=${fake.authUrl}`], env);
    assert.equal(added.code, 0, added.stderr);
    server = await startServe(env);
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.stop();
  });

  const row = () => page.locator('[data-testid="destination-row"][data-name="gp"]');
  const config = () => readFile(join(env.PHOTOFERRY_HOME!, 'config.yaml'), 'utf8');

  it('allow in Google → back on this server, token in the vault only, Test passes; the callback cannot be replayed or forged', async () => {
    try {
      await setUpAndLogIn(page, server, PASSWORD);
      await page.getByTestId('nav-connections').click();
      assert.equal((await testDestinationRow(page, 'gp')).ok, false, 'no sign-in yet: Test fails');

      const authorizations = fake.oauth.stats.authorizations;
      await row().getByTestId('destination-google-sign-in').click();
      await page.waitForURL(/\/oauth\/gphotos\/callback\?/);
      const callback = new URL(page.url());
      assert.equal(callback.origin, server.url, 'Google sent the browser back to the dashboard server');
      assert.equal(fake.oauth.stats.authorizations, authorizations + 1);
      assert.match(await page.locator('h1').innerText(), /Signed in to Google Photos/);
      assert.match(await page.locator('body').innerText(), /"gp" can now upload/);
      assert.equal(fake.oauth.issued.length, 1, 'one code exchanged for one refresh token');
      const token = fake.oauth.issued[0]!;
      assert.ok(!(await page.content()).includes(token), 'the refresh token is not in the page');
      assert.match(await config(), /refreshToken: <vault>/);

      await page.getByRole('link', { name: 'Back to the dashboard' }).click();
      const tested = await testDestinationRow(page, 'gp');
      assert.ok(tested.ok, tested.text);

      // The same answer again (a reload, or someone who saw the address): the flow was used once and is gone.
      const replay = await page.goto(callback.toString());
      assert.equal(replay?.status(), 400);
      assert.match(await page.locator('body').innerText(), /unknown, was already used or has expired/);
      const forged = new URL(callback);
      forged.searchParams.set('state', 'forged');
      assert.equal((await page.goto(forged.toString()))?.status(), 400);
      assert.equal(fake.oauth.stats.codeExchanges, 1, 'no further code exchange');

      const log = server.log();
      assert.ok(!log.includes(token), 'the refresh token is not logged');
      assert.ok(!log.includes(callback.searchParams.get('code')!), 'the authorization code is not logged');
      assert.ok(!log.includes(FAKE_CLIENT.secret), 'the client secret is not logged');
    } catch (err) {
      await screenshot(page, 'gphotos-sign-in-failed').catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- photoferry serve log ---\n${server.log()}`, { cause: err });
    }
  });
});
