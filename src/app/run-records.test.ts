/**
 * @module Interrupted runs are found by their owner, not by being "running": another live process's run is left alone;
 * once that process is SIGKILLed on this machine its run is marked at once (its PID is gone, no lease to wait out),
 * by one check only, with the reason on the task run and in its log. Real: a second Node process, a SQLite catalog.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCatalog } from '../catalog/open.ts';
import { taskRepository } from './tasks.ts';
import { INTERRUPTED, markInterrupted, runLog } from './run-records.ts';

const OPEN = fileURLToPath(new URL('../catalog/open.ts', import.meta.url));

/** Another process that opens the catalog, starts a run of task t1 and keeps going until killed. */
function runningElsewhere(file: string): Promise<{ runId: string; kill: () => Promise<void> }> {
  const code = `import { openCatalog } from ${JSON.stringify(OPEN)};
    const c = await openCatalog(${JSON.stringify(file)});
    const id = await c.startRun({ sourceId: 's', destinationId: 'd', command: 'copy' });
    await c.tasks.linkRun(id, 't1');
    console.log('run ' + id);
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /run (\S+)/.exec(out);
      if (m) resolve({ runId: m[1]!, kill: async () => { child.kill('SIGKILL'); await exited; } });
    });
    child.once('exit', (code) => reject(new Error(`the other process exited (${code}) before starting its run`)));
  });
}

test('a live process\'s run is left alone; killed, its run is marked interrupted at once and once', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pf-run-owner-'));
  const file = join(dir, 'catalog.db');
  const catalog = await openCatalog(file);
  let other: Awaited<ReturnType<typeof runningElsewhere>> | undefined;
  try {
    const repo = taskRepository(catalog);
    await catalog.tasks.insert({ id: 't1', name: 'n', spec: '{}', paused: 0, created_at: 1, updated_at: 1, last_slot_at: null });
    other = await runningElsewhere(file);
    assert.deepEqual(await markInterrupted({ catalog }, repo), [], 'its owner is alive');
    assert.equal((await catalog.run(other.runId))?.status, 'running');
    await other.kill();
    assert.deepEqual(await markInterrupted({ catalog }, repo), [other.runId], 'its PID is gone: no lease to wait out');
    assert.deepEqual(await markInterrupted({ catalog }, repo), [], 'marked once');
    assert.equal((await catalog.run(other.runId))?.status, INTERRUPTED);
    assert.equal((await repo.runLink(other.runId))?.error_code, INTERRUPTED);
    assert.match((await runLog({ catalog }, other.runId))[0]?.message ?? '', /stopped before it finished/);
  } finally {
    await other?.kill();
    await catalog.close();
    await rm(dir, { recursive: true, force: true });
  }
});
