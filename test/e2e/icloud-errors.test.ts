/** @module Issue 3, acceptance 4: every "Clear errors" case through the real binary against the simulator — the message names the user's next step, the exit code says what kind of problem it is. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from './cli.ts';
import { REMOTE, accountWorld as newAccount, signIn, startWorld, type IcloudWorld } from './icloud/harness.ts';
import type { AccountFaults } from '../../src/simulator/auth/state.ts';

// 3 = a person must act on the account or its credentials; 75 = Apple's side is not ready, run again later.
const AUTH_NEEDED = 3;
const TRY_LATER = 75;

/** The error line on stderr (there is exactly one, and no stack trace). */
function errorLine(stderr: string): string {
  assert.doesNotMatch(stderr, /\n\s+at .*:\d+:\d+/, 'no stack trace');
  return stderr.split('\n').find((l) => l.startsWith('photoferry: ')) ?? `(no error line in: ${stderr})`;
}

// Each case signs in as its own simulated Apple account with its own home, so the cases run side by side
// (every CLI start costs seconds on a loaded machine). A case that turns a knob every account shares (the code
// lockout, the sent codes, library indexing) gets a simulator of its own: setting such a knob on the shared one
// once made "iCloud Photos not enabled" fail with the code-lockout message when the cases interleaved.
describe('iCloud errors through photoferry (simulator)', { concurrency: 4 }, () => {
  let world: IcloudWorld;
  const homes: { stop(): Promise<void> }[] = [];
  before(async () => { world = await startWorld({ assets: 40, seed: 3, meanSize: 4 * 1024 }); });
  after(async () => { await Promise.all(homes.map((h) => h.stop())); await world.stop(); });
  const accountWorld = async (...args: Parameters<typeof newAccount>) => { const w = await newAccount(...args); homes.push(w); return w; };
  /** A simulator for one case alone, for the cases that change simulator-wide state. */
  const ownWorld = async () => { const w = await startWorld({ assets: 8, seed: 5, meanSize: 4 * 1024 }); homes.push(w); return w; };

  it('wrong password', async () => {
    const w = await accountWorld(world, 'password@photoferry.test');
    const r = await signIn(w, undefined, 'not-the-password');
    assert.equal(r.code, AUTH_NEEDED);
    assert.equal(r.prompted, 0, 'no code is asked for before the password is right');
    assert.match(errorLine(r.stderr), /Apple rejected the password for password@photoferry\.test\. Check the Apple ID and password, then run `photoferry auth icloud password@photoferry\.test` again\./);
  });

  it('wrong code (asked again, then a clear error), an expired code, then the wrong-code lockout', async () => {
    const own = await ownWorld();
    const w = await accountWorld(own, 'codes@photoferry.test');
    const auth = own.sim.auth;
    const lastCode = () => auth.lastCode(w.appleId);
    auth.faults.codeLockoutAfter = 100;
    let abandoned: string | undefined;
    const wrong = await signIn(w, () => { abandoned = lastCode(); return '000000'; });
    assert.equal(wrong.code, AUTH_NEEDED);
    assert.equal(wrong.prompted, 3);
    assert.match(wrong.stderr, /Wrong code\. Enter the verification code/);
    assert.match(errorLine(wrong.stderr), /The verification code was wrong or has expired\. Run `photoferry auth icloud .*` again and enter the newest code Apple sent\./);

    // Expired: the code Apple sent for the sign-in given up above, typed after a newer one was sent.
    assert.ok(abandoned !== undefined);
    const expired = await signIn(w, () => abandoned);
    assert.notEqual(lastCode(), abandoned, 'a new code was sent for this sign-in');
    assert.equal(expired.code, AUTH_NEEDED);
    assert.match(errorLine(expired.stderr), /wrong or has expired.*newest code Apple sent/);

    auth.codes.clear();
    auth.faults.codeLockoutAfter = 2;
    const locked = await runCli(['--json', 'auth', 'icloud', REMOTE, '--code', '000000'], { ...w.env, PHOTOFERRY_ICLOUD_PASSWORD: own.sim.account.password });
    assert.equal(locked.code, AUTH_NEEDED);
    assert.match(errorLine(locked.stderr), /Too many wrong verification codes.*Wait a while \(or unlock your account at https:\/\/iforgot\.apple\.com\), then run `photoferry auth icloud/);
    const event = JSON.parse(locked.stdout.trim().split('\n').at(-1)!) as { type: string; kind: string };
    assert.deepEqual([event.type, event.kind], ['error', 'auth-required']);
  });

  const accountCases: [string, Partial<AccountFaults>, RegExp][] = [
    ['locked account', { locked: true }, /This Apple Account is locked\. Unlock it at https:\/\/iforgot\.apple\.com, then run `photoferry auth icloud/],
    ['Advanced Data Protection on', { adp: true }, /Advanced Data Protection is on.*Turn it off on your iPhone \(Settings > \[your name\] > iCloud > Advanced Data Protection\)/],
    ['"Access iCloud Data on the Web" off', { webAccessDisabled: true }, /"Access iCloud Data on the Web" is off.*Turn it on on your iPhone/],
    ['China-mainland account on the global host', { domainToUse: 'iCloud.com.cn' }, /belongs to iCloud\.com\.cn.*setupUrl=https:\/\/setup\.icloud\.com\.cn\/setup\/ws\/1/],
    ['iCloud Photos not enabled', { photosDisabled: true }, /iCloud Photos is not enabled.*Turn on iCloud Photos on a device and open https:\/\/www\.icloud\.com\/photos once/],
    ['security-key (FIDO) account', { fidoOnly: true }, /security keys \(FIDO\).*photoferry cannot use.*Remove the security keys .* at https:\/\/appleid\.apple\.com/],
  ];
  accountCases.forEach(([name, faults, message], k) => {
    it(name, async () => {
      const w = await accountWorld(world, `case${k}@photoferry.test`, faults);
      const r = await signIn(w);
      assert.equal(r.code, AUTH_NEEDED, r.stderr);
      assert.match(errorLine(r.stderr), message);
    });
  });

  it('signed in, then the library is still indexing (copy: try later, exit 75), then ADP is switched on (copy: exit 3)', async () => {
    const own = await ownWorld();
    const w = await accountWorld(own, 'later@photoferry.test');
    const ok = await signIn(w);
    assert.equal(ok.code, 0, ok.stderr);
    own.sim.state.faults.indexing = { state: 'RUNNING', progress: 40 };
    const indexing = await runCli(['copy', `${REMOTE}:`, `local:${join(w.home, 'indexing')}`], w.env);
    own.sim.state.faults.indexing = { state: 'FINISHED', progress: 100 };
    assert.equal(indexing.code, TRY_LATER, indexing.stderr);
    assert.match(errorLine(indexing.stderr), /iCloud is still indexing this photo library \(40% done\)\. .*try again later\./);

    own.sim.auth.account(w.appleId)!.faults.adp = true;
    const adp = await runCli(['copy', `${REMOTE}:`, `local:${join(w.home, 'adp')}`], w.env);
    assert.equal(adp.code, AUTH_NEEDED, adp.stderr);
    assert.match(errorLine(adp.stderr), /Advanced Data Protection.*Turn it off on your iPhone/);
  });
});
