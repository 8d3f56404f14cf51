/** @module The engine end to end with a real SQLite catalog, the memory source and the memory store. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { anAsset, aResource } from '../../test/fixtures/build.ts';
import { openSqliteCatalog } from '../catalog/sqlite/sqlite-catalog.ts';
import { createMemoryStore } from '../destinations/memory/memory-store.ts';
import { createFileDestination } from '../destinations/file-destination.ts';
import { contentOf, createMemorySource } from '../sources/memory/memory-source.ts';
import { TransferError, fromSystemError } from '../core/transfer-error.ts';
import type { Asset } from '../core/asset.ts';
import type { RunEvent } from './events.ts';
import { refresh } from './refresh.ts';
import { DEFAULT_POLICY, plan } from './plan.ts';
import { executePlan } from './run.ts';

const signal = () => AbortSignal.timeout(30_000);

async function setup(assets: Asset[]) {
  const catalog = await openSqliteCatalog(':memory:');
  const source = createMemorySource(assets);
  const store = createMemoryStore();
  const destination = createFileDestination('memory:dest', store);
  const events: RunEvent[] = [];
  const run = async () => {
    await refresh(source, catalog, () => {}, signal());
    const planned = plan({
      assets: await catalog.assets(source.id), placements: await catalog.placements(destination.id, source.id),
      template: '{yyyy}/{filename}', include: () => true, policy: DEFAULT_POLICY, propagateDeletes: true,
    });
    const runId = await catalog.startRun({ sourceId: source.id, destinationId: destination.id, command: 'sync' });
    return executePlan(runId, planned, {
      source, destination, catalog, events: (e) => events.push(e), concurrency: 3,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    }, signal());
  };
  return { catalog, source, store, destination, events, run };
}

describe('engine run', () => {
  it('copies every resource byte-identically, then a re-run sends nothing', async () => {
    const assets = Array.from({ length: 20 }, (_, i) => anAsset({
      id: `a${i}`, filename: `IMG_${i}.HEIC`, kind: 'live-photo',
      resources: [aResource({ filename: `IMG_${i}.HEIC`, size: 1000 + i }), aResource({ role: 'live-video', filename: `IMG_${i}.MOV`, size: 3000 + i })],
    }));
    const t = await setup(assets);
    const first = await t.run();
    assert.equal(first.summary.files.copied, 40);
    assert.equal(first.summary.status, 'ok');
    for (const a of assets) {
      const data = t.store.files.get(`2021/${a.filename}`);
      assert.ok(data, `missing ${a.filename}`);
      assert.deepEqual(data, contentOf(a.id, 'original', a.resources[0]!.size));
    }
    const placements = await t.catalog.placements('memory:dest');
    const one = placements.find((p) => p.path === '2021/IMG_3.MOV')!;
    assert.equal(one.sha256, createHash('sha256').update(contentOf('a3', 'live-video', 3003)).digest('hex'));
    const opens = t.source.opens;
    const second = await t.run();
    assert.equal(second.summary.files.copied, 0);
    assert.equal(second.summary.bytes, 0);
    assert.equal(second.summary.files.present, 40);
    assert.equal(t.source.opens, opens, 'a no-op run opens nothing at the source');
    assert.ok(!t.events.some((e) => e.type === 'file-start' && e.path.startsWith('.photoferry')));
    assert.deepEqual([...t.store.files.keys()].filter((k) => k.startsWith('.photoferry')), []);
  });

  it('retries transient failures and honours Retry-After, then succeeds', async () => {
    const a = anAsset({ id: 'flaky' });
    const t = await setup([a]);
    t.source.failNext(a.id, new TransferError('rate-limited', 'slow down', { connector: 'memory', retryAfterMs: 20 }), 2);
    const result = await t.run();
    assert.equal(result.summary.files.copied, 1);
    const retries = t.events.filter((e) => e.type === 'retry');
    assert.equal(retries.length, 2);
    assert.ok(retries.every((e) => e.type === 'retry' && e.delayMs >= 20));
  });

  it('records a permanent failure as a failed outcome and carries on', async () => {
    const bad = anAsset({ id: 'bad' });
    const good = anAsset({ id: 'good' });
    const t = await setup([bad, good]);
    t.source.failNext(bad.id, new TransferError('permanent', 'unreadable', { connector: 'memory' }), 99);
    const result = await t.run();
    assert.equal(result.summary.status, 'partial');
    assert.equal(result.summary.files.copied, 1);
    assert.equal(result.summary.files.failed, 1);
    const failures = await t.catalog.outcomes(result.runId, { status: 'failed' });
    assert.equal(failures[0]?.errorKind, 'permanent');
    assert.equal((await t.catalog.placements('memory:dest')).length, 1, 'no placement for what failed');
  });

  it('stops the whole run when authentication is needed', async () => {
    const assets = Array.from({ length: 10 }, (_, i) => anAsset({ id: `x${i}` }));
    const t = await setup(assets);
    for (const a of assets) t.source.failNext(a.id, new TransferError('auth-required', 'sign in again', { connector: 'memory' }), 9);
    const result = await t.run();
    assert.equal(result.fatal?.kind, 'auth-required');
    assert.equal(result.summary.status, 'failed');
  });

  it('a full destination (injected ENOSPC) stops the run and records nothing as done', async () => {
    const assets = Array.from({ length: 6 }, (_, i) => anAsset({ id: `f${i}` }));
    const t = await setup(assets);
    let writes = 0;
    const realWrite = t.store.write.bind(t.store);
    t.store.write = async (path, body, meta, sig) => {
      if (++writes > 2) { body.destroy(); throw fromSystemError(Object.assign(new Error('write failed'), { code: 'ENOSPC' }), 'memory', `write ${path}`); }
      return realWrite(path, body, meta, sig);
    };
    const result = await t.run();
    assert.equal(result.fatal?.kind, 'quota-exceeded');
    assert.match(result.fatal?.message ?? '', /no space left/);
    // In-flight copies are cancelled with the run: whatever is recorded is exactly what is visible, nothing staged.
    const recorded = (await t.catalog.placements('memory:dest')).map((p) => p.path).sort();
    assert.deepEqual([...t.store.files.keys()].sort(), recorded);
    assert.ok(recorded.length <= 2);
  });

  it('a size mismatch is caught before the file becomes visible', async () => {
    const liar = anAsset({ id: 'liar', filename: 'L.JPG', resources: [aResource({ filename: 'L.JPG', size: 500 })] });
    const t = await setup([liar]);
    const realOpen = t.source.open.bind(t.source);
    t.source.open = async (asset, role, sig) => realOpen({ ...asset, resources: [aResource({ filename: 'L.JPG', size: 400 })] }, role, sig);
    const result = await t.run();
    assert.equal(result.summary.files.failed, 1);
    assert.equal(t.store.files.size, 0, 'nothing visible, nothing staged');
  });

  it('propagates deletions on sync --delete', async () => {
    const keep = anAsset({ id: 'keep', filename: 'K.JPG' });
    const drop = anAsset({ id: 'drop', filename: 'D.JPG' });
    const t = await setup([keep, drop]);
    await t.run();
    t.source.setAssets([keep]);
    const result = await t.run();
    assert.equal(result.summary.files.removed, 1);
    assert.deepEqual([...t.store.files.keys()], ['2021/K.JPG']);
  });
});
