/** @module Login: POST /api/login sets the HttpOnly session cookie and returns the CSRF token for later calls. */
import { useState } from 'preact/hooks';
import { ApiError, post, errorText } from '../api/client.ts';
import { TextField } from '../components/field.tsx';
import { ErrorNotice } from '../components/notice.tsx';

export function LoginPage({ onLoggedIn }: { onLoggedIn: (csrfToken: string) => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { csrfToken } = await post<{ csrfToken: string }>('/api/login', { password });
      onLoggedIn(csrfToken);
    } catch (err) {
      // 401 is the wrong password here, not an expired session; 429 says how long the server slows us down.
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong password.' : errorText(err));
    } finally { setBusy(false); }
  };
  return (
    <main class="center">
      <form class="card narrow" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <h1>photoferry</h1>
        <TextField label="Password" type="password" value={password} onInput={setPassword} testId="login-password"
          autoComplete="current-password" required />
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy} data-testid="login-submit">Log in</button>
      </form>
    </main>
  );
}
