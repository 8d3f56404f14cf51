/** @module End to end against the simulator with the real sign-in (SRP + 2FA): the source definition lists and downloads, survives expiry, reports ADP. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { memoryState } from '../../connectors/context.ts';
import { isTransferError } from '../../core/transfer-error.ts';
import { startSimulator, type Simulator } from '../../simulator/server.ts';
import { passwordKey, signIn } from './auth/index.ts';
import { memorySecrets, scriptedPrompt, testCtx } from './auth/testing/fakes.ts';
import { IcloudError } from './errors.ts';
import { IcloudSource } from './icloud-source.ts';
import { icloudSource } from './index.ts';
import { Pacer } from './pacer.ts';

const signal = new AbortController().signal;

describe('icloud source definition ↔ simulator with real sign-in', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ assets: 300, seed: 9 }); });
  after(() => sim.stop());

  const peekCode = async () => {
    const r = await fetch(`${sim.baseUrl}/__sim/code?appleId=${encodeURIComponent(sim.account.appleId)}`);
    return ((await r.json()) as { code: string }).code;
  };

  it('signs in with 2FA, lists, downloads, and refreshes after the web session expires', async () => {
    const options = icloudSource.options.parse({ appleId: sim.account.appleId, authUrl: sim.authUrl, setupUrl: sim.setupUrl, minRequestIntervalMs: 0 });
    const secrets = memorySecrets();
    await secrets.set(passwordKey(options.appleId), sim.account.password);
    const ctx = { ...testCtx(secrets, scriptedPrompt([peekCode])), state: memoryState() };
    const withPassword = (await icloudSource.create(options, ctx)) as IcloudSource;
    await withPassword.connect(signal);
    const assets = [];
    for await (const page of withPassword.changes(null, signal)) assets.push(...page.upserts);
    assert.ok(assets.length > 250);
    const a = assets[0]!;
    const h = createHash('sha256');
    for await (const c of await withPassword.open(a, 'original', signal)) h.update(c as Buffer);
    assert.equal(h.digest('hex'), sim.state.sha256Of(a.id));
    sim.auth.expireSessions();
    const again = [];
    for await (const page of withPassword.changes(null, signal)) again.push(...page.upserts);
    assert.equal(again.length, assets.length);
  });

  it('Advanced Data Protection, the request declined on the device → pcs-not-approved error', async () => {
    const ctx = { ...testCtx(memorySecrets(), scriptedPrompt([peekCode, peekCode])), state: memoryState() };
    const source = new IcloudSource({
      appleId: sim.account.appleId, state: ctx.state, log: ctx.log,
      signIn: (s) => signIn({ appleId: sim.account.appleId, password: sim.account.password, authUrl: sim.authUrl, setupUrl: sim.setupUrl }, ctx, s),
      pacer: new Pacer({ minIntervalMs: 0, baseBackoffMs: 2, maxBackoffMs: 10 }),
    });
    sim.auth.account(sim.account.appleId)!.faults.adp = true;
    try {
      await assert.rejects(source.connect(signal), (e: unknown) => isTransferError(e) && (e instanceof IcloudError) && e.reason === 'pcs-not-approved');
    } finally {
      sim.auth.account(sim.account.appleId)!.faults.adp = false;
    }
  });
});
