/**
 * @module One pacer per Apple ID across workers (issue 13, acceptance 4): two Apple IDs in the simulator, each with a
 * request ceiling (requests/second it serves; past it, 503 + Retry-After as Apple throttles), a PostgreSQL catalog,
 * 4 `photoferry worker` processes, both accounts' runs at once through the real binary. Each account paces itself
 * under its ceiling cluster-wide (`requestsPerSecond`), both runs land every file once, and neither waits for the
 * other to finish. Real: PostgreSQL 15 on loopback, pg-boss; fake: Apple (the simulator).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { compareWithSimulator, expectedResources, runCliTyping, signIn, startWorld, summaryOf, REMOTE, type IcloudWorld } from './icloud/harness.ts';
import { startWorker, stopWorkers, until, type Worker } from './workers-harness.ts';
import { startPostgres, type PostgresServer } from '../servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';

const ASSETS = 120;
/** What the simulator serves per account and second; the remotes ask for 60 % of it, leaving room for timing jitter. */
const CEILING = 20;
const PACE = 12;
const SECOND = { remote: 'ic2', appleId: 'second@photoferry.test' } as const;

describe('two Apple IDs with request ceilings, 4 workers on a PostgreSQL catalog', () => {
  let pg: PostgresServer;
  let world: IcloudWorld;
  let catalog: Catalog;
  let env: Record<string, string>;
  const workers: Worker[] = [];

  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('pacer_e2e');
    const pacing = ['minRequestIntervalMs=0', `requestsPerSecond=${PACE}`];
    world = await startWorld({ assets: ASSETS, seed: 1315, meanSize: 4 * 1024 }, pacing);
    env = { ...world.env, PHOTOFERRY_CATALOG_URL: url };
    // The second Apple ID: another account on the same simulator, another remote in the same home (workers know both).
    await world.sim.auth.addAccount({ appleId: SECOND.appleId, password: world.sim.account.password });
    const added = await runCli(['remote', 'add', SECOND.remote, 'icloud', `appleId=${SECOND.appleId}`, `authUrl=${world.sim.authUrl}`, `setupUrl=${world.sim.setupUrl}`, ...pacing], env);
    assert.equal(added.code, 0, added.stderr);
    const first = await signIn({ ...world, env });
    assert.equal(first.code, 0, first.stderr);
    const second = await runCliTyping(['auth', 'icloud', SECOND.remote], { ...env, PHOTOFERRY_ICLOUD_PASSWORD: world.sim.account.password },
      /Verification code: ?$/, () => world.sim.auth.lastCode(SECOND.appleId));
    assert.equal(second.code, 0, second.stderr);
    // The ceilings go in through the simulator's fault control, as any client of it would set them.
    const set = await fetch(`${world.sim.baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({
      ceilings: { [world.sim.account.appleId]: { perSecond: CEILING, retryAfterSec: 1 }, [SECOND.appleId]: { perSecond: CEILING, retryAfterSec: 1 } },
    }) });
    assert.equal(set.status, 200);
    catalog = await openCatalog(url);
  });
  after(async () => {
    await stopWorkers(workers);
    await catalog?.close();
    await world?.stop();
    await pg?.stop();
  });

  it(`both runs at once: ≤ 1 % of each account's requests over its ceiling, every file once, active periods overlap`, { timeout: 300_000 }, async () => {
    for (let i = 0; i < 4; i++) workers.push(startWorker(env));
    await Promise.all(workers.map((w) => w.id));
    const accounts = [
      { remote: REMOTE, appleId: world.sim.account.appleId.toLowerCase(), dest: join(world.home, 'backup-a') },
      { remote: SECOND.remote, appleId: SECOND.appleId, dest: join(world.home, 'backup-b') },
    ];
    const began = Date.now();
    const runs = accounts.map((a) => runCli(['--json', 'copy', `${a.remote}:`, `local:${a.dest}`], env).then((r) => ({ ...r, endedAt: Date.now() })));

    // When each account first had a batch of files done, read from the catalog while both runs go on.
    const firstDone = new Map<string, number>();
    let settled = false;
    void Promise.all(runs).finally(() => { settled = true; });
    await until('both runs to finish', async () => {
      for (const run of await catalog.runs(10)) {
        if (firstDone.has(run.sourceId)) continue;
        if ((await catalog.jobs.batches(run.id)).some((b) => b.result !== null)) firstDone.set(run.sourceId, Date.now());
      }
      return settled;
    }, 240_000);
    const results = await Promise.all(runs);

    const expected = expectedResources(world.sim);
    const stats = await (await fetch(`${world.sim.baseUrl}/__sim/stats`)).json() as { accounts: Record<string, { served: number; refused: number; peakPerSecond: number }> };
    const report: string[] = [];
    for (const [i, a] of accounts.entries()) {
      const r = results[i]!;
      assert.equal(r.code, 0, r.stderr);
      const summary = summaryOf(r.stdout);
      assert.equal(summary.files.copied, expected.length, `${a.appleId}: every file of the library copied`);
      assert.equal(summary.files.failed, 0);
      const check = await compareWithSimulator(a.dest, world.sim);
      assert.deepEqual(check.problems.slice(0, 20), [], a.appleId);
      assert.equal(check.files, expected.length, `${a.appleId}: no file twice`);

      const { served, refused, peakPerSecond } = stats.accounts[a.appleId] ?? { served: 0, refused: 0, peakPerSecond: 0 };
      // Every download is signed for, and counted against, the account that listed it.
      assert.ok(served >= expected.length, `${a.appleId}: ${served} requests served, at least one per file`);
      assert.ok(refused <= 0.01 * (served + refused), `${a.appleId}: ${refused} of ${served + refused} requests refused over the ceiling (> 1 %)`);

      const other = results[1 - i]!;
      const done = firstDone.get(`icloud:${a.appleId}`);
      assert.ok(done !== undefined && done < other.endedAt, `${a.appleId} had files done before the other account's run ended`);
      report.push(`${a.appleId}: ${served} served, ${refused} refused, peak ${peakPerSecond}/s, first batch at ${((done ?? 0) - began) / 1000} s, run ${(r.endedAt - began) / 1000} s`);
    }
    process.stderr.write(`# ${report.join('; ')}\n`);
  });
});
