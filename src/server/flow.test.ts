/**
 * @module The whole API against the simulator on a real listening server: setup → login → iCloud account with the 2FA
 * code → local destination + Test → task with an album filter → run → SSE to 100 % → summary → files on disk; then
 * throttling → snapshots show the back-off with a finite ETA. Real: everything but Apple (the simulator).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { ADMIN_PASSWORD, testServer, type TestServer } from './test-helpers.ts';

type Json = Record<string, unknown>;
interface Sse { type: string; data: Json }

describe('API flow against the simulator', () => {
  let sim: Simulator;
  let t: TestServer;
  let base = '';
  let cookie = '';
  let csrf = '';
  let accountId = '';
  let taskId = '';

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json & Json[]; text: string }> => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.headers.get('set-cookie')?.startsWith('pf_session=')) cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    let json: unknown = null;
    try { json = JSON.parse(text); } catch { /* CSV and empty bodies */ }
    return { status: res.status, json: json as Json & Json[], text };
  };

  /** Reads an SSE stream to its end (the server closes it after the run's last snapshot). */
  async function events(path: string): Promise<Sse[]> {
    const res = await fetch(`${base}${path}`, { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const out: Sse[] = [];
    let buffer = '';
    for await (const chunk of res.body!) {
      buffer += Buffer.from(chunk).toString();
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type !== undefined && data !== undefined) out.push({ type, data: JSON.parse(data) as Json });
      }
    }
    return out;
  }

  before(async () => {
    sim = await startSimulator({ assets: 150, seed: 3, sharedLibrary: false });
    t = await testServer({ planWaitMs: 15_000 });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  after(async () => { await t.close(); await sim.stop(); });

  test('setup → login → account with 2FA → destination + Test → album task → run → SSE 100 % → summary → files', async () => {
    assert.equal((await call('GET', '/api/session')).json['setupNeeded'], true);
    assert.equal((await call('POST', '/api/setup', { password: ADMIN_PASSWORD })).status, 201);
    const loggedIn = await call('POST', '/api/login', { password: ADMIN_PASSWORD });
    assert.equal(loggedIn.status, 200);
    csrf = String(loggedIn.json['csrfToken']);

    const started = await call('POST', '/api/accounts/icloud', { appleId: sim.account.appleId, password: sim.account.password, authUrl: sim.authUrl, setupUrl: sim.setupUrl });
    assert.equal(started.json['state'], 'needs-code', started.text);
    assert.match(String(started.json['hint']), /code/i);
    accountId = String(started.json['id']);
    const wrong = await call('POST', `/api/accounts/icloud/${accountId}/code`, { code: '000000' });
    assert.equal(wrong.json['state'], 'needs-code', wrong.text);
    assert.match(String(wrong.json['message']), /Wrong code/);
    const signedIn = await call('POST', `/api/accounts/icloud/${accountId}/code`, { code: sim.auth.lastCode(sim.account.appleId) });
    assert.equal(signedIn.json['state'], 'signed-in', signedIn.text);
    const accounts = await call('GET', '/api/accounts');
    assert.deepEqual(accounts.json.map((a) => [a['id'], a['state'], a['trusted']]), [[accountId, 'signed-in', true]]);

    const out = join(t.home, 'backup');
    assert.equal((await call('POST', '/api/destinations', { name: 'nas', type: 'local', options: { path: out } })).status, 201);
    assert.deepEqual((await call('POST', '/api/destinations/nas/test')).json, { ok: true });
    writeFileSync(join(t.home, 'a-file'), 'not a folder');
    const bad = await call('POST', '/api/destinations', { name: 'bad', type: 'local', options: { path: join(t.home, 'a-file', 'sub') } });
    assert.equal(bad.status, 201);
    const badTest = await call('POST', '/api/destinations/bad/test');
    assert.equal(badTest.json['ok'], false);
    assert.match(String(badTest.json['message']), /not a directory/);

    const refreshed = await call('POST', '/api/library/refresh', { source: accountId });
    assert.equal(refreshed.json['upserts'], 150, refreshed.text);
    const library = await call('GET', `/api/library?source=${encodeURIComponent(accountId)}`);
    assert.equal(library.json['assets'], 150);
    const album = (library.json['byAlbum'] as Record<string, { assets: number; bytes: number }>)['Best of'];
    assert.ok(album !== undefined && album.assets > 1, JSON.stringify(library.json['byAlbum']));

    const task = await call('POST', '/api/tasks', { name: 'Best of', source: accountId, destination: 'nas', albums: ['Best of'], schedule: { type: 'once' } });
    assert.equal(task.status, 201, task.text);
    taskId = String(task.json['id']);
    const run = await call('POST', `/api/tasks/${taskId}/run`);
    assert.equal(run.status, 202, run.text);
    const runId = String(run.json['runId']);
    assert.notEqual(runId, 'null');

    const stream = await events(`/api/runs/${runId}/events`);
    const snapshots = stream.filter((e) => e.type === 'snapshot').map((e) => e.data);
    const last = snapshots.at(-1)!;
    assert.equal(last['state'], 'ok', JSON.stringify(last));
    assert.equal(last['filesDone'], last['files']);
    assert.ok(Number(last['files']) >= album.assets);
    assert.ok(snapshots.every((s) => Number.isFinite(s['etaSeconds'])));

    const shown = await call('GET', `/api/runs/${runId}`);
    const summary = (shown.json['run'] as Json)['summary'] as { assets: number; bytes: number; files: Record<string, number> };
    assert.equal(summary.assets, album.assets);
    assert.equal(summary.files['failed'], 0);
    assert.equal(summary.files['copied'], last['files']);
    assert.deepEqual(shown.json['failures'], []);
    // Every copied file is on disk with the size the run recorded. Sidecars (.xmp) get outcomes of their own that the
    // engine's summary does not count as files, so the count is compared on media files.
    const report = await call('GET', `/api/runs/${runId}/report.json`);
    const copied = (report.json['outcomes'] as unknown as { code: string; path: string; bytes: number }[]).filter((o) => o.code === 'copied');
    for (const o of copied) assert.equal(statSync(join(out, o.path)).size, o.bytes, o.path);
    const media = copied.filter((o) => !o.path.endsWith('.xmp'));
    assert.equal(media.length, summary.files['copied'], JSON.stringify({ copied, summary }));
    assert.equal(new Set(media.map((o) => (o as unknown as { assetId: string }).assetId)).size, album.assets);
    const csv = await call('GET', `/api/runs/${runId}/report.csv`);
    assert.equal(csv.text.trim().split('\n').length, 1 + copied.length);
    const tasks = await call('GET', '/api/tasks');
    assert.equal(((tasks.json[0]!['lastRun']) as Json)['status'], 'ok');
    assert.equal((await call('GET', `/api/runs?task=${taskId}`)).json.length, 1);
    const retry = await call('POST', `/api/runs/${runId}/retry`);
    assert.equal(retry.status, 202);
    const again = await events(`/api/runs/${String(retry.json['runId'])}/events`);
    assert.equal(again.filter((e) => e.type === 'snapshot').at(-1)!.data['files'], 0, 'nothing is missing, so the retry sends nothing');

    for (const text of [t.logs.join(''), JSON.stringify(accounts.json), signedIn.text]) assert.ok(!text.includes(sim.account.password));
  });

  test('throttling during a run: snapshots show the back-off and a finite ETA, then the run completes', async () => {
    await fetch(`${sim.baseUrl}/__sim/change`, { method: 'POST', body: JSON.stringify({ op: 'add', count: 8 }) });
    await fetch(`${sim.baseUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ throttle: { kind: '503', count: 2, retryAfterSec: 2 } }) });
    const put = await call('PUT', `/api/tasks/${taskId}`, { name: 'Everything', source: accountId, destination: 'nas', schedule: { type: 'once' } });
    assert.equal(put.status, 200, put.text);
    // Not awaited: the answer comes only once the (throttled) listing is planned; the events stream starts before that.
    const run = fetch(`${base}/api/tasks/${taskId}/run`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    while (((await call('GET', `/api/tasks/${taskId}`)).json['active']) === null) await new Promise((r) => setTimeout(r, 20));
    const stream = await events(`/api/tasks/${taskId}/events`);
    assert.equal((await run).status, 202);
    const snapshots = stream.filter((e) => e.type === 'snapshot').map((e) => e.data);
    assert.ok(snapshots.some((s) => s['state'] === 'backing-off' && Number((s['pace'] as Json | undefined)?.['backoffSeconds']) > 0), JSON.stringify(snapshots.slice(0, 4)));
    assert.ok(snapshots.every((s) => typeof s['etaSeconds'] === 'number' && Number.isFinite(s['etaSeconds'])));
    assert.equal(snapshots.at(-1)!['state'], 'ok', JSON.stringify(snapshots.at(-1)));
    const metrics = await call('GET', '/metrics');
    assert.match(metrics.text, /photoferry_runs_total\{status="ok"\} 3/);
  });
});
