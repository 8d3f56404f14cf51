/**
 * @module A schedule on two servers (issue 13, acceptance 5): two `photoferry serve` processes and one worker on one
 * PostgreSQL catalog, a task every 4 s created through one server's API and armed on both; over several slots the
 * catalog holds one run per slot, never two. The dashboard of either server shows the worker and the queues.
 * Real: PostgreSQL 15 on loopback, pg-boss, the servers, the worker, Chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Cron } from 'croner';
import { startServe, type Served } from './dashboard/serve.ts';
import { launchBrowser, screenshot, type Browser } from './dashboard/browser.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { clusterHome, startWorker, stopWorkers, until, type Worker } from './workers-harness.ts';
import { startPostgres, type PostgresServer } from '../servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { taskRepository } from '../../src/app/tasks.ts';

const PASSWORD = 'correct horse battery';
const EVERY_4_S = '*/4 * * * * *';
const PERIOD_MS = 4000;
const SLOTS = 4;

describe('a schedule on two `photoferry serve` sharing a PostgreSQL catalog', () => {
  let pg: PostgresServer;
  let dir = '';
  let env: Record<string, string>;
  let catalog: Catalog;
  const servers: Served[] = [];
  const workers: Worker[] = [];
  let browser: Browser | undefined;

  before(async () => {
    buildWebIfStale();
    pg = await startPostgres();
    const url = await pg.createDatabase('serve_cluster');
    ({ dir, env } = await clusterHome('pf-serve-cluster-', url, 'not really a jpeg, but bytes to copy'));
    catalog = await openCatalog(url);
  });
  after(async () => {
    await browser?.close();
    await Promise.allSettled(servers.map((s) => s.stop()));
    await stopWorkers(workers);
    await catalog?.close();
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`fires once per slot cluster-wide over ${SLOTS} slots`, { timeout: 180_000 }, async () => {
    workers.push(startWorker(env, ['--jobs', '1', '--concurrency', '2']));
    servers.push(await startServe(env));
    const [first] = servers;
    const post = (server: Served, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    assert.equal((await post(first!, '/api/setup', { password: PASSWORD, setupToken: first!.setupToken() })).status, 201);
    const login = async (server: Served) => {
      const res = await post(server, '/api/login', { password: PASSWORD });
      assert.equal(res.status, 200, await res.clone().text());
      return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
    };
    const a = await login(first!);
    const created = await post(first!, '/api/tasks', {
      name: 'every 4 s', source: `folder:${join(dir, 'photos')}`, destination: `local:${join(dir, 'backup')}`, schedule: { type: 'cron', cron: EVERY_4_S },
    }, { cookie: a.cookie, 'x-csrf-token': a.csrf });
    assert.equal(created.status, 201, await created.clone().text());
    const task = await created.json() as { id: string };

    // The second server starts on the same catalog (admin included) and arms the task too.
    servers.push(await startServe(env));
    const second = servers[1]!;
    const b = await login(second);
    const seen = await (await fetch(`${second.url}/api/tasks/${task.id}`, { headers: { cookie: b.cookie } })).json() as { nextRunAt: string | null };
    assert.notEqual(seen.nextRunAt, null, 'the second server has the schedule armed');

    const from = Date.now();
    const runsSince = async () => {
      const ids = new Set(await taskRepository(catalog).runIdsOf(task.id, 100));
      return (await catalog.runs(100)).filter((r) => ids.has(r.id) && r.startedAt.getTime() >= from).map((r) => r.startedAt.getTime()).sort();
    };
    await until(`${SLOTS} scheduled runs`, async () => (await runsSince()).length >= SLOTS, 90_000,
      async () => `${servers.map((s) => s.log()).join('\n---\n')}`);
    const to = Date.now();
    const starts = (await runsSince()).filter((t) => t <= to);

    // A run is recorded a moment after its slot, so a run started at or after `from` may belong to the slot just
    // before it: the slots counted start one period earlier. Two runs of one slot start together, which the gaps
    // check below catches.
    const probe = new Cron(EVERY_4_S, { paused: true });
    const slots = probe.nextRuns(100, new Date(from - PERIOD_MS)).filter((d) => d.getTime() <= to).length;
    probe.stop();
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    assert.ok(starts.length <= slots, `${starts.length} runs for ${slots} slots: run starts ${starts.map((t) => t - from).join(', ')} ms after the window opened`);
    assert.ok(gaps.every((g) => g >= 2000), `no slot ran twice: gaps between run starts ${gaps.join(', ')} ms`);
    process.stderr.write(`# ${starts.length} runs for ${slots} slots in ${((to - from) / 1000).toFixed(1)} s; gaps ${gaps.join(', ')} ms\n`);
  });

  it('the dashboard of either server shows the worker (alive, files done) and the queues on the Runs page', { timeout: 120_000 }, async () => {
    const second = servers[1]!;
    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(`${second.url}/#/runs`);
    await page.getByTestId('login-form').waitFor();
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    const panel = page.getByTestId('workers-panel');
    await panel.waitFor();
    const rows = panel.getByTestId('worker-row');
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-alive'), 'true');
    assert.match(await rows.first().innerText(), /alive/);
    assert.ok(Number(await rows.first().locator('td').nth(3).innerText()) >= 1, 'the worker copied the photo of the first run');
    const transfers = panel.locator('[data-testid="queue-row"][data-queue="photoferry-transfer"]');
    assert.match(await transfers.innerText(), /File transfers/);
    assert.equal(await panel.getByTestId('queue-row').count(), 2);
    await screenshot(page, 'workers-panel');
  });
});
