/** @module pauseJobs against the Immich fake, v2 (`/jobs`) and v3 (`/queues`): pause, resume, non-admin keys, Ctrl-C, a killed run's leftovers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memoryState, silentLogger, type ConnectorState } from '../../connectors/context.ts';
import { createImmichDestination } from './immich-destination.ts';
import { BULK_QUEUES } from './jobs.ts';
import { startFakeImmich, type FakeImmich } from './testing/fake-server.ts';

for (const version of [2, 3] as const) {
  describe(`Immich pauseJobs (fake v${version})`, () => {
    let fake: FakeImmich;
    before(async () => {
      fake = await startFakeImmich({ version, keys: { admin: ['all'], user: ['all'], limited: ['asset.upload', 'user.read'] }, nonAdminKeys: ['user'] });
    });
    after(() => fake.stop());
    const open = (apiKey: string, pauseJobs: boolean, state: ConnectorState = memoryState()) => createImmichDestination(
      { id: 'immich:test', url: fake.url, apiKey, connections: 2, probeBytes: 1, pauseJobs }, { log: silentLogger, state });
    const paused = () => [...fake.jobs.queues].filter(([, q]) => q.isPaused).map(([n]) => n).sort();

    it('pauses the ingestion queues for the run and resumes exactly those; a queue the admin paused stays paused', async () => {
      fake.jobs.queues.get('smartSearch')!.isPaused = true;
      const d = await open('admin', true);
      const notes = await d.bulk!.begin(new AbortController().signal);
      assert.deepEqual(paused(), [...BULK_QUEUES].sort());
      assert.match(notes.join('\n'), /paused 6 background job queue\(s\).*smartSearch were paused already and stay so/);
      assert.match((await d.bulk!.end()).join('\n'), /resumed 6/);
      assert.deepEqual(paused(), ['smartSearch']);
      fake.jobs.queues.get('smartSearch')!.isPaused = false;
      await d.close();
    });

    it('a non-admin key: says so, pauses nothing, the run goes on', async () => {
      const before = fake.jobs.commands.length;
      const d = await open('user', true);
      assert.match((await d.bulk!.begin(new AbortController().signal)).join('\n'), /needs an admin's API key.*continuing without pausing/);
      assert.deepEqual(await d.bulk!.end(), []);
      assert.equal(fake.jobs.commands.length, before);
      await d.close();
    });

    it('an admin key without the job permissions: the server\'s 403 is explained, nothing left paused', async () => {
      const d = await open('limited', true);
      const notes = (await d.bulk!.begin(new AbortController().signal)).join('\n');
      assert.match(notes, new RegExp(`could not pause background jobs .*${version === 3 ? 'queue.update' : 'job.create'}.*continuing without pausing`));
      assert.deepEqual(paused(), []);
      await d.close();
    });

    it('Ctrl-C (the run\'s signal aborts): resumed at once, before the run calls end()', async () => {
      const d = await open('admin', true);
      const run = new AbortController();
      await d.bulk!.begin(run.signal);
      assert.equal(paused().length, BULK_QUEUES.length);
      run.abort(new Error('interrupted'));
      const until = Date.now() + 2_000;
      while (paused().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(paused(), []);
      assert.match((await d.bulk!.end()).join('\n'), /resumed 7/);
      await d.close();
    });

    it('a killed run leaves its queues paused; the next run (even without pauseJobs) resumes them', async () => {
      const state = memoryState();
      const killed = await open('admin', true, state);
      await killed.bulk!.begin(new AbortController().signal); // no end(): the process died here
      await killed.close();
      assert.equal(paused().length, BULK_QUEUES.length);
      const next = await open('admin', false, state);
      assert.match((await next.bulk!.begin(new AbortController().signal)).join('\n'), /previous run was killed.*\n.*resumed 7/);
      assert.deepEqual(paused(), []);
      assert.deepEqual(await next.bulk!.end(), []);
      await next.close();
    });
  });
}
