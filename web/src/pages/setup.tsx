/** @module First start: the one-time token from the server console and the dashboard password (POST /api/setup), then the login page. */
import { useState } from 'preact/hooks';
import { post, errorText } from '../api/client.ts';
import { TextField } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';

const MIN = 10;

export function SetupPage({ onDone, tokenRequired }: { onDone: () => void; tokenRequired: boolean }) {
  const [token, setToken] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.length < MIN) return setError(`Use at least ${MIN} characters.`);
    if (password !== repeat) return setError('The two passwords differ.');
    setBusy(true);
    try { await post('/api/setup', { password, ...(tokenRequired ? { setupToken: token.trim() } : {}) }); onDone(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <main class="center">
      <form class="card narrow" onSubmit={(e) => void submit(e)} data-testid="setup-form">
        <h1>Welcome to photoferry</h1>
        <p>Choose the password that protects this dashboard. It is stored only as a hash on this machine.</p>
        {tokenRequired && <TextField label="Setup token" value={token} onInput={setToken} testId="setup-token" autoComplete="off" required
          hint="Printed once on the console where photoferry serve started (its log), so only the server's owner can do this." />}
        <TextField label="New password" type="password" value={password} onInput={setPassword} testId="setup-password"
          autoComplete="new-password" required hint={`At least ${MIN} characters.`} />
        <TextField label="Repeat password" type="password" value={repeat} onInput={setRepeat} testId="setup-repeat"
          autoComplete="new-password" required />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy} data-testid="setup-submit">Set password</button>
      </form>
    </main>
  );
}
