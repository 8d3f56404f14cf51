/**
 * @module Runs owned across servers: two `photoferry serve` on one PostgreSQL catalog. "Run now" on both at once runs
 * the task once (the other is told where it runs and since when); the other server restarted while the run goes
 * leaves the run running (its owner is alive), and the run then completes when a worker takes its batch. The run
 * stays live without a worker (its batch waits in the queue), so "a long copy" costs no bytes and no timing guess.
 * Real: PostgreSQL 15 on loopback, pg-boss, both servers, the worker.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startServe, type Served } from './dashboard/serve.ts';
import { buildWebIfStale } from './dashboard/build-web.ts';
import { clusterHome, startWorker, stopWorkers, until, type Worker } from './workers-harness.ts';
import { postgresMissing, startPostgres, type PostgresServer } from '../servers/postgres.ts';
import { openCatalog } from '../../src/catalog/open.ts';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { taskRepository } from '../../src/app/tasks.ts';

const PASSWORD = 'correct horse battery';
const PHOTO = 'bytes of a photo that waits for a worker';

describe('task runs owned by one of two `photoferry serve` sharing a PostgreSQL catalog', { skip: postgresMissing() ?? false }, () => {
  let pg: PostgresServer;
  let dir = '';
  let env: Record<string, string>;
  let catalog: Catalog;
  const servers: Served[] = [];
  const workers: Worker[] = [];

  before(async () => {
    buildWebIfStale();
    pg = await startPostgres();
    const url = await pg.createDatabase('serve_owners');
    ({ dir, env } = await clusterHome('pf-serve-owners-', url, PHOTO));
    catalog = await openCatalog(url);
  });
  after(async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await stopWorkers(workers);
    await catalog?.close();
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs a task triggered on both servers once, and a restart of the other server leaves the run going to completion', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const post = (server: Served, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const login = async (server: Served) => {
      const res = await post(server, '/api/login', { password: PASSWORD });
      assert.equal(res.status, 200, await res.clone().text());
      const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
      return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': csrf };
    };
    servers.push(await startServe(env));
    assert.equal((await post(servers[0]!, '/api/setup', { password: PASSWORD, setupToken: servers[0]!.setupToken() })).status, 201);
    servers.push(await startServe(env));
    const sessions = await Promise.all(servers.map(login));
    const created = await post(servers[0]!, '/api/tasks', {
      name: 'once', source: `folder:${join(dir, 'photos')}`, destination: `local:${join(dir, 'backup')}`, schedule: { type: 'once' },
    }, sessions[0]);
    assert.equal(created.status, 201, await created.clone().text());
    const task = await created.json() as { id: string };

    // "Run now" on both servers at once: one runs it, the other says where and since when.
    const answers = await Promise.all(servers.map((s, i) => post(s, `/api/tasks/${task.id}/run`, {}, sessions[i])));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [202, 409], `one start, one refusal: ${statuses.join(', ')}`);
    const owner = answers[0]!.status === 202 ? 0 : 1;
    const other = 1 - owner;
    const refusal = await answers[other]!.json() as { error: { code: string; message: string } };
    assert.equal(refusal.error.code, 'conflict');
    assert.match(refusal.error.message, new RegExp(`already running on server \\S+ \\(pid ${servers[owner]!.child.pid}\\) since \\d{4}-\\d\\d-\\d\\dT`));
    const { runId } = await answers[owner]!.json() as { runId: string | null };
    assert.ok(runId !== null, 'the run planned');
    assert.equal((await catalog.runOwners.ownerOf(runId))?.pid, servers[owner]!.child.pid, 'the run is owned by the server that runs it');

    // The other server restarts while the run waits for a worker: its start-up leaves a live owner's run alone.
    await servers[other]!.stop();
    servers[other] = await startServe(env);
    assert.equal((await catalog.run(runId))?.status, 'running', `still running after the restart:\n${servers[other]!.log()}`);
    assert.doesNotMatch(servers[other]!.log(), /marked interrupted/);
    const again = await post(servers[other]!, `/api/tasks/${task.id}/run`, {}, await login(servers[other]!));
    assert.equal(again.status, 409, 'the restarted server is refused too');
    assert.match((await again.json() as { error: { message: string } }).error.message, new RegExp(`, run ${runId}\\.$`));

    workers.push(startWorker(env, ['--jobs', '1', '--concurrency', '1']));
    await until('the run to finish', async () => (await catalog.run(runId))?.status !== 'running', 120_000,
      async () => servers.map((s) => s.log()).join('\n---\n'));
    const run = await catalog.run(runId);
    assert.equal(run?.status, 'ok', JSON.stringify(run?.summary));
    assert.equal(run?.summary?.files.copied, 1);
    const copies = (await readdir(join(dir, 'backup'), { recursive: true })).filter((f) => f.endsWith('a.jpg'));
    assert.equal(copies.length, 1, `one copy: ${copies.join(', ')}`);
    assert.equal(await readFile(join(dir, 'backup', copies[0]!), 'utf8'), PHOTO);
    assert.deepEqual(await taskRepository(catalog).runIdsOf(task.id, 10), [runId], 'the task ran once');
    process.stderr.write(`# serve-owners: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });
});
