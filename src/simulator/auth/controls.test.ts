/** @module The auth simulator's HTTP controls (/__sim/code, /__sim/auth/faults, /__sim/auth/expire), as the demo drives them. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn } from '../../sources/icloud/auth/index.ts';
import { memorySecrets, scriptedPrompt, testCtx } from '../../sources/icloud/auth/testing/fakes.ts';
import { IcloudError } from '../../sources/icloud/errors.ts';
import { authRoutes, createAuthState, type AuthState } from './index.ts';
import { startShell, type TestShell } from './testing/shell.ts';

let state: AuthState;
let shell: TestShell;
const appleId = 'controls@example.com';
const password = 'controls-pw';

before(async () => {
  state = await createAuthState({ accounts: [{ appleId, password, iterations: 300 }] });
  shell = await startShell([authRoutes(state)]);
  state.ckdatabaseUrl = `${shell.url}/ck`;
});
after(() => shell.close());

const post = (path: string, body: unknown) => fetch(`${shell.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
const opts = () => ({ appleId, password, authUrl: `${shell.url}/appleauth/auth`, setupUrl: `${shell.url}/setup/ws/1` });
const codeOverHttp = async () => ((await (await fetch(`${shell.url}/__sim/code?appleId=${appleId}`)).json()) as { code: string }).code;

test('/__sim/code: 404 before a code is issued, the code after', async () => {
  assert.equal((await fetch(`${shell.url}/__sim/code?appleId=nobody@example.com`)).status, 404);
  const secrets = memorySecrets();
  await signIn(opts(), testCtx(secrets, scriptedPrompt([codeOverHttp])), AbortSignal.timeout(20_000));
});

test('/__sim/auth/faults toggles per-account and global faults; /__sim/auth/expire ends sessions', async () => {
  assert.equal((await post('/__sim/auth/faults', { appleId, account: { webAccessDisabled: true } })).status, 200);
  const err = await signIn(opts(), testCtx(memorySecrets(), scriptedPrompt([codeOverHttp])), AbortSignal.timeout(20_000)).catch((e: unknown) => e);
  assert.ok(err instanceof IcloudError && err.reason === 'web-access-disabled');
  await post('/__sim/auth/faults', { appleId, account: { webAccessDisabled: false }, signinUnavailable: 1 });
  const busy = await signIn(opts(), testCtx(), AbortSignal.timeout(20_000)).catch((e: unknown) => e);
  assert.ok(busy instanceof IcloudError && busy.kind === 'rate-limited');
  assert.equal((await post('/__sim/auth/faults', { appleId: 'nobody@x', account: { adp: true } })).status, 404);
  const secrets = memorySecrets();
  await signIn(opts(), testCtx(secrets, scriptedPrompt([codeOverHttp])), AbortSignal.timeout(20_000));
  assert.equal(state.web.size > 0, true);
  await post('/__sim/auth/expire', { appleId });
  assert.equal([...state.web.values()].filter((s) => s.appleId === appleId).length, 0);
});
