/**
 * @module `photoferry free-up` end to end (issue 16, acceptance 1–3): simulator → local and → S3 (s3rver), copies damaged
 * on both, exactly the verified eligible assets moved to Recently Deleted, audit and storage checked, dry run, undo,
 * a destination lost mid-run and a SIGKILL mid-run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCli } from './cli.ts';
import { REMOTE, jsonEvents, type JsonEvent } from './icloud/harness.ts';
import { auditRows, deleteS3Object, readS3Text, startFreeUpWorld, trashedInSim, usageInSim, type FreeUpWorld } from './free-up/world.ts';

const sorted = (s: Iterable<string>) => [...s].sort();

describe('photoferry free-up (simulator → local + S3)', () => {
  let w: FreeUpWorld;
  let require: string;
  let eligible: Set<string>;
  let damaged: Map<string, string>;
  const base = () => ['free-up', `${REMOTE}:`, '--older-than', '1y', '--require', require];

  before(async () => {
    w = await startFreeUpWorld();
    require = `local:${w.local},${w.s3.target}`;
    const lib = w.sim.state.library;
    const cutoff = new Date(); cutoff.setUTCFullYear(cutoff.getUTCFullYear() - 1);
    const old = Array.from({ length: lib.size }, (_, i) => lib.asset(i)).filter((a) => a.assetDate < cutoff.getTime() && !a.favorite);
    const live = old.filter((a) => a.shape.startsWith('live'));
    const plain = old.filter((a) => !a.shape.startsWith('live'));
    assert.ok(live.length >= 2 && plain.length >= 3, `enough old assets to damage: ${live.length} live, ${plain.length} others`);
    const fileOf = (asset: string, role: string) => w.files.find((f) => f.assetId === asset && f.role === role)!.path;
    // Local: 3 files' bytes flipped (one of them a Live Photo's video). S3: 2 objects gone (one a Live Photo's still).
    damaged = new Map([[live[0]!.assetName, 'live-video'], [plain[0]!.assetName, 'original'], [plain[1]!.assetName, 'original'], [live[1]!.assetName, 'original'], [plain[2]!.assetName, 'original']]);
    const [l0, p0, p1, l1, p2] = [...damaged.entries()];
    for (const [asset, role] of [l0!, p0!, p1!]) {
      const path = join(w.local, fileOf(asset, role));
      const bytes = await readFile(path);
      const k = Math.floor(bytes.length / 2);
      bytes[k] = bytes[k]! ^ 0xff;
      await writeFile(path, bytes);
    }
    for (const [asset, role] of [l1!, p2!]) await deleteS3Object(w, fileOf(asset, role));
    eligible = new Set(old.map((a) => a.assetName).filter((n) => !damaged.has(n)));
  });
  after(() => w.stop());

  it('dry run: names what would go and the 5 damaged assets it keeps, and changes nothing', async () => {
    const version = w.sim.state.library.version;
    const r = await w.cli(['--json', ...base()]);
    assert.equal(r.code, 0, r.stderr);
    const plan = jsonEvents(r.stdout).find((e) => e.type === 'free-up-plan')!.summary as { remove: { assets: number; bytes: number }; kept: { asset: string; reasons: string[] }[] };
    assert.equal(plan.remove.assets, eligible.size);
    assert.deepEqual(sorted(plan.kept.map((k) => k.asset)), sorted(damaged.keys()));
    assert.equal(w.sim.state.library.version, version, 'simulator unchanged');
    assert.equal(trashedInSim(w).size, 0);
    assert.deepEqual(auditRows(w), [], 'no audit entry in the catalog');
    assert.deepEqual((await readdir(w.local)).filter((n) => n.startsWith('photoferry-free-up')), [], 'no audit file');
    const text = await w.cli(base());
    assert.match(text.stdout, /Would move to Recently Deleted: \d+ assets/);
    assert.match(text.stdout, /By year and type:/);
    assert.match(text.stdout, /Dry run: nothing was changed/);
  });

  it('--execute with the wrong Apple ID typed deletes nothing', async () => {
    const r = await w.cli([...base(), '--execute'], 'someone-else@example.com\n');
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /nothing was deleted/);
    assert.equal(trashedInSim(w).size, 0);
  });

  let runId = '';
  it('--execute (Apple ID typed) moves exactly the verified eligible assets, keeps and names the damaged ones; storage and audit agree', async () => {
    const before = usageInSim(w);
    const r = await w.cli(['--json', ...base(), '--execute', '--batch-size', '6', '--batch-pause', '0'], `${w.sim.account.appleId}\n`);
    assert.equal(r.code, 0, r.stderr);
    const trashed = trashedInSim(w);
    assert.deepEqual(sorted(trashed), sorted(eligible), 'exactly the eligible, verified assets');
    const lib = w.sim.state.library;
    const freed = [...trashed].reduce((n, name) => n + lib.asset(lib.indexOf(name)!).resources.reduce((s, x) => s + x.size, 0), 0);
    assert.equal(before - usageInSim(w), freed, 'storage usage drops by exactly the freed bytes');
    const finished = jsonEvents(r.stdout).find((e) => e.type === 'free-up-finished') as JsonEvent & { runId: string; deleted: { bytes: number }; summary: { kept: { asset: string; filename: string; reasons: string[] }[] } };
    runId = finished.runId;
    assert.equal(finished.deleted.bytes, freed);
    const kept = finished.summary.kept;
    assert.deepEqual(sorted(kept.map((k) => k.asset)), sorted(damaged.keys()), 'the 5 damaged assets are kept');
    for (const k of kept) assert.match(k.reasons.join(';'), new RegExp(`${damaged.get(k.asset)} on (local|s3):.*(different|missing)`), k.filename);
    // Live pairs: the damaged Live Photos stayed whole; every Live Photo that went had both halves verified.
    for (const [asset] of damaged) assert.equal(lib.asset(lib.indexOf(asset)!).deletedAt, undefined);
    for (const dest of ['local', 's3']) {
      const text = dest === 'local' ? await readFile(join(w.local, `photoferry-free-up-${runId}.jsonl`), 'utf8') : await readS3Text(w, `photoferry-free-up-${runId}.jsonl`);
      const entries = text.trim().split('\n').map((l) => JSON.parse(l) as { asset: string; state: string; resources: { role: string; sha256: string }[]; verified: { destination: string }[] });
      assert.deepEqual(sorted(entries.filter((e) => e.state === 'deleted').map((e) => e.asset)), sorted(trashed), `${dest} audit lists each deleted asset`);
      for (const e of entries) {
        const a = lib.asset(lib.indexOf(e.asset)!);
        assert.equal(e.resources.length, a.resources.length, 'every resource (Live video, RAW, edits) listed');
        for (const res of e.resources) assert.equal(res.sha256, w.sim.state.sha256Of(e.asset, res.role as 'original'), `${e.asset} ${res.role}`);
        assert.equal(new Set(e.verified.map((v) => v.destination)).size, 2, 'verified on both destinations');
      }
    }
    const out = await w.cli(['free-up', `${REMOTE}:`, '--older-than', '1y', '--require', require]);
    for (const k of kept) assert.ok(out.stdout.includes(k.filename), `kept ${k.filename} is named`);
  });

  it('--undo RUN brings every deleted asset back', async () => {
    const r = await w.cli(['free-up', '--undo', runId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Recovered ${eligible.size} assets`));
    assert.equal(trashedInSim(w).size, 0);
    assert.ok(auditRows(w).filter((x) => x.run_id === runId).every((x) => x.state === 'recovered' || x.state === 'not-sent'));
  });

  it('SIGKILL mid-run: the audit log and the simulator agree on what was deleted, and a re-run completes the rest', async () => {
    w.sim.state.deletion.faults.modifyDelayMs = 600;
    const child = startCli(['--json', ...base(), '--execute', '--yes-i-have-verified-backups', '--batch-size', '4', '--batch-pause', '0'], w.env);
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    let batches = 0;
    await new Promise<void>((done) => {
      let buffered = '';
      child.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n'); buffered = lines.pop()!;
        for (const l of lines) if ((JSON.parse(l) as { type: string; deleted?: number }).type === 'free-up-batch') batches += 1;
        // Two batches answered; the third is written to the audit and waiting on Apple's (delayed) answer.
        if (batches >= 2) setTimeout(done, 300);
      });
      void exited.then(done);
    });
    child.kill('SIGKILL');
    await exited;
    w.sim.state.deletion.faults.modifyDelayMs = 0;
    const trashed = trashedInSim(w);
    const killedRun = auditRows(w).filter((x) => x.run_id !== runId);
    const confirmed = killedRun.filter((x) => x.state === 'deleted').map((x) => x.asset_id);
    const written = new Set(killedRun.map((x) => x.asset_id));
    assert.ok(trashed.size > 0 && trashed.size < eligible.size, `killed mid-run: ${trashed.size} of ${eligible.size} deleted`);
    for (const a of confirmed) assert.ok(trashed.has(a), `audit says ${a} deleted; so does the simulator`);
    for (const a of trashed) assert.ok(written.has(a), `simulator deleted ${a}; the audit had it before the batch was sent`);

    const rerun = await w.cli(['--json', ...base(), '--execute', '--yes-i-have-verified-backups', '--batch-size', '6', '--batch-pause', '0']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.deepEqual(sorted(trashedInSim(w)), sorted(eligible), 'the re-run completed the rest');
    const deletedInAudit = auditRows(w).filter((x) => x.run_id !== runId && x.state === 'deleted').map((x) => x.asset_id);
    assert.deepEqual(sorted(deletedInAudit), sorted(eligible), 'audit (both runs) and simulator agree exactly');
    assert.ok(!auditRows(w).some((x) => x.state === 'pending'), 'no entry left pending');
    for (const run of new Set(auditRows(w).filter((x) => x.run_id !== runId).map((x) => x.run_id))) {
      assert.equal((await w.cli(['free-up', '--undo', run])).code, 0);
    }
    assert.equal(trashedInSim(w).size, 0);
  });

  it('a destination unreachable mid-run: nothing further deleted, a clear error, exit 1', async () => {
    w.sim.state.deletion.faults.modifyDelayMs = 500;
    const child = startCli(['--json', ...base(), '--execute', '--yes-i-have-verified-backups', '--batch-size', '4', '--batch-pause', '0'], w.env);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((done) => {
      child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('"free-up-batch"')) done(); });
      void exited.then(() => done());
    });
    await w.s3.stop();
    const code = await exited;
    w.sim.state.deletion.faults.modifyDelayMs = 0;
    assert.equal(code, 1, stderr);
    assert.match(stderr, /s3:.* is unreachable .*nothing further was deleted/);
    const trashed = trashedInSim(w);
    const rows = auditRows(w);
    const lastRun = rows.at(-1)!.run_id;
    const confirmed = rows.filter((x) => x.run_id === lastRun && x.state === 'deleted').map((x) => x.asset_id);
    assert.ok(trashed.size > 0 && trashed.size < eligible.size, `stopped early: ${trashed.size} of ${eligible.size}`);
    assert.deepEqual(sorted(trashed), sorted(confirmed), 'what was deleted is exactly what the audit confirms');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(trashedInSim(w).size, trashed.size, 'nothing deleted after the exit');
  });
});
