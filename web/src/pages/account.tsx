/** @module Account: change the dashboard password (other sessions end, this one gets a new cookie) and log out everywhere. */
import { useState } from 'preact/hooks';
import { post, errorText, setCsrfToken } from '../api/client.ts';
import { TextField } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';

const MIN = 10;

export function AccountPage({ onEnded }: { onEnded: () => void }) {
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const change = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (password.length < MIN) return setError(`Use at least ${MIN} characters.`);
    if (password !== repeat) return setError('The two new passwords differ.');
    setBusy(true);
    try {
      const { csrfToken } = await post<{ csrfToken: string }>('/api/password', { currentPassword: current, password });
      setCsrfToken(csrfToken);
      setError(undefined); setDone(true); setCurrent(''); setPassword(''); setRepeat('');
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const everywhere = () => { void post('/api/logout-all').then(onEnded, (err: unknown) => setError(errorText(err))); };
  return (
    <section>
      <h1>Account</h1>
      <form class="card narrow" onSubmit={(e) => void change(e)} data-testid="password-form">
        <h2>Change the dashboard password</h2>
        <p>Every other session ends; this browser stays logged in.</p>
        <TextField label="Current password" type="password" value={current} onInput={setCurrent} testId="password-current" autoComplete="current-password" required />
        <TextField label="New password" type="password" value={password} onInput={setPassword} testId="password-new" autoComplete="new-password" required hint={`At least ${MIN} characters.`} />
        <TextField label="Repeat new password" type="password" value={repeat} onInput={setRepeat} testId="password-repeat" autoComplete="new-password" required />
        <ErrorNotice error={error} />
        {done && <Notice kind="ok" testId="password-changed">Password changed.</Notice>}
        <button type="submit" disabled={busy} data-testid="password-submit">Change password</button>
      </form>
      <div class="card narrow">
        <h2>Sessions</h2>
        <p>Log out every browser that is logged in to this dashboard, this one included.</p>
        <button type="button" onClick={everywhere} data-testid="logout-all">Log out everywhere</button>
      </div>
    </section>
  );
}
