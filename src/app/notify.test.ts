/** @module Webhook notifications: a local HTTP receiver gets well-formed JSON when a task's run finishes and when it fails. Real: runner, SQLite catalog, HTTP; fake: the copy use case. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContext } from './context.ts';
import { taskRepository } from './tasks.ts';
import { createTaskRunner } from './task-runner.ts';
import { createNotifier } from './notify.ts';
import type { copyLibrary } from './copy.ts';
import type { RunId, RunSummary } from '../core/outcome.ts';
import { TransferError } from '../core/transfer-error.ts';
import { silentLogger } from '../connectors/context.ts';

async function receiver() {
  const got: { body: unknown; contentType: string | undefined; auth: string | undefined }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => { got.push({ body: JSON.parse(text) as unknown, contentType: req.headers['content-type'], auth: req.headers.authorization }); res.end('ok'); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=abc`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const summary: RunSummary = { assets: 3, files: { copied: 4, present: 1, removed: 0, failed: 0, filtered: 2 }, bytes: 4096, durationMs: 12, status: 'ok' };

test('webhook: run.finished with the summary, run.failed with the reason', async () => {
  const home = mkdtempSync(join(tmpdir(), 'pf-notify-'));
  const hook = await receiver();
  const ctx = await openContext({ env: { PHOTOFERRY_HOME: home } });
  try {
    const repo = taskRepository(ctx.catalog);
    const notifier = createNotifier({ webhook: { url: hook.url, headers: { authorization: 'Bearer hook-secret' } }, expiringDays: 7 }, { log: silentLogger });
    let fail = false;
    const copy = (async (_ctx, req) => {
      if (fail) throw new TransferError('auth-required', 'The iCloud session expired: sign in again.', { connector: 'icloud' });
      const runId = 'run-1' as RunId;
      req.events?.({ type: 'planned', runId, files: 4, bytes: 4096, present: 1, filtered: 2, removes: 0 });
      req.events?.({ type: 'finished', runId, summary });
      return { plan: {} as never, runId, summary };
    }) as typeof copyLibrary;
    const runner = createTaskRunner({ ctx, tasks: repo, notifier, copy });
    const task = await repo.create({ name: 'Family', source: 'folder:/p', destination: 'local:/b', schedule: { type: 'once' } });

    await (await runner.start(task.id, 'manual')).done;
    fail = true;
    await (await runner.start(task.id, 'manual')).done;

    assert.equal(hook.got.length, 2);
    const [finished, failed] = hook.got.map((g) => g.body as Record<string, unknown>);
    assert.equal(hook.got[0]!.contentType, 'application/json');
    assert.equal(hook.got[0]!.auth, 'Bearer hook-secret');
    assert.equal(finished!['event'], 'run.finished');
    assert.deepEqual(finished!['task'], { id: task.id, name: 'Family' });
    assert.deepEqual(finished!['summary'], summary);
    assert.equal((finished!['run'] as Record<string, unknown>)['id'], 'run-1');
    assert.ok(!Number.isNaN(Date.parse(String(finished!['at']))));
    assert.equal(failed!['event'], 'run.failed');
    assert.equal((failed!['run'] as Record<string, unknown>)['status'], 'failed');
    assert.match(String(failed!['message']), /sign in again/);
  } finally {
    await hook.close();
    await ctx.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a dead webhook does not throw', async () => {
  const warnings: object[] = [];
  const notifier = createNotifier({ webhook: { url: 'http://127.0.0.1:9/hook?token=secret' }, expiringDays: 7 }, { log: { ...silentLogger, warn: (o) => warnings.push(o) }, timeoutMs: 2000 });
  await notifier.send({ event: 'run.finished' });
  assert.equal(warnings.length, 1);
  assert.ok(!JSON.stringify(warnings).includes('secret'), 'the query string is not logged');
});
