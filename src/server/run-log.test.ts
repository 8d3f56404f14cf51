/**
 * @module A run's log over the API at each moment of its end: the summary is out (the browser asks for the log at
 * once) but the server has not yet written the log to the catalog; then after it has. Real: server, runner, SQLite
 * catalog; fake: the copy use case, held between its summary and its return.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, testServer } from './test-helpers.ts';
import { taskRepository } from '../app/tasks.ts';
import type { copyLibrary } from '../app/copy.ts';
import type { RunSummary } from '../core/outcome.ts';

const summary: RunSummary = { assets: 2, files: { copied: 2, present: 0, removed: 0, failed: 0, filtered: 0 }, bytes: 20, durationMs: 5, status: 'ok' };

test('the log of a run whose summary is out but whose log is not yet in the catalog comes from memory', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let summarised!: () => void;
  const summaryOut = new Promise<void>((r) => { summarised = r; });
  const copy = (async (ctx, req) => {
    const runId = await ctx.catalog.startRun({ sourceId: 'folder:/p', destinationId: 'local:/b', command: 'copy' });
    req.events?.({ type: 'planned', runId, files: 2, bytes: 20, present: 0, filtered: 0, removes: 0 });
    await ctx.catalog.finishRun(runId, summary);
    req.events?.({ type: 'finished', runId, summary });
    summarised();
    await held;
    return { plan: {} as never, runId, summary };
  }) as typeof copyLibrary;
  const t = await testServer({ copy });
  try {
    const client = await login(t.app);
    const task = await taskRepository(t.ctx.catalog).create({ name: 'Family', source: 'folder:/p', destination: 'local:/b', schedule: { type: 'once' } });
    const started = await client.call('POST', `/api/tasks/${task.id}/run`);
    assert.equal(started.statusCode, 202, started.body);
    await summaryOut;
    const runId = (await t.ctx.catalog.runs(1))[0]!.id;
    assert.deepEqual(await t.ctx.catalog.runLog.lines(runId), [], 'the catalog has no log yet');

    const early = (await client.call('GET', `/api/runs/${runId}/log`)).json() as { lines: { message: string }[] };
    assert.ok(early.lines.length > 0, 'the log is served from memory while the catalog has none');

    release();
    const live = await waitUntil(async () => (await t.ctx.catalog.runLog.lines(runId)).length > 0);
    assert.ok(live, 'the log reaches the catalog');
    const late = (await client.call('GET', `/api/runs/${runId}/log`)).json() as { lines: { message: string }[] };
    assert.deepEqual(late.lines.map((l) => l.message), early.lines.map((l) => l.message));
  } finally {
    release();
    await t.close();
  }
});

async function waitUntil(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
