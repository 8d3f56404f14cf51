/** @module Issue 11, acceptance 1: the real binary against the simulator in its 2026 mode — code only after the PUT, 409 answers, SMS to a bridge phone, -20283, ADP approval granted / declined / timed out. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { REMOTE, accountWorld as newAccount, compareWithSimulator, runCliTyping, signIn, startWorld, type IcloudWorld } from './icloud/harness.ts';

const AUTH_NEEDED = 3;

/** The one error line (no stack trace). */
function errorLine(stderr: string): string {
  assert.doesNotMatch(stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
  return stderr.split('\n').find((l) => l.startsWith('photoferry: ')) ?? `(no error line in: ${stderr})`;
}

const filesUnder = async (dir: string): Promise<string[]> => readdir(dir, { recursive: true }).catch(() => []);

describe('iCloud sign-in as Apple serves it in 2026 (simulator, real binary)', { concurrency: 4 }, () => {
  let world: IcloudWorld;
  const homes: { stop(): Promise<void> }[] = [];
  // Short ADP approval timing (the defaults are rclone's 10 s / 5 min), set as ordinary remote options.
  before(async () => { world = await startWorld({ assets: 30, seed: 26, meanSize: 4 * 1024 }, ['minRequestIntervalMs=0', 'pcsPollSec=0.2', 'pcsWaitSec=3']); });
  after(async () => { await Promise.all(homes.map((h) => h.stop())); await world.stop(); });
  const accountWorld = async (...args: Parameters<typeof newAccount>) => { const w = await newAccount(...args); homes.push(w); return w; };

  it('the code arrives only after photoferry PUTs for it, then the sign-in completes', async () => {
    const w = await accountWorld(world, 'push@photoferry.test');
    assert.equal(world.sim.auth.apple2026, true, 'the simulator runs in 2026 mode by default');
    let atPrompt: string | undefined;
    const r = await signIn(w, () => (atPrompt = world.sim.auth.lastCode(w.appleId)));
    assert.equal(r.code, 0, r.stderr);
    assert.match(atPrompt ?? '', /^\d{6}$/, 'a code existed when the prompt appeared: the PUT asked for it (2026 Apple sends none by itself)');
    assert.match(r.stderr, /Apple sent a code to your trusted Apple devices/);
    assert.match(r.stdout, /signed in, trusted browser/);
    const status = await runCli(['auth', 'status', REMOTE], w.env);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.doesNotMatch(status.stdout, /expired/);
    assert.match(status.stdout, /2FA trust 0 day\(s\) old; a new 2FA code will be needed in \d+ day\(s\)/);
  });

  it('a valid code answered 409 with a session token is accepted', async () => {
    const w = await accountWorld(world, 'conflict-token@photoferry.test', { code409: 'token' });
    const r = await signIn(w);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /signed in, trusted browser/);
  });

  it('a valid code answered 409 without a token → a clear error naming the SMS route, exit 3', async () => {
    const w = await accountWorld(world, 'conflict-none@photoferry.test', { code409: 'no-token' });
    const r = await signIn(w);
    assert.equal(r.code, AUTH_NEEDED, r.stderr);
    assert.match(errorLine(r.stderr), /HTTP 409 and no session.*SMS route.*`photoferry auth icloud conflict-none@photoferry\.test` --phone 1/);
  });

  it('SMS to a number read from bridgeInitiateData, chosen with --phone', async () => {
    const w = await accountWorld(world, 'sms@photoferry.test');
    const account = world.sim.auth.account(w.appleId)!;
    Object.assign(account, { phones: [{ id: 1, number: '+1 (555) 555-0181' }, { id: 4, number: '+1 (555) 555-0144' }] });
    const r = await runCliTyping(['auth', 'icloud', REMOTE, '--phone', '4'], { ...w.env, PHOTOFERRY_ICLOUD_PASSWORD: world.sim.account.password },
      /Verification code: ?$/, () => world.sim.auth.lastCode(w.appleId));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Enter the verification code Apple sent by SMS to \+1 \(•••\) •••-••44/);
  });

  it('an app-specific password → -20283 → "use your Apple ID password", exit 3', async () => {
    const w = await accountWorld(world, 'asp@photoferry.test', { appSpecificPassword: true });
    const r = await signIn(w);
    assert.equal(r.code, AUTH_NEEDED, r.stderr);
    assert.equal(r.prompted, 0);
    assert.match(errorLine(r.stderr), /use your Apple ID password, not an app-specific password/);
  });

  it('ADP: the approval is granted on the device → the library is copied byte-identical', async () => {
    const w = await accountWorld(world, 'adp-yes@photoferry.test', { adp: true, adpApproval: 'grant', adpApproveAfterPolls: 2 });
    const r = await signIn(w);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Advanced Data Protection is on for adp-yes@photoferry\.test: approve the request on your iPhone/);
    assert.match(r.stderr, /waiting for your approval… 0:0\d left/, 'a countdown');
    assert.match(r.stderr, /Approved on your device/);
    const dest = join(w.home, 'backup');
    const copy = await runCli(['--json', 'copy', `${REMOTE}:`, `local:${dest}`], w.env);
    assert.equal(copy.code, 0, copy.stderr);
    const check = await compareWithSimulator(dest, world.sim);
    assert.deepEqual(check.problems.slice(0, 20), []);
    assert.equal(check.files, check.expected);
  });

  for (const [approval, message] of [['deny', /declined on your trusted device/], ['pending', /nobody approved the request .* within 3 s/]] as const) {
    it(`ADP switched on and the approval ${approval === 'deny' ? 'declined' : 'never given'} → clear error, exit 3, nothing written`, async () => {
      const w = await accountWorld(world, `adp-${approval}@photoferry.test`);
      const ok = await signIn(w);
      assert.equal(ok.code, 0, ok.stderr);
      Object.assign(world.sim.auth.account(w.appleId)!.faults, { adp: true, adpApproval: approval });
      const dest = join(w.home, 'backup');
      const started = Date.now();
      const r = await runCli(['copy', `${REMOTE}:`, `local:${dest}`], w.env);
      assert.equal(r.code, AUTH_NEEDED, r.stderr);
      assert.match(errorLine(r.stderr), message);
      assert.match(errorLine(r.stderr), /approve the prompt on your iPhone/);
      assert.deepEqual(await filesUnder(dest), [], 'nothing written');
      if (approval === 'pending') assert.ok(Date.now() - started < 60_000, 'gave up after the configured wait');
    });
  }
});
