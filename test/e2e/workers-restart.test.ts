/**
 * @module PostgreSQL restarted mid-run (issue 13, acceptance 3): 2 workers and the coordinator lose the catalog and
 * the queue for a few seconds; they reconnect and the run completes with every file once and byte-identical.
 * Real: PostgreSQL 15 on loopback (fast shutdown, same data), pg-boss; fake: Apple (the simulator).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { runCli, startCli } from './cli.ts';
import { REMOTE, compareWithSimulator, expectedResources, signIn, startWorld, summaryOf, type IcloudWorld } from './icloud/harness.ts';
import { startPostgres, type PostgresServer } from '../servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';

// About 6 batches of ≤ 64 files: the restart lands with batches done, in flight and still waiting.
const ASSETS = 300;
let pg: PostgresServer;
let world: IcloudWorld;
let catalog: Catalog;
interface Worker { readonly child: ChildProcess; readonly stderr: () => string; readonly exited: Promise<never> }
const workers: Worker[] = [];

/** A worker whose exit fails the test at once, with its stderr (a crash must not look like a slow run). */
async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child = startCli(['worker', '--jobs', '1', '--concurrency', '4'], env);
  let err = '';
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}):\n${err}`))));
  exited.catch(() => undefined);
  await Promise.race([exited, new Promise<void>((resolve) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (/ready/.test(err)) resolve(); });
  })]);
  return { child, stderr: () => err, exited };
}

describe('PostgreSQL restarted mid-run', () => {
  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('restart');
    world = await startWorld({ assets: ASSETS, seed: 1314, meanSize: 8 * 1024 }, ['minRequestIntervalMs=0']);
    Object.assign(world.env, { PHOTOFERRY_CATALOG_URL: url });
    const signed = await signIn(world);
    assert.equal(signed.code, 0, signed.stderr);
    catalog = await openCatalog(url, { max: 2 });
  });
  after(async () => {
    for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited.catch(() => undefined)));
    await catalog?.close().catch(() => undefined);
    await world?.stop();
    await pg?.stop();
  });

  it('a PostgreSQL restart mid-run: workers reconnect, the run completes, nothing lost or twice', { timeout: 240_000 }, async () => {
    const env = world.env as Record<string, string>;
    workers.push(...await Promise.all([startWorker(env), startWorker(env)]));
    const dest = join(world.home, 'backup');
    const copy = runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], env);
    const deadline = Date.now() + 120_000;
    let atRestart: { done: number; total: number };
    for (;;) {
      const [run] = await catalog.runs(1);
      const batches = run ? await catalog.jobs.batches(run.id) : [];
      atRestart = { done: batches.filter((b) => b.result !== null).length, total: batches.length };
      if (atRestart.done >= 1) break;
      assert.ok(Date.now() < deadline, 'the run never got going');
      await Promise.race([new Promise((r) => setTimeout(r, 100)), ...workers.map((w) => w.exited)]);
    }
    const restartedAt = Date.now();
    await pg.restart(3000);

    const r = await Promise.race([copy, ...workers.map((w) => w.exited)]);
    process.stderr.write(`# restart with ${atRestart.done}/${atRestart.total} batches done; run finished ${Date.now() - restartedAt} ms after it\n`);
    assert.ok(atRestart.done < atRestart.total, 'the restart came while batches were still to do');
    assert.equal(r.code, 0, r.stderr);
    const expected = expectedResources(world.sim);
    const summary = summaryOf(r.stdout);
    assert.equal(summary.files.copied, expected.length, 'every file counted once');
    assert.equal(summary.files.failed, 0);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    assert.equal(check.files, expected.length, 'no file twice');
    for (const w of workers) assert.equal(w.child.exitCode, null, `the workers rode out the restart:\n${w.stderr()}`);
  });
});
