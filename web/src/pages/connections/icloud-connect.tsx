/** @module Sign in to iCloud: Apple ID + password, then the 6-digit code box while the server answers `needs-code`, then the ADP approval wait. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, enc, errorText } from '../../api/client.ts';
import type { Account, ConnectAnswer } from '../../api/types.ts';
import { TextField } from '../../components/field.tsx';
import { ErrorNotice, Notice } from '../../components/notice.tsx';

type Step = { kind: 'credentials' } | { kind: 'code'; id: string; hint?: string | undefined } | { kind: 'approval'; id: string; hint?: string | undefined } | { kind: 'done'; appleId: string };

/** The 2026 flow in two sentences, shown before signing in (the README says the same). */
export const FLOW_2026 = 'Apple sends the code to your devices when photoferry asks; approve the prompt on your iPhone if you use Advanced Data Protection.';

/** `again`: an account whose session ended; its Apple ID (and simulator endpoints) are filled in, the password is asked. */
export function IcloudConnect({ onConnected, again }: { onConnected: () => void; again?: Account | undefined }) {
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [appleId, setAppleId] = useState('');
  const [password, setPassword] = useState('');
  const [delivery, setDelivery] = useState<'device' | 'sms'>('device');
  const [phone, setPhone] = useState('');
  const [authUrl, setAuthUrl] = useState('');
  const [setupUrl, setSetupUrl] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [demoCode, setDemoCode] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!again) return;
    setStep({ kind: 'credentials' }); setAppleId(again.appleId); setAuthUrl(again.authUrl ?? ''); setSetupUrl(again.setupUrl ?? '');
    formRef.current?.scrollIntoView({ block: 'center' });
    formRef.current?.querySelector<HTMLInputElement>('input[type="password"]')?.focus();
  }, [again]);
  // Demo accounts only: the server answers with the simulator's code, null for a real Apple account.
  const codeStepId = step.kind === 'code' ? step.id : null;
  useEffect(() => {
    setDemoCode(null);
    if (codeStepId === null) return;
    get<{ code: string | null }>(`/api/accounts/${enc(codeStepId)}/demo-code`).then((a) => setDemoCode(a.code), () => setDemoCode(null));
  }, [codeStepId, step]);

  /** One place reads the server's answer, for the first sign-in and for each code. */
  const handle = (answer: ConnectAnswer) => {
    if (answer.state === 'signed-in') {
      setStep({ kind: 'done', appleId: answer.appleId ?? appleId });
      setPassword(''); setCode(''); setError(undefined);
      onConnected();
    } else if (answer.state === 'needs-code') {
      // A wrong-code answer may come without the hint; keep saying where the code went.
      setStep((prev) => ({ kind: 'code', id: answer.id, hint: answer.hint ?? (prev.kind === 'code' ? prev.hint : undefined) }));
      setCode('');
      setError(answer.message);
    } else if (answer.state === 'needs-approval') {
      // ADP: the server waits for the tap on the iPhone; ask it for the outcome.
      setStep({ kind: 'approval', id: answer.id, hint: answer.hint });
      void call(() => get<ConnectAnswer>(`/api/accounts/icloud/${enc(answer.id)}/step`));
    } else {
      // `failed` carries the user-terms reason: wrong password, ADP on, web access off, code locked…
      setStep({ kind: 'credentials' });
      setError(answer.message ?? 'Apple refused the sign-in.');
    }
  };
  const call = async (fn: () => Promise<ConnectAnswer>) => {
    setBusy(true); setError(undefined);
    try { handle(await fn()); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const signIn = (e: Event) => {
    e.preventDefault();
    void call(() => post<ConnectAnswer>('/api/accounts/icloud', {
      appleId, password, delivery, ...(delivery === 'sms' && phone.trim() ? { phone: phone.trim() } : {}), ...(authUrl ? { authUrl } : {}), ...(setupUrl ? { setupUrl } : {}),
    }));
  };
  const sendCode = (e: Event) => {
    e.preventDefault();
    if (step.kind === 'code') void call(() => post<ConnectAnswer>(`/api/accounts/icloud/${enc(step.id)}/code`, { code: code.trim() }));
  };

  if (step.kind === 'approval') {
    return (
      <div class="subform" data-testid="icloud-approval">
        <h3>Approve on your iPhone</h3>
        <p>{step.hint ?? 'Advanced Data Protection is on: approve the request on your iPhone.'}</p>
        <p class="muted">photoferry checks every few seconds for up to 5 minutes.</p>
        <ErrorNotice error={error} testId="icloud-error" />
      </div>
    );
  }
  if (step.kind === 'code') {
    return (
      <form class="subform" onSubmit={sendCode} data-testid="icloud-code-form">
        <h3>Two-factor code</h3>
        <p>{step.hint ?? 'Apple sent a 6-digit code to your trusted devices.'}</p>
        {demoCode && <Notice kind="info" testId="icloud-demo-code">Demo account: the Apple simulator sent the code <strong>{demoCode}</strong>.</Notice>}
        <TextField label="6-digit code" value={code} onInput={setCode} testId="icloud-code" inputMode="numeric"
          pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" required />
        <ErrorNotice error={error} testId="icloud-error" />
        <div class="row">
          <button type="submit" disabled={busy || code.trim().length !== 6} data-testid="icloud-code-submit">Verify</button>
          <button type="button" class="secondary" onClick={() => { setStep({ kind: 'credentials' }); setError(undefined); }}>Start over</button>
        </div>
      </form>
    );
  }
  return (
    <form class="subform" onSubmit={signIn} data-testid="icloud-form" ref={formRef} id="icloud-form">
      <h3>{again ? `Sign in again as ${again.appleId}` : 'Add an iCloud account'}</h3>
      <p class="muted" data-testid="icloud-flow-2026">{FLOW_2026}</p>
      {step.kind === 'done' && <Notice kind="ok" testId="icloud-connected">Connected {step.appleId}.</Notice>}
      <TextField label="Apple ID" value={appleId} onInput={setAppleId} testId="icloud-apple-id" autoComplete="username" required />
      <TextField label="Password" type="password" value={password} onInput={setPassword} testId="icloud-password"
        autoComplete="current-password" required hint="Sent to Apple only; kept in photoferry's encrypted vault to renew the session." />
      <fieldset class="inline">
        <legend>Send the code</legend>
        <label class="check"><input type="radio" name="delivery" checked={delivery === 'device'} onChange={() => setDelivery('device')} data-testid="icloud-delivery-device" /> to my Apple devices</label>
        <label class="check"><input type="radio" name="delivery" checked={delivery === 'sms'} onChange={() => setDelivery('sms')} data-testid="icloud-delivery-sms" /> by SMS</label>
      </fieldset>
      {delivery === 'sms' && <TextField label="Phone (last digits, optional)" value={phone} onInput={setPhone} testId="icloud-phone" inputMode="numeric"
        hint="Which trusted number gets the SMS: its last digits, as Apple shows them; the first one when empty." />}
      <details class="more" data-testid="icloud-advanced">
        <summary>Advanced</summary>
        <p class="muted">Only for testing against the photoferry simulator: leave empty for Apple.</p>
        <TextField label="Auth URL" value={authUrl} onInput={setAuthUrl} testId="icloud-auth-url" placeholder="https://idmsa.apple.com/appleauth/auth" />
        <TextField label="Setup URL" value={setupUrl} onInput={setSetupUrl} testId="icloud-setup-url" placeholder="https://setup.icloud.com/setup/ws/1" />
      </details>
      <ErrorNotice error={error} testId="icloud-error" />
      <button type="submit" disabled={busy} data-testid="icloud-submit">{busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  );
}
