/**
 * @module `pauseJobs=true` through the real binary against the Immich fake (v3 `/queues`), issue 14: every upload lands
 * while the ingestion queues are paused and they run again after; Ctrl-C resumes them before the process ends; after a
 * SIGKILL they stay paused and the next run resumes them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, startCli, tempHome } from './cli.ts';
import { startFakeImmich, type FakeImmich } from '../../src/destinations/immich/testing/fake-server.ts';

const notices = (stdout: string) => stdout.split('\n').filter((l) => l.includes('"notice"')).map((l) => (JSON.parse(l) as { message: string }).message);

describe('photoferry copy folder → immich with pauseJobs=true (fake v3)', () => {
  let fake: FakeImmich;
  let env: Record<string, string>;
  let library: string;
  const paused = () => [...fake.jobs.queues].filter(([, q]) => q.isPaused).map(([n]) => n);
  /** A fresh sample each time so the run has something to upload. */
  const sample = async (seed: number) => {
    library = join(env.PHOTOFERRY_HOME!, `library-${seed}`);
    assert.equal((await runCli(['sample', library, '--photos', '4', '--videos', '0', '--seed', String(seed)], env)).code, 0);
  };
  /** Starts a copy with uploads held, waits until the queues are paused, then `stop`s the process and returns its exit code. */
  const interrupted = async (signal: NodeJS.Signals): Promise<number | null> => {
    fake.holdUploads = true;
    const child = startCli(['copy', `folder:${library}`, 'im:', '--json'], env);
    child.stdout!.resume();
    child.stderr!.resume();
    const until = Date.now() + 60_000;
    while (paused().length < 7 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(paused().length, 7, 'the run paused the queues');
    child.kill(signal);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    fake.holdUploads = false;
    return code;
  };
  before(async () => {
    fake = await startFakeImmich({ version: 3, keys: { 'admin-key': ['all'] } });
    env = { PHOTOFERRY_HOME: await tempHome('pf-immich-jobs-'), PHOTOFERRY_PASSPHRASE: 'jobs-test-passphrase' };
    const added = await runCli(['remote', 'add', 'im', 'immich', `url=${fake.url}`, 'apiKey=admin-key', 'pauseJobs=true'], env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(() => fake?.stop());

  it('uploads while the queues are paused, resumes them at the end', async () => {
    await sample(1);
    const r = await runCli(['copy', `folder:${library}`, 'im:', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fake.stats.uploads >= 4, `${fake.stats.uploads} uploads`);
    assert.equal(fake.stats.uploadsWhileThumbnailsPaused, fake.stats.uploads, 'every upload happened while paused');
    assert.deepEqual(paused(), []);
    const said = notices(r.stdout).join('\n');
    assert.match(said, /paused 7 background job queue\(s\)/);
    assert.match(said, /resumed 7 background job queue\(s\)/);
  });

  it('Ctrl-C mid-upload: exit 130 and the queues already resumed', async () => {
    await sample(2);
    assert.equal(await interrupted('SIGINT'), 130);
    assert.deepEqual(paused(), []);
  });

  it('SIGKILL mid-upload leaves them paused; the next run resumes them', async () => {
    await sample(3);
    assert.equal(await interrupted('SIGKILL'), null);
    assert.equal(paused().length, 7, 'a killed process cannot resume anything');
    // Without --json: what happened to the server's queues is still printed.
    const r = await runCli(['copy', `folder:${library}`, 'im:'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paused(), []);
    assert.match(r.stderr, /immich: paused 7 background job queue\(s\)[^\n]*\n(.*\n)*immich: resumed 7/);
  });
});
