/**
 * @module Workers on a shared PostgreSQL catalog (issue 13, acceptance 2): simulator (2,000 assets) → local and → S3
 * through the real binary with 3 `photoferry worker` processes; one is SIGKILLed mid-run and its batch goes to another.
 * Real: PostgreSQL 15 on loopback, pg-boss, s3rver; fake: Apple (the simulator).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runCli } from './cli.ts';
import { startWorker, stopWorkers, until, type Worker } from './workers-harness.ts';
import { REMOTE, compareWithSimulator, expectedResources, jsonEvents, signIn, startWorld, summaryOf, type IcloudWorld } from './icloud/harness.ts';
import { startPostgres, type PostgresServer } from '../servers/postgres.ts';
import { startS3rver, type S3rverServer } from '../servers/s3rver.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { createCluster } from '../../src/app/cluster.ts';
import type { AppContext } from '../../src/app/context.ts';
import { silentLogger } from '../../src/connectors/context.ts';

const ASSETS = 2000;

/** The queue's own view of a run's batch jobs (pg-boss's table), to explain a handover that did not happen. */
async function jobRows(url: string, runId: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT (data->>'batch')::int AS batch, state, retry_count, group_id, started_on, heartbeat_on, heartbeat_seconds, start_after, now() AS now
      FROM pgboss.job WHERE name = 'photoferry-transfer' AND data->>'runId' = $1 AND state <> 'completed' ORDER BY 1`, [runId]);
    return rows;
  } finally {
    await client.end();
  }
}

describe('photoferry worker ×3 on a PostgreSQL catalog (simulator, 2000 assets)', () => {
  let pg: PostgresServer;
  let world: IcloudWorld;
  let s3: S3rverServer;
  let catalog: Catalog;
  let env: Record<string, string>;
  const workers: Worker[] = [];

  before(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase('workers');
    world = await startWorld({ assets: ASSETS, seed: 1313, meanSize: 8 * 1024 }, ['minRequestIntervalMs=0']);
    Object.assign(world.env, { PHOTOFERRY_CATALOG_URL: url });
    env = world.env as Record<string, string>;
    s3 = await startS3rver({ buckets: ['photos'] });
    const added = await runCli(['remote', 'add', 's3w', 's3', 'provider=custom', `endpoint=${s3.endpoint}`, 'bucket=photos',
      'accessKeyId=S3RVER', 'secretAccessKey=S3RVER'], env);
    assert.equal(added.code, 0, added.stderr);
    const signed = await signIn(world);
    assert.equal(signed.code, 0, signed.stderr);
    catalog = await openCatalog(url);
  });
  after(async () => {
    await stopWorkers(workers);
    await catalog?.close();
    await Promise.allSettled([world?.stop(), s3?.stop()]);
    await pg?.stop();
  });

  it('→ local: every file once and byte-identical, a SIGKILLed worker\'s batch redone within 60 s, summary = library', { timeout: 900_000 }, async () => {
    for (let i = 0; i < 3; i++) workers.push(startWorker(env));
    const ids = await Promise.all(workers.map((w) => w.id));
    const dest = join(world.home, 'backup');
    const copy = runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], env);

    // Mid-run: some batches done and a worker inside one (begun, not finished: what the catalog says, not the 5-second
    // heartbeat row). Any worker: the per-account cap (4 of the 6 slots) may leave one worker without a batch.
    let victim = '';
    await until('a worker to hold a batch mid-run', async () => {
      const [run] = await catalog.runs(1);
      if (!run) return false;
      const rows = await catalog.jobs.batches(run.id);
      victim = rows.find((b) => b.result === null && b.worker !== null && ids.includes(b.worker))?.worker ?? '';
      return rows.filter((b) => b.result !== null).length >= 2 && victim !== '';
    }, 300_000);
    const dead = workers[ids.indexOf(victim)]!;
    dead.child.kill('SIGKILL');
    const killedAt = Date.now();
    await dead.exited;
    const [run] = await catalog.runs(1);
    const held = (await catalog.jobs.batches(run!.id)).filter((b) => b.result === null && b.worker === victim).map((b) => b.batch);
    assert.ok(held.length > 0, 'the victim died holding a batch');
    // The victim's unfinished batches are taken (attempted again) by a live worker within a minute.
    await until('another worker to take the dead worker\'s batches', async () => {
      const rows = await catalog.jobs.batches(run!.id);
      return rows.filter((b) => held.includes(b.batch)).every((b) => b.result !== null || b.worker !== victim);
    }, 60_000, async () => JSON.stringify(await jobRows(env.PHOTOFERRY_CATALOG_URL!, run!.id), null, 1));
    const pickedUpMs = Date.now() - killedAt;

    const r = await copy;
    if (r.code !== 0) {
      // The files failed inside workers: their reasons are in the catalog, not in the coordinator's output.
      const failed = await catalog.outcomes(run!.id, { status: 'failed' });
      assert.fail(`copy exited ${r.code}: ${r.stderr}\n${failuresOf(r.stdout)}\nfailed outcomes: ${JSON.stringify(failed.slice(0, 10), null, 1)}`);
    }
    const expected = expectedResources(world.sim);
    const summary = summaryOf(r.stdout);
    assert.equal(summary.files.copied, expected.length, 'summary counts every file of the library once');
    assert.equal(summary.files.failed, 0);
    assert.equal(summary.assets, ASSETS);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    assert.equal(check.files, expected.length, 'no file twice');
    const batches = await catalog.jobs.batches(run!.id);
    assert.ok(batches.every((b) => b.result !== null), 'every batch finished');
    assert.ok(batches.some((b) => b.attempts >= 2), 'the dead worker\'s batch was attempted again');
    assert.equal((await catalog.outcomes(run!.id)).filter((o) => o.code === 'copied' && !/\.(xmp|json)$/i.test(o.path ?? '')).length >= expected.length, true);
    process.stderr.write(`# dead worker's batches picked up after ${pickedUpMs} ms\n`);
  });

  it('→ S3: every object once with the simulator\'s SHA-256, summary = library', { timeout: 900_000 }, async () => {
    const r = await runCli(['--json', 'copy', `${REMOTE}:`, 's3w:photos/lib'], env);
    assert.equal(r.code, 0, r.stderr);
    const expected = expectedResources(world.sim);
    const summary = summaryOf(r.stdout);
    assert.equal(summary.files.copied, expected.length);
    assert.equal(summary.files.failed, 0);
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const hashes: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: 'photos', Prefix: 'lib/', ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        const rel = o.Key!.slice('lib/'.length);
        if (/\.(xmp|json|jsonl)$/i.test(rel) || rel.startsWith('albums/')) continue;
        const body = (await client.send(new GetObjectCommand({ Bucket: 'photos', Key: o.Key! }))).Body as Readable;
        const h = createHash('sha256');
        for await (const chunk of body) h.update(chunk as Buffer);
        hashes.push(h.digest('hex'));
      }
      token = page.NextContinuationToken;
    } while (token);
    client.destroy();
    assert.deepEqual(hashes.sort(), expected.map((e) => e.sha256).sort(), 'each resource exactly once, byte-identical');
  });

  it('the server\'s cluster view lists the live workers, not the killed one, and an empty queue', async () => {
    const ctx = { catalog, config: { catalog: env.PHOTOFERRY_CATALOG_URL! }, log: silentLogger } as unknown as AppContext;
    const cluster = createCluster(ctx, () => Date.now() + 1000);
    try {
      const view = await cluster.status();
      assert.equal(view.dialect, 'postgres');
      const alive = view.workers.filter((w) => w.alive);
      assert.equal(alive.length, 2, JSON.stringify(view.workers));
      assert.ok(alive.every((w) => w.filesDone > 0 && w.bytesPerSecond > 0), 'both did work');
      const transfer = view.queues.find((q) => q.name === 'photoferry-transfer');
      assert.equal(transfer?.waiting, 0);
      assert.equal(transfer?.active, 0);
    } finally {
      await cluster.close();
    }
  });
});

/** What a failed run reported: its failure events and the summary, for the assertion message. */
function failuresOf(stdout: string): string {
  const events = jsonEvents(stdout).filter((e) => e.type === 'finished' || /fail|error/i.test(JSON.stringify(e)));
  return JSON.stringify(events.slice(-20), null, 1).slice(0, 6000);
}
