/**
 * @module Photo services in the dashboard (Chromium → `photoferry serve`, Immich and Google Photos fakes, Apple
 * simulator): both connectors in the destination form from their schemas, Test passes; after copies through the real
 * binary the library page shows, per service, the assets and albums there and verified (Google Photos: unverifiable);
 * an edit and a move in iCloud show as one asset and two albums no longer verified, in the API and on the page alike.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { runCli } from './cli.ts';
import { REMOTE, signIn, startWorld, type IcloudWorld } from './icloud/harness.ts';
import { startFakeImmich, type FakeImmich } from '../../src/destinations/immich/testing/fake-server.ts';
import { FAKE_CLIENT, startFakeGphotos, type FakeGphotos } from '../../src/destinations/gphotos/testing/fake-server.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { startServe, type Served } from './dashboard/serve.ts';
import { launchBrowser, screenshot, type Browser } from './dashboard/browser.ts';
import { simulatorAlbums } from './immich/expect.ts';
import { testDestinationRow } from './dashboard/pages.ts';

const PASSWORD = 'correct horse battery';
const T = 30_000;

interface Service { name: string; kind: string; assets: number; albums: number; verified: { assets: number; albums: number } | null }

describe('dashboard photo services (Chromium → photoferry serve → Immich and Google Photos fakes)', { timeout: 300_000 }, () => {
  let world: IcloudWorld;
  let immich: FakeImmich;
  let gphotos: FakeGphotos;
  let server: Served;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildWebIfStale();
    world = await startWorld({ assets: 80, seed: 21, meanSize: 4 * 1024 }, ['minRequestIntervalMs=0']);
    assert.equal((await signIn(world)).code, 0);
    immich = await startFakeImmich({ version: 3 });
    gphotos = await startFakeGphotos();
    server = await startServe(world.env);
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(T);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await gphotos?.stop();
    await immich?.stop();
    await world?.stop();
  });

  const byTestId = (id: string) => page.getByTestId(id);
  const services = async () => (await page.evaluate(async (p) => (await fetch(p)).json(), `/api/library?source=${REMOTE}`) as { services: Service[] }).services;
  let broken = false;
  const step = (name: string, fn: () => Promise<void>) => it(name, async (t) => {
    if (broken) { t.skip('an earlier step failed'); return; }
    try { await fn(); } catch (err) {
      broken = true;
      await screenshot(page, 'services-failed').catch(() => undefined);
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- photoferry serve log ---\n${server.log()}`, { cause: err });
    }
  });
  const testRow = async (name: string) => {
    const answer = await testDestinationRow(page, name);
    assert.ok(answer.ok, answer.text);
  };

  step('the destination form offers Immich and Google Photos from their schemas, and Test passes for both', async () => {
    await page.goto(server.url);
    await byTestId('setup-token').fill(server.setupToken());
    await byTestId('setup-password').fill(PASSWORD);
    await byTestId('setup-repeat').fill(PASSWORD);
    await byTestId('setup-submit').click();
    await byTestId('login-password').fill(PASSWORD);
    await byTestId('login-submit').click();
    await byTestId('nav-connections').click();

    await byTestId('destination-type').selectOption('immich');
    await byTestId('destination-name').fill('im');
    await byTestId('dest-opt-url').fill(immich.url);
    assert.equal(await byTestId('dest-opt-apiKey').getAttribute('type'), 'password');
    await byTestId('dest-opt-apiKey').fill('test-key');
    await byTestId('destination-submit').click();
    await testRow('im');

    await byTestId('destination-type').selectOption('gphotos');
    await byTestId('destination-name').fill('gp');
    await byTestId('dest-opt-clientId').fill(FAKE_CLIENT.id);
    await byTestId('dest-opt-clientSecret').fill(FAKE_CLIENT.secret);
    // refreshToken is optional (`photoferry auth gphotos` can obtain it), so the form keeps it under "more".
    await byTestId('destination-form').locator('details.more > summary').click();
    await byTestId('dest-opt-refreshToken').fill(FAKE_CLIENT.refreshToken);
    await byTestId('dest-opt-apiUrl').fill(gphotos.url);
    await byTestId('dest-opt-tokenUrl').fill(gphotos.tokenUrl);
    await byTestId('destination-submit').click();
    await testRow('gp');
    assert.ok(!(await byTestId('destination-list').innerText()).includes(FAKE_CLIENT.secret), 'no secret shown');
  });

  const lib = () => world.sim.state.library;
  /** Live assets and albums with members, as the simulator has them (every asset goes to both services). */
  const truth = () => {
    let assets = 0;
    for (let i = 0; i < lib().size; i++) if (lib().asset(i).deletedAt === undefined && !lib().asset(i).purged) assets++;
    return { assets, albums: [...simulatorAlbums(world.sim).values()].filter((m) => m.size > 0).length };
  };

  step('after copies to both, the API and the library page count assets and albums there and verified', async () => {
    for (const to of ['im:', 'gp:']) {
      const r = await runCli(['copy', `${REMOTE}:`, to], world.env);
      assert.equal(r.code, 0, r.stderr);
    }
    const want = truth();
    assert.ok(want.assets > 70 && want.albums >= 5, JSON.stringify(want));
    const got = new Map((await services()).map(({ name, kind, assets, albums, verified }) => [name, { kind, assets, albums, verified }]));
    assert.deepEqual(got, new Map([
      ['im', { kind: 'immich', assets: want.assets, albums: want.albums, verified: want }],
      ['gp', { kind: 'gphotos', assets: want.assets, albums: want.albums, verified: null }],
    ]));
    await byTestId('nav-library').click();
    const im = byTestId('service-im');
    await im.waitFor();
    assert.equal(await im.getByTestId('service-verified').innerText(), String(want.assets));
    assert.equal(await im.getByTestId('service-albums-verified').innerText(), String(want.albums));
    assert.equal(await byTestId('service-gp').getByTestId('service-verified').innerText(), 'unverifiable');
    assert.match(await byTestId('services-unverifiable').innerText(), /gp are unverifiable/);
  });

  step('an edit and a move in iCloud, listed again: one asset and two albums are no longer verified', async () => {
    const want = truth();
    const albums = lib().albums.filter((a) => a.type === 0);
    const edited = Array.from({ length: lib().size }, (_, i) => lib().asset(i)).find((a) => a.edited && a.zone === 'primary' && a.resources.some((r) => r.field === 'resJPEGFull'))!;
    lib().edit(edited.assetName);
    const [from, to] = [albums[0]!, albums[1]!];
    const mover = Array.from({ length: lib().size }, (_, i) => lib().asset(i)).find((a) => lib().inAlbum(a.index, from.id) && !lib().inAlbum(a.index, to.id) && a.assetName !== edited.assetName)!;
    lib().move(mover.assetName, from.id, to.id);
    await byTestId('library-refresh').click();
    const im = byTestId('service-im');
    await im.getByTestId('service-verified').filter({ hasText: `${want.assets - 1} of ${want.assets}` }).waitFor();
    assert.equal(await im.getByTestId('service-albums-verified').innerText(), `${want.albums - 2} of ${want.albums}`);
    const api = (await services()).find((s) => s.name === 'im')!;
    assert.deepEqual(api.verified, { assets: want.assets - 1, albums: want.albums - 2 });
    await screenshot(page, 'library-services');
  });
});
